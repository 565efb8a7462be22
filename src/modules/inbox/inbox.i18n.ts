import { type Catalog, translator } from '../../shared/i18n.ts';

/** Failure codes Charla itself sets on outbound messages (Meta's numeric codes are described by the adapter). */
export const OWN_FAILURE_CODES = ['channel_unavailable', 'send_attempts_exhausted', 'media_unavailable', 'credentials_unreadable'] as const;
/** One of Charla's own failure codes. */
export type OwnFailureCode = (typeof OWN_FAILURE_CODES)[number];

type Key = OwnFailureCode | 'notificationTitle';

const catalog: Catalog<Key> = {
  es: {
    channel_unavailable: 'El canal fue desactivado o eliminado antes de enviar el mensaje.',
    send_attempts_exhausted: 'No se pudo enviar después de varios intentos; WhatsApp no respondió a tiempo.',
    media_unavailable: 'El archivo adjunto ya no está disponible.',
    credentials_unreadable: 'No se pudieron leer las credenciales del canal; vuelve a guardarlas.',
    notificationTitle: 'Nuevo mensaje',
  },
  'pt-BR': {
    channel_unavailable: 'O canal foi desativado ou excluído antes de enviar a mensagem.',
    send_attempts_exhausted: 'Não foi possível enviar após várias tentativas; o WhatsApp não respondeu a tempo.',
    media_unavailable: 'O arquivo anexado não está mais disponível.',
    credentials_unreadable: 'Não foi possível ler as credenciais do canal; salve-as novamente.',
    notificationTitle: 'Nova mensagem',
  },
  en: {
    channel_unavailable: 'The channel was disabled or deleted before the message was sent.',
    send_attempts_exhausted: 'Could not send after several attempts; WhatsApp did not answer in time.',
    media_unavailable: 'The attached file is no longer available.',
    credentials_unreadable: "The channel's credentials could not be read; save them again.",
    notificationTitle: 'New message',
  },
};

/** Translates the inbox's own phrases. */
export const ti = translator(catalog);

/** Whether a stored error code is one of Charla's own. */
export const isOwnFailureCode = (code: string): code is OwnFailureCode => (OWN_FAILURE_CODES as readonly string[]).includes(code);
