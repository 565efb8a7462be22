import type { Locale } from '../../shared/i18n.ts';
import { NETWORK_ERROR_CODE } from './types.ts';

type Phrase = Record<Locale, string>;

/**
 * What each WhatsApp error code means, for a person reading the inbox. Written from Meta's
 * error-code reference (see ../shared/reference/whatsapp-cloud-api.md §7), in plain words.
 */
const MESSAGES: Record<number, Phrase> = {
  [NETWORK_ERROR_CODE]: {
    es: 'No se pudo contactar con WhatsApp (error de red o tiempo de espera agotado). Se reintentará.',
    'pt-BR': 'Não foi possível contatar o WhatsApp (erro de rede ou tempo esgotado). Será tentado novamente.',
    en: 'Could not reach WhatsApp (network error or timeout). It will be retried.',
  },
  0: {
    es: 'El token de acceso ya no es válido (caducó o fue invalidado). Genera uno nuevo y actualiza el canal.',
    'pt-BR': 'O token de acesso não é mais válido (expirou ou foi invalidado). Gere um novo e atualize o canal.',
    en: 'The access token is no longer valid (expired or invalidated). Generate a new one and update the channel.',
  },
  1: {
    es: 'WhatsApp tuvo un error temporal desconocido. Se reintentará.',
    'pt-BR': 'O WhatsApp teve um erro temporário desconhecido. Será tentado novamente.',
    en: 'WhatsApp had an unknown temporary error. It will be retried.',
  },
  2: {
    es: 'El servicio de WhatsApp no está disponible temporalmente. Se reintentará.',
    'pt-BR': 'O serviço do WhatsApp está temporariamente indisponível. Será tentado novamente.',
    en: 'The WhatsApp service is temporarily unavailable. It will be retried.',
  },
  3: {
    es: 'La aplicación de Meta no tiene el permiso necesario para esta acción.',
    'pt-BR': 'O aplicativo da Meta não tem a permissão necessária para esta ação.',
    en: 'The Meta app does not have the capability or permission this action needs.',
  },
  4: {
    es: 'La aplicación alcanzó el límite de llamadas a la API de Meta. Se reintentará más tarde.',
    'pt-BR': 'O aplicativo atingiu o limite de chamadas à API da Meta. Será tentado mais tarde.',
    en: 'The app reached its Meta API call limit. It will be retried later.',
  },
  10: {
    es: 'El permiso necesario no fue concedido o fue retirado. Revisa los permisos del token.',
    'pt-BR': 'A permissão necessária não foi concedida ou foi removida. Verifique as permissões do token.',
    en: 'The required permission was not granted or was removed. Check the token’s permissions.',
  },
  100: {
    es: 'WhatsApp rechazó un parámetro de la solicitud (falta, está mal escrito, supera un límite o el identificador no existe).',
    'pt-BR': 'O WhatsApp rejeitou um parâmetro da solicitação (ausente, escrito errado, acima de um limite ou o identificador não existe).',
    en: 'WhatsApp rejected a request parameter (missing, misspelled, over a limit, or the id does not exist).',
  },
  190: {
    es: 'El token de acceso caducó o no es válido. Genera un token permanente nuevo y actualiza el canal.',
    'pt-BR': 'O token de acesso expirou ou é inválido. Gere um novo token permanente e atualize o canal.',
    en: 'The access token has expired or is invalid. Generate a new permanent token and update the channel.',
  },
  368: {
    es: 'La cuenta de WhatsApp Business está bloqueada temporalmente por infringir políticas.',
    'pt-BR': 'A conta do WhatsApp Business está bloqueada temporariamente por violar políticas.',
    en: 'The WhatsApp Business account is temporarily blocked for policy violations.',
  },
  613: {
    es: 'Se superó el límite de llamadas por período. Se reintentará más tarde.',
    'pt-BR': 'O limite de chamadas por período foi excedido. Será tentado mais tarde.',
    en: 'The calls-per-period limit was exceeded. It will be retried later.',
  },
  80007: {
    es: 'La cuenta de WhatsApp Business alcanzó su límite de solicitudes. Se reintentará más tarde.',
    'pt-BR': 'A conta do WhatsApp Business atingiu seu limite de solicitações. Será tentado mais tarde.',
    en: 'The WhatsApp Business account reached its request rate limit. It will be retried later.',
  },
  130403: {
    es: 'Bloqueaste a este cliente; desbloquéalo para poder escribirle.',
    'pt-BR': 'Você bloqueou este cliente; desbloqueie-o para poder escrever.',
    en: 'You blocked this customer; unblock them to message them.',
  },
  130429: {
    es: 'Se alcanzó el límite de mensajes por segundo de este número. Se reintentará en breve.',
    'pt-BR': 'O limite de mensagens por segundo deste número foi atingido. Será tentado em breve.',
    en: 'This number’s messages-per-second limit was reached. It will be retried shortly.',
  },
  130472: {
    es: 'El número del cliente participa en un experimento de WhatsApp y no recibió el mensaje.',
    'pt-BR': 'O número do cliente faz parte de um experimento do WhatsApp e não recebeu a mensagem.',
    en: 'The customer’s number is part of a WhatsApp experiment and did not get the message.',
  },
  130497: {
    es: 'La cuenta no puede enviar mensajes a clientes de este país.',
    'pt-BR': 'A conta não pode enviar mensagens para clientes deste país.',
    en: 'The account is restricted from messaging customers in this country.',
  },
  131000: {
    es: 'Algo salió mal en WhatsApp al enviar el mensaje. Se reintentará.',
    'pt-BR': 'Algo deu errado no WhatsApp ao enviar a mensagem. Será tentado novamente.',
    en: 'Something went wrong at WhatsApp while sending the message. It will be retried.',
  },
  131005: {
    es: 'Acceso denegado: el token no tiene permiso para este número o cuenta.',
    'pt-BR': 'Acesso negado: o token não tem permissão para este número ou conta.',
    en: 'Access denied: the token has no permission for this number or account.',
  },
  131008: {
    es: 'Falta un parámetro obligatorio en el mensaje.',
    'pt-BR': 'Falta um parâmetro obrigatório na mensagem.',
    en: 'A required parameter is missing from the message.',
  },
  131009: {
    es: 'Un valor del mensaje no es válido (por ejemplo, un texto demasiado largo o un botón repetido).',
    'pt-BR': 'Um valor da mensagem não é válido (por exemplo, um texto longo demais ou um botão repetido).',
    en: 'A value in the message is not valid (for example, text too long or a repeated button).',
  },
  131016: {
    es: 'El servicio de WhatsApp no está disponible temporalmente. Se reintentará.',
    'pt-BR': 'O serviço do WhatsApp está temporariamente indisponível. Será tentado novamente.',
    en: 'The WhatsApp service is temporarily unavailable. It will be retried.',
  },
  131021: {
    es: 'El destinatario es el mismo número que envía.',
    'pt-BR': 'O destinatário é o mesmo número que envia.',
    en: 'The recipient is the sending number itself.',
  },
  131026: {
    es: 'No se pudo entregar: el número no usa WhatsApp, no aceptó los términos o su aplicación es demasiado antigua.',
    'pt-BR': 'Não foi possível entregar: o número não usa WhatsApp, não aceitou os termos ou o aplicativo está desatualizado.',
    en: 'Undeliverable: the number is not on WhatsApp, has not accepted the terms, or runs an outdated app.',
  },
  131030: {
    es: 'Número de prueba: el destinatario no está en la lista de números permitidos.',
    'pt-BR': 'Número de teste: o destinatário não está na lista de números permitidos.',
    en: 'Test number: the recipient is not in the allowed list.',
  },
  131031: {
    es: 'La cuenta está bloqueada (restricción de políticas o datos de verificación incorrectos, como el PIN de dos pasos).',
    'pt-BR': 'A conta está bloqueada (restrição de políticas ou dados de verificação incorretos, como o PIN de duas etapas).',
    en: 'The account is locked (policy restriction or wrong verification data, such as the two-step PIN).',
  },
  131037: {
    es: 'El número todavía no tiene un nombre visible aprobado.',
    'pt-BR': 'O número ainda não tem um nome de exibição aprovado.',
    en: 'The number does not have an approved display name yet.',
  },
  131042: {
    es: 'Problema de facturación de la cuenta (sin método de pago, límite de crédito superado o cuenta suspendida).',
    'pt-BR': 'Problema de cobrança da conta (sem forma de pagamento, limite de crédito excedido ou conta suspensa).',
    en: 'Account billing problem (no payment method, credit line over its limit, or account suspended).',
  },
  131045: {
    es: 'El número no está registrado correctamente en la API de WhatsApp Cloud.',
    'pt-BR': 'O número não está registrado corretamente na API do WhatsApp Cloud.',
    en: 'The number is not correctly registered on the WhatsApp Cloud API.',
  },
  131047: {
    es: 'Pasaron más de 24 horas desde el último mensaje del cliente: solo se puede enviar una plantilla aprobada.',
    'pt-BR': 'Passaram mais de 24 horas desde a última mensagem do cliente: só é possível enviar um modelo aprovado.',
    en: 'More than 24 hours have passed since the customer last wrote: only an approved template can be sent.',
  },
  131048: {
    es: 'Límite antispam: demasiados mensajes de este número fueron bloqueados o denunciados. Revisa la calidad.',
    'pt-BR': 'Limite antispam: muitas mensagens deste número foram bloqueadas ou denunciadas. Verifique a qualidade.',
    en: 'Spam limit: too many messages from this number were blocked or reported. Check its quality.',
  },
  131049: {
    es: 'WhatsApp no entregó este mensaje de marketing para cuidar la experiencia del cliente. Espera al menos 24 horas.',
    'pt-BR': 'O WhatsApp não entregou esta mensagem de marketing para preservar a experiência do cliente. Aguarde pelo menos 24 horas.',
    en: 'WhatsApp held back this marketing message to protect the customer’s experience. Wait at least 24 hours.',
  },
  131050: {
    es: 'El cliente dejó de recibir mensajes de marketing de la empresa.',
    'pt-BR': 'O cliente deixou de receber mensagens de marketing da empresa.',
    en: 'The customer stopped marketing messages from the business.',
  },
  131051: {
    es: 'Tipo de mensaje no admitido por WhatsApp.',
    'pt-BR': 'Tipo de mensagem não suportado pelo WhatsApp.',
    en: 'WhatsApp does not support this message type.',
  },
  131052: {
    es: 'No se pudo descargar el archivo del cliente (quizá supera los 100 MB). Pídele que lo envíe de nuevo.',
    'pt-BR': 'Não foi possível baixar o arquivo do cliente (talvez passe de 100 MB). Peça que ele envie de novo.',
    en: 'The customer’s file could not be downloaded (it may exceed 100 MB). Ask them to send it again.',
  },
  131053: {
    es: 'No se pudo subir el archivo: el tipo no está admitido o no coincide con su contenido.',
    'pt-BR': 'Não foi possível enviar o arquivo: o tipo não é suportado ou não corresponde ao conteúdo.',
    en: 'The file could not be uploaded: its type is not supported or does not match its content.',
  },
  131056: {
    es: 'Demasiados mensajes seguidos al mismo cliente. Se reintentará en unos segundos.',
    'pt-BR': 'Muitas mensagens seguidas para o mesmo cliente. Será tentado em alguns segundos.',
    en: 'Too many messages in a row to the same customer. It will be retried in a few seconds.',
  },
  131057: {
    es: 'La cuenta está en mantenimiento (por ejemplo, mejorando su capacidad). Se reintentará.',
    'pt-BR': 'A conta está em manutenção (por exemplo, aumentando sua capacidade). Será tentado novamente.',
    en: 'The account is in maintenance mode (for example, a throughput upgrade). It will be retried.',
  },
  131063: {
    es: 'Las plantillas de marketing están desactivadas para la API Cloud en esta cuenta.',
    'pt-BR': 'Os modelos de marketing estão desativados para a API Cloud nesta conta.',
    en: 'Marketing templates are disabled for the Cloud API on this account.',
  },
  131064: {
    es: 'Se alcanzó el límite de mensajes por infracciones en la categoría de las plantillas.',
    'pt-BR': 'O limite de mensagens foi atingido por violações na categoria dos modelos.',
    en: 'The messaging limit was reached because of template category violations.',
  },
  132000: {
    es: 'El número de variables enviadas no coincide con el de la plantilla.',
    'pt-BR': 'O número de variáveis enviadas não corresponde ao do modelo.',
    en: 'The number of variables sent does not match the template.',
  },
  132001: {
    es: 'La plantilla no existe en ese idioma o todavía no está aprobada.',
    'pt-BR': 'O modelo não existe nesse idioma ou ainda não foi aprovado.',
    en: 'The template does not exist in that language or is not approved yet.',
  },
  132005: {
    es: 'El texto de la plantilla con las variables completadas es demasiado largo.',
    'pt-BR': 'O texto do modelo com as variáveis preenchidas é longo demais.',
    en: 'The template text with its variables filled in is too long.',
  },
  132007: {
    es: 'El contenido de la plantilla infringe una política de WhatsApp.',
    'pt-BR': 'O conteúdo do modelo viola uma política do WhatsApp.',
    en: 'The template content violates a WhatsApp policy.',
  },
  132008: {
    es: 'Los valores de las variables de la plantilla tienen un formato incorrecto.',
    'pt-BR': 'Os valores das variáveis do modelo estão em formato incorreto.',
    en: 'The template variable values are formatted incorrectly.',
  },
  132012: {
    es: 'Una variable no tiene el formato que espera la plantilla (por ejemplo, un tipo de archivo distinto en el encabezado).',
    'pt-BR': 'Uma variável não está no formato que o modelo espera (por exemplo, outro tipo de arquivo no cabeçalho).',
    en: 'A variable is not in the format the template expects (for example, a different media type in the header).',
  },
  132015: {
    es: 'La plantilla está en pausa por baja calidad. Edítala o usa otra.',
    'pt-BR': 'O modelo está pausado por baixa qualidade. Edite-o ou use outro.',
    en: 'The template is paused for low quality. Edit it or use another one.',
  },
  132016: {
    es: 'La plantilla fue desactivada de forma permanente. Crea una nueva.',
    'pt-BR': 'O modelo foi desativado permanentemente. Crie um novo.',
    en: 'The template was permanently disabled. Create a new one.',
  },
  133010: {
    es: 'El número de teléfono no está registrado en la plataforma de WhatsApp.',
    'pt-BR': 'O número de telefone não está registrado na plataforma do WhatsApp.',
    en: 'The phone number is not registered on the WhatsApp platform.',
  },
  135000: {
    es: 'Error genérico en los parámetros de la solicitud. Revisa el mensaje.',
    'pt-BR': 'Erro genérico nos parâmetros da solicitação. Revise a mensagem.',
    en: 'Generic error in the request parameters. Check the message.',
  },
};

