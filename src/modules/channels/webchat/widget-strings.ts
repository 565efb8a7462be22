import type { Catalog } from '../../../shared/i18n.ts';

/** Every phrase of the web chat widget. */
export type WidgetKey =
  | 'open'
  | 'close'
  | 'placeholder'
  | 'send'
  | 'name'
  | 'email'
  | 'start'
  | 'intro'
  | 'required'
  | 'invalidEmail'
  | 'failed'
  | 'retry'
  | 'offline'
  | 'messageLabel'
  | 'you'
  | 'team'
  | 'unread'
  | 'attachment'
  | 'read'
  | 'delivered'
  | 'sending'
  | 'poweredBy';

/** The widget's phrases in es, pt-BR and en (injected into widget.js when it is served). */
export const WIDGET_STRINGS: Catalog<WidgetKey> = {
  es: {
    open: 'Abrir el chat',
    close: 'Cerrar el chat',
    placeholder: 'Escribe un mensaje…',
    send: 'Enviar',
    name: 'Nombre',
    email: 'Correo electrónico',
    start: 'Empezar a chatear',
    intro: 'Cuéntanos quién eres para empezar.',
    required: 'Este campo es obligatorio',
    invalidEmail: 'Escribe un correo válido',
    failed: 'No se pudo enviar. Inténtalo de nuevo.',
    retry: 'Reintentar',
    offline: 'Sin conexión; reconectando…',
    messageLabel: 'Mensaje',
    you: 'Tú',
    team: 'Equipo',
    unread: '{n} mensajes nuevos',
    attachment: 'Archivo adjunto',
    read: 'Leído',
    delivered: 'Entregado',
    sending: 'Enviando…',
    poweredBy: 'Con tecnología de Charla',
  },
  'pt-BR': {
    open: 'Abrir o chat',
    close: 'Fechar o chat',
    placeholder: 'Escreva uma mensagem…',
    send: 'Enviar',
    name: 'Nome',
    email: 'E-mail',
    start: 'Começar a conversar',
    intro: 'Conte para nós quem você é para começar.',
    required: 'Este campo é obrigatório',
    invalidEmail: 'Escreva um e-mail válido',
    failed: 'Não foi possível enviar. Tente de novo.',
    retry: 'Tentar de novo',
    offline: 'Sem conexão; reconectando…',
    messageLabel: 'Mensagem',
    you: 'Você',
    team: 'Equipe',
    unread: '{n} mensagens novas',
    attachment: 'Arquivo anexo',
    read: 'Lida',
    delivered: 'Entregue',
    sending: 'Enviando…',
    poweredBy: 'Com tecnologia Charla',
  },
  en: {
    open: 'Open chat',
    close: 'Close chat',
    placeholder: 'Type a message…',
    send: 'Send',
    name: 'Name',
    email: 'E-mail',
    start: 'Start chatting',
    intro: 'Tell us who you are to get started.',
    required: 'This field is required',
    invalidEmail: 'Enter a valid e-mail',
    failed: 'Could not send. Try again.',
    retry: 'Retry',
    offline: 'Offline; reconnecting…',
    messageLabel: 'Message',
    you: 'You',
    team: 'Team',
    unread: '{n} new messages',
    attachment: 'Attachment',
    read: 'Read',
    delivered: 'Delivered',
    sending: 'Sending…',
    poweredBy: 'Powered by Charla',
  },
};
