import type { Catalog, Locale } from '../../shared/i18n.ts';
import { translator } from '../../shared/i18n.ts';

type StatusKey =
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'paused'
  | 'disabled'
  | 'in_appeal'
  | 'pending_deletion'
  | 'archived'
  | 'limit_exceeded'
  | 'locked'
  | 'reason_INVALID_FORMAT'
  | 'reason_PROMOTIONAL'
  | 'reason_TAG_CONTENT_MISMATCH'
  | 'reason_ABUSIVE_CONTENT'
  | 'reason_SCAM'
  | 'reason_INCORRECT_CATEGORY'
  | 'reason_other';

/** What a template's status means and what to do about it. */
const catalog: Catalog<StatusKey> = {
  en: {
    pending: 'Meta is reviewing the template; it usually takes minutes, at most 24 hours.',
    approved: 'Approved: the template can be sent.',
    rejected: 'Meta rejected the template.',
    paused: 'Meta paused the template because recipients reported or blocked it; edit it to improve its quality.',
    disabled: 'Meta disabled the template for good after repeated low quality; create a new one.',
    in_appeal: 'The rejection is being appealed.',
    pending_deletion: 'The template is being deleted.',
    archived: 'The template is archived at Meta; unarchive it there to use it again.',
    limit_exceeded: 'The business account reached its template limit.',
    locked: 'Meta locked the template; it cannot be edited.',
    reason_INVALID_FORMAT: 'Its format breaks Meta\'s rules (variables, characters or structure).',
    reason_PROMOTIONAL: 'Its content is promotional for the chosen category; choose Marketing.',
    reason_TAG_CONTENT_MISMATCH: 'The content does not match the chosen category.',
    reason_ABUSIVE_CONTENT: 'Meta considers the content abusive.',
    reason_SCAM: 'Meta considers the content a possible scam.',
    reason_INCORRECT_CATEGORY: 'The category does not match the content.',
    reason_other: 'Reason given by Meta: {{reason}}.',
  },
  es: {
    pending: 'Meta está revisando la plantilla; suele tardar minutos, como máximo 24 horas.',
    approved: 'Aprobada: la plantilla se puede enviar.',
    rejected: 'Meta rechazó la plantilla.',
    paused: 'Meta pausó la plantilla porque los destinatarios la reportaron o bloquearon; edítala para mejorar su calidad.',
    disabled: 'Meta desactivó la plantilla definitivamente tras una calidad baja repetida; crea una nueva.',
    in_appeal: 'El rechazo está en apelación.',
    pending_deletion: 'La plantilla se está eliminando.',
    archived: 'La plantilla está archivada en Meta; desarchívala allí para volver a usarla.',
    limit_exceeded: 'La cuenta de empresa alcanzó su límite de plantillas.',
    locked: 'Meta bloqueó la plantilla; no se puede editar.',
    reason_INVALID_FORMAT: 'Su formato no cumple las reglas de Meta (variables, caracteres o estructura).',
    reason_PROMOTIONAL: 'Su contenido es promocional para la categoría elegida; elige Marketing.',
    reason_TAG_CONTENT_MISMATCH: 'El contenido no corresponde a la categoría elegida.',
    reason_ABUSIVE_CONTENT: 'Meta considera que el contenido es abusivo.',
    reason_SCAM: 'Meta considera que el contenido podría ser una estafa.',
    reason_INCORRECT_CATEGORY: 'La categoría no corresponde al contenido.',
    reason_other: 'Motivo indicado por Meta: {{reason}}.',
  },
  'pt-BR': {
    pending: 'A Meta está revisando o modelo; costuma levar minutos, no máximo 24 horas.',
    approved: 'Aprovado: o modelo pode ser enviado.',
    rejected: 'A Meta rejeitou o modelo.',
    paused: 'A Meta pausou o modelo porque os destinatários o denunciaram ou bloquearam; edite-o para melhorar a qualidade.',
    disabled: 'A Meta desativou o modelo definitivamente após baixa qualidade repetida; crie um novo.',
    in_appeal: 'A rejeição está em recurso.',
    pending_deletion: 'O modelo está sendo excluído.',
    archived: 'O modelo está arquivado na Meta; desarquive-o lá para usá-lo de novo.',
    limit_exceeded: 'A conta comercial atingiu o limite de modelos.',
    locked: 'A Meta bloqueou o modelo; ele não pode ser editado.',
    reason_INVALID_FORMAT: 'O formato não segue as regras da Meta (variáveis, caracteres ou estrutura).',
    reason_PROMOTIONAL: 'O conteúdo é promocional para a categoria escolhida; escolha Marketing.',
    reason_TAG_CONTENT_MISMATCH: 'O conteúdo não corresponde à categoria escolhida.',
    reason_ABUSIVE_CONTENT: 'A Meta considera o conteúdo abusivo.',
    reason_SCAM: 'A Meta considera que o conteúdo pode ser um golpe.',
    reason_INCORRECT_CATEGORY: 'A categoria não corresponde ao conteúdo.',
    reason_other: 'Motivo informado pela Meta: {{reason}}.',
  },
};

const t = translator(catalog);
const REASONS = new Set(['INVALID_FORMAT', 'PROMOTIONAL', 'TAG_CONTENT_MISMATCH', 'ABUSIVE_CONTENT', 'SCAM', 'INCORRECT_CATEGORY']);

/** A template status (and Meta's reason code, if any) explained in words. */
export function explainTemplateStatus(status: string, reason: string | null, locale: Locale): string | null {
  if (!(status in catalog.en)) return null;
  const base = t(locale, status as StatusKey);
  if (!reason || reason === 'NONE' || status === 'approved' || status === 'pending') return base;
  const why = REASONS.has(reason) ? t(locale, `reason_${reason}` as StatusKey) : t(locale, 'reason_other', { reason });
  return `${base} ${why}`;
}