const PERMISSION_RANGE: Phrase = {
  es: 'Falta un permiso de la aplicación de Meta para esta acción.',
  'pt-BR': 'Falta uma permissão do aplicativo da Meta para esta ação.',
  en: 'The Meta app is missing a permission for this action.',
};
const REGISTRATION_RANGE: Phrase = {
  es: 'Problema de registro o verificación del número de teléfono en WhatsApp.',
  'pt-BR': 'Problema de registro ou verificação do número de telefone no WhatsApp.',
  en: 'Problem with the phone number’s WhatsApp registration or verification.',
};
const TEMPLATE_MANAGEMENT_RANGE: Phrase = {
  es: 'WhatsApp rechazó la plantilla al crearla o editarla (límite, formato o variables).',
  'pt-BR': 'O WhatsApp rejeitou o modelo ao criá-lo ou editá-lo (limite, formato ou variáveis).',
  en: 'WhatsApp rejected the template on creation or edit (limit, format or variables).',
};
const UNKNOWN: Phrase = {
  es: 'WhatsApp devolvió el error {{code}}.',
  'pt-BR': 'O WhatsApp retornou o erro {{code}}.',
  en: 'WhatsApp returned error {{code}}.',
};

/** True when {@link describeGraphError} has a specific explanation for the code. */
export function hasGraphErrorDescription(code: number): boolean {
  return code in MESSAGES;
}

/** A human-readable explanation of a WhatsApp error code in the reader's language (shown in the inbox). */
export function describeGraphError(code: number, locale: Locale): string {
  const phrase =
    MESSAGES[code] ??
    (code >= 200 && code <= 299
      ? PERMISSION_RANGE
      : code >= 133000 && code <= 133999
        ? REGISTRATION_RANGE
        : code >= 2388000 && code <= 2388999
          ? TEMPLATE_MANAGEMENT_RANGE
          : UNKNOWN);
  return phrase[locale].replace('{{code}}', String(code));
}
