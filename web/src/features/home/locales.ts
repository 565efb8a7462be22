import { defineLocales } from '../../i18n/define.ts';

/** The home page: the `home` namespace. */
export const homeLocales = defineLocales({
  en: {
    title: 'Welcome, {{name}}',
    description: 'This is {{organization}} on Charla. Here is how to get going.',
    nextSteps: 'Next steps',
    steps: {
      team: { title: 'Invite your team', description: 'Add the people who answer your customers, as managers or agents.', action: 'Invite people' },
      apiKey: { title: 'Create an API key', description: 'Connect your shop, CRM or ERP to Charla through the REST API.', action: 'Create a key' },
      docs: { title: 'Read the API reference', description: 'Every endpoint, with examples in cURL, Node, Python, PHP, Java and Ruby.', action: 'Open the reference' },
      settings: { title: 'Review your settings', description: 'Time zone, language, notification sound, campaign retries and tickets.', action: 'Open settings' },
      profile: { title: 'Complete your profile', description: 'Choose your language and keep your password safe.', action: 'Open your profile' },
    },
    role: 'Your role: {{role}}',
  },
  es: {
    title: 'Hola, {{name}}',
    description: 'Esto es {{organization}} en Charla. Así puedes empezar.',
    nextSteps: 'Próximos pasos',
    steps: {
      team: { title: 'Invita a tu equipo', description: 'Suma a las personas que atienden a tus clientes, como gerentes o agentes.', action: 'Invitar personas' },
      apiKey: { title: 'Crea una clave de API', description: 'Conecta tu tienda, CRM o ERP con Charla mediante la API REST.', action: 'Crear una clave' },
      docs: { title: 'Lee la referencia de la API', description: 'Todos los endpoints, con ejemplos en cURL, Node, Python, PHP, Java y Ruby.', action: 'Abrir la referencia' },
      settings: { title: 'Revisa la configuración', description: 'Zona horaria, idioma, sonido de notificaciones, reintentos de campañas y tickets.', action: 'Abrir la configuración' },
      profile: { title: 'Completa tu perfil', description: 'Elige tu idioma y mantén segura tu contraseña.', action: 'Abrir tu perfil' },
    },
    role: 'Tu rol: {{role}}',
  },
  'pt-BR': {
    title: 'Olá, {{name}}',
    description: 'Este é o espaço de {{organization}} no Charla. Veja como começar.',
    nextSteps: 'Próximos passos',
    steps: {
      team: { title: 'Convide sua equipe', description: 'Adicione as pessoas que atendem seus clientes, como gerentes ou agentes.', action: 'Convidar pessoas' },
      apiKey: { title: 'Crie uma chave de API', description: 'Conecte sua loja, CRM ou ERP ao Charla pela API REST.', action: 'Criar uma chave' },
      docs: { title: 'Leia a referência da API', description: 'Todos os endpoints, com exemplos em cURL, Node, Python, PHP, Java e Ruby.', action: 'Abrir a referência' },
      settings: { title: 'Revise as configurações', description: 'Fuso horário, idioma, som de notificações, reenvios de campanhas e tickets.', action: 'Abrir as configurações' },
      profile: { title: 'Complete seu perfil', description: 'Escolha seu idioma e mantenha sua senha segura.', action: 'Abrir seu perfil' },
    },
    role: 'Seu papel: {{role}}',
  },
});
