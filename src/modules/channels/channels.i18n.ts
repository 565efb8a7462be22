import { type Catalog, translator } from '../../shared/i18n.ts';

type Key =
  | 'checkOk'
  | 'checkNoCredentials'
  | 'checkUnreachable'
  | 'checkWebchatOk'
  | 'checkDisabled'
  | 'webchatTitle'
  | 'webchatGreeting';

const catalog: Catalog<Key> = {
  es: {
    checkOk: 'Conexión correcta: {{number}} ({{name}}) responde en la API de WhatsApp Cloud.',
    checkNoCredentials: 'Faltan el token de acceso o la clave secreta de la app. Guárdalos y vuelve a comprobar.',
    checkUnreachable: 'No se pudo contactar con la API de WhatsApp en {{url}}: {{reason}}',
    checkWebchatOk: 'El chat web está activo: pega el fragmento en tu sitio para mostrarlo.',
    checkDisabled: 'El canal está desactivado; actívalo para recibir y enviar mensajes.',
    webchatTitle: 'Chatea con nosotros',
    webchatGreeting: '¡Hola! 👋 ¿En qué podemos ayudarte?',
  },
  'pt-BR': {
    checkOk: 'Conexão correta: {{number}} ({{name}}) responde na API do WhatsApp Cloud.',
    checkNoCredentials: 'Faltam o token de acesso ou a chave secreta do app. Salve-os e verifique de novo.',
    checkUnreachable: 'Não foi possível contatar a API do WhatsApp em {{url}}: {{reason}}',
    checkWebchatOk: 'O chat do site está ativo: cole o trecho no seu site para exibi-lo.',
    checkDisabled: 'O canal está desativado; ative-o para receber e enviar mensagens.',
    webchatTitle: 'Fale conosco',
    webchatGreeting: 'Olá! 👋 Como podemos ajudar?',
  },
  en: {
    checkOk: 'Connected: {{number}} ({{name}}) answers on the WhatsApp Cloud API.',
    checkNoCredentials: 'The access token or the app secret is missing. Save them and check again.',
    checkUnreachable: 'Could not reach the WhatsApp API at {{url}}: {{reason}}',
    checkWebchatOk: 'The web chat is active: paste the snippet into your site to show it.',
    checkDisabled: 'The channel is disabled; enable it to receive and send messages.',
    webchatTitle: 'Chat with us',
    webchatGreeting: 'Hi! 👋 How can we help?',
  },
};

/** Translates the channels module's own phrases. */
export const tc = translator(catalog);
