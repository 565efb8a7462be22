import { type Catalog, translator } from '../../shared/i18n.ts';

type Key =
  | 'fallback'
  | 'fallbackHandoff'
  | 'builtin.searchKnowledge'
  | 'builtin.searchKnowledge.query'
  | 'builtin.lookupContact'
  | 'builtin.saveContact'
  | 'builtin.saveContact.firstName'
  | 'builtin.saveContact.lastName'
  | 'builtin.saveContact.email'
  | 'builtin.saveContact.phone'
  | 'builtin.saveContact.marketingConsent'
  | 'builtin.addNote'
  | 'builtin.addNote.text'
  | 'builtin.handoff'
  | 'builtin.handoff.reason'
  | 'builtin.closeConversation'
  | 'builtin.contactSaved'
  | 'builtin.contactFound'
  | 'builtin.contactNotFound'
  | 'builtin.consentText';

const catalog: Catalog<Key> = {
  es: {
    fallback: 'Lo siento, ahora mismo no puedo consultar esa información. Inténtalo de nuevo en unos minutos.',
    fallbackHandoff: 'Lo siento, ahora mismo no puedo consultar esa información. Te paso con una persona del equipo.',
    'builtin.searchKnowledge': 'Busca en la base de conocimiento de la empresa (preguntas frecuentes, políticas, productos) cuando el cliente pregunta algo que podría estar documentado.',
    'builtin.searchKnowledge.query': 'La pregunta del cliente, con sus palabras clave.',
    'builtin.lookupContact': 'Consulta los datos del cliente actual (nombre, e-mail, teléfono, consentimiento).',
    'builtin.saveContact': 'Guarda o actualiza los datos del cliente actual cuando los comparte (nombre, e-mail, teléfono), buscando primero por e-mail o teléfono; registra su consentimiento si lo da.',
    'builtin.saveContact.firstName': 'Nombre del cliente.',
    'builtin.saveContact.lastName': 'Apellidos del cliente.',
    'builtin.saveContact.email': 'E-mail del cliente.',
    'builtin.saveContact.phone': 'Teléfono del cliente con prefijo del país.',
    'builtin.saveContact.marketingConsent': 'Si el cliente aceptó expresamente recibir comunicaciones comerciales.',
    'builtin.addNote': 'Añade una nota interna a la conversación para el equipo (el cliente no la ve).',
    'builtin.addNote.text': 'El texto de la nota.',
    'builtin.handoff': 'Pasa la conversación a una persona del equipo cuando el cliente lo pide o no puedes ayudarle.',
    'builtin.handoff.reason': 'Un resumen breve de lo que necesita el cliente, para el agente.',
    'builtin.closeConversation': 'Cierra la conversación cuando la consulta del cliente quedó resuelta y se despidió.',
    'builtin.contactSaved': 'Datos guardados.',
    'builtin.contactFound': 'Cliente encontrado.',
    'builtin.contactNotFound': 'No hay datos del cliente.',
    'builtin.consentText': 'Consentimiento dado al asistente en la conversación.',
  },
  'pt-BR': {
    fallback: 'Desculpe, agora não consigo consultar essa informação. Tente de novo em alguns minutos.',
    fallbackHandoff: 'Desculpe, agora não consigo consultar essa informação. Vou te passar para uma pessoa da equipe.',
    'builtin.searchKnowledge': 'Busca na base de conhecimento da empresa (perguntas frequentes, políticas, produtos) quando o cliente pergunta algo que pode estar documentado.',
    'builtin.searchKnowledge.query': 'A pergunta do cliente, com as palavras-chave.',
    'builtin.lookupContact': 'Consulta os dados do cliente atual (nome, e-mail, telefone, consentimento).',
    'builtin.saveContact': 'Salva ou atualiza os dados do cliente atual quando ele os informa (nome, e-mail, telefone), buscando antes por e-mail ou telefone; registra o consentimento se ele der.',
    'builtin.saveContact.firstName': 'Nome do cliente.',
    'builtin.saveContact.lastName': 'Sobrenome do cliente.',
    'builtin.saveContact.email': 'E-mail do cliente.',
    'builtin.saveContact.phone': 'Telefone do cliente com código do país.',
    'builtin.saveContact.marketingConsent': 'Se o cliente aceitou expressamente receber comunicações comerciais.',
    'builtin.addNote': 'Adiciona uma nota interna à conversa para a equipe (o cliente não vê).',
    'builtin.addNote.text': 'O texto da nota.',
    'builtin.handoff': 'Passa a conversa para uma pessoa da equipe quando o cliente pede ou você não consegue ajudar.',
    'builtin.handoff.reason': 'Um resumo breve do que o cliente precisa, para o agente.',
    'builtin.closeConversation': 'Encerra a conversa quando a dúvida do cliente foi resolvida e ele se despediu.',
    'builtin.contactSaved': 'Dados salvos.',
    'builtin.contactFound': 'Cliente encontrado.',
    'builtin.contactNotFound': 'Não há dados do cliente.',
    'builtin.consentText': 'Consentimento dado ao assistente na conversa.',
  },
  en: {
    fallback: 'Sorry, I can\'t look that up right now. Please try again in a few minutes.',
    fallbackHandoff: 'Sorry, I can\'t look that up right now. I\'m passing you to someone from the team.',
    'builtin.searchKnowledge': 'Searches the business\'s knowledge base (FAQ, policies, products) when the customer asks something that may be documented.',
    'builtin.searchKnowledge.query': 'The customer\'s question, with its key words.',
    'builtin.lookupContact': 'Reads the current customer\'s details (name, e-mail, phone, consent).',
    'builtin.saveContact': 'Saves or updates the current customer\'s details when they share them (name, e-mail, phone), looking them up by e-mail or phone first; records their consent when given.',
    'builtin.saveContact.firstName': 'The customer\'s first name.',
    'builtin.saveContact.lastName': 'The customer\'s last name.',
    'builtin.saveContact.email': 'The customer\'s e-mail address.',
    'builtin.saveContact.phone': 'The customer\'s phone number with country code.',
    'builtin.saveContact.marketingConsent': 'Whether the customer explicitly agreed to receive marketing messages.',
    'builtin.addNote': 'Adds an internal note to the conversation for the team (the customer does not see it).',
    'builtin.addNote.text': 'The note\'s text.',
    'builtin.handoff': 'Hands the conversation to someone from the team when the customer asks for it or you cannot help.',
    'builtin.handoff.reason': 'A short summary of what the customer needs, for the agent.',
    'builtin.closeConversation': 'Closes the conversation when the customer\'s request was resolved and they said goodbye.',
    'builtin.contactSaved': 'Details saved.',
    'builtin.contactFound': 'Customer found.',
    'builtin.contactNotFound': 'No details for this customer.',
    'builtin.consentText': 'Consent given to the assistant in the conversation.',
  },
};

/** The integrations module's own phrases (fallbacks said to customers, built-in tool descriptions). */
export const tIntegrations = translator(catalog);
