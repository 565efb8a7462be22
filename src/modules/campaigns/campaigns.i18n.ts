import { describeGraphError, hasGraphErrorDescription } from '../../adapters/whatsapp-cloud/graph-error-messages.ts';
import { type Catalog, type Locale, translator } from '../../shared/i18n.ts';

type Key =
  | 'reason_variable_missing'
  | 'reason_no_phone'
  | 'reason_channel_unavailable'
  | 'reason_credentials_unreadable'
  | 'reason_send_attempts_exhausted'
  | 'reason_unknown'
  | 'status_pending'
  | 'status_sending'
  | 'status_sent'
  | 'status_delivered'
  | 'status_read'
  | 'status_failed'
  | 'status_skipped'
  | 'status_cancelled'
  | 'csv_contact'
  | 'csv_phone'
  | 'csv_status'
  | 'csv_reason'
  | 'csv_error_code'
  | 'csv_retries'
  | 'csv_sent_at'
  | 'csv_delivered_at'
  | 'csv_read_at'
  | 'csv_failed_at'
  | 'csv_replied_at'
  | 'csv_last_update'
  | 'csv_message';

/** The campaigns module's own phrases: failure reasons Meta has no code for, statuses, export headers. */
const catalog: Catalog<Key> = {
  en: {
    reason_variable_missing: 'Not sent: the contact has no value for {{keys}} and the mapping has no fallback.',
    reason_no_phone: 'Not sent: the contact has no WhatsApp number.',
    reason_channel_unavailable: 'Not sent: the WhatsApp channel is disabled or was deleted.',
    reason_credentials_unreadable: 'Not sent: the channel\'s credentials could not be read; save them again.',
    reason_send_attempts_exhausted: 'Not sent: WhatsApp could not be reached after several attempts.',
    reason_unknown: 'WhatsApp reported error {{code}}.',
    status_pending: 'Pending',
    status_sending: 'Sending',
    status_sent: 'Sent',
    status_delivered: 'Delivered',
    status_read: 'Read',
    status_failed: 'Failed',
    status_skipped: 'Skipped',
    status_cancelled: 'Cancelled',
    csv_contact: 'Contact',
    csv_phone: 'Phone',
    csv_status: 'Status',
    csv_reason: 'Reason',
    csv_error_code: 'Error code',
    csv_retries: 'Retries',
    csv_sent_at: 'Sent at',
    csv_delivered_at: 'Delivered at',
    csv_read_at: 'Read at',
    csv_failed_at: 'Failed at',
    csv_replied_at: 'Replied at',
    csv_last_update: 'Last update',
    csv_message: 'Message',
  },
  es: {
    reason_variable_missing: 'No enviado: el contacto no tiene valor para {{keys}} y la asignación no tiene valor por defecto.',
    reason_no_phone: 'No enviado: el contacto no tiene número de WhatsApp.',
    reason_channel_unavailable: 'No enviado: el canal de WhatsApp está desactivado o fue eliminado.',
    reason_credentials_unreadable: 'No enviado: no se pudieron leer las credenciales del canal; vuelve a guardarlas.',
    reason_send_attempts_exhausted: 'No enviado: no se pudo contactar con WhatsApp tras varios intentos.',
    reason_unknown: 'WhatsApp informó el error {{code}}.',
    status_pending: 'Pendiente',
    status_sending: 'Enviando',
    status_sent: 'Enviado',
    status_delivered: 'Entregado',
    status_read: 'Leído',
    status_failed: 'Fallido',
    status_skipped: 'Omitido',
    status_cancelled: 'Cancelado',
    csv_contact: 'Contacto',
    csv_phone: 'Teléfono',
    csv_status: 'Estado',
    csv_reason: 'Motivo',
    csv_error_code: 'Código de error',
    csv_retries: 'Reintentos',
    csv_sent_at: 'Enviado el',
    csv_delivered_at: 'Entregado el',
    csv_read_at: 'Leído el',
    csv_failed_at: 'Falló el',
    csv_replied_at: 'Respondió el',
    csv_last_update: 'Última actualización',
    csv_message: 'Mensaje',
  },
  'pt-BR': {
    reason_variable_missing: 'Não enviado: o contato não tem valor para {{keys}} e o mapeamento não tem valor padrão.',
    reason_no_phone: 'Não enviado: o contato não tem número de WhatsApp.',
    reason_channel_unavailable: 'Não enviado: o canal de WhatsApp está desativado ou foi excluído.',
    reason_credentials_unreadable: 'Não enviado: não foi possível ler as credenciais do canal; salve-as novamente.',
    reason_send_attempts_exhausted: 'Não enviado: não foi possível contatar o WhatsApp após várias tentativas.',
    reason_unknown: 'O WhatsApp informou o erro {{code}}.',
    status_pending: 'Pendente',
    status_sending: 'Enviando',
    status_sent: 'Enviado',
    status_delivered: 'Entregue',
    status_read: 'Lido',
    status_failed: 'Falhou',
    status_skipped: 'Ignorado',
    status_cancelled: 'Cancelado',
    csv_contact: 'Contato',
    csv_phone: 'Telefone',
    csv_status: 'Status',
    csv_reason: 'Motivo',
    csv_error_code: 'Código de erro',
    csv_retries: 'Reenvios',
    csv_sent_at: 'Enviado em',
    csv_delivered_at: 'Entregue em',
    csv_read_at: 'Lido em',
    csv_failed_at: 'Falhou em',
    csv_replied_at: 'Respondeu em',
    csv_last_update: 'Última atualização',
    csv_message: 'Mensagem',
  },
};

/** Translates one of the module's phrases. */
export const tc = translator(catalog);

const LOCAL_REASONS = new Set(['variable_missing', 'no_phone', 'channel_unavailable', 'credentials_unreadable', 'send_attempts_exhausted']);

/**
 * Why a recipient failed, in words: Meta's codes through the adapter's descriptions, Charla's own
 * codes (a missing value, no number…) from this module. `detail` carries what the code needs
 * (the parameters a contact lacked).
 */
export function describeFailure(code: string | null, detail: string | null, locale: Locale): string | null {
  if (!code) return null;
  if (LOCAL_REASONS.has(code)) return tc(locale, `reason_${code}` as Key, { keys: detail ?? '' });
  const numeric = Number(code);
  if (Number.isInteger(numeric) && hasGraphErrorDescription(numeric)) return describeGraphError(numeric, locale);
  return tc(locale, 'reason_unknown', { code });
}
