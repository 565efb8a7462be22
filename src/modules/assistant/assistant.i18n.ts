import { type Catalog, translator } from '../../shared/i18n.ts';

type Key =
  | 'confirm.prompt'
  | 'confirm.yes'
  | 'confirm.no'
  | 'confirm.cancelled'
  | 'confirm.expired'
  | 'confirm.reask'
  | 'ask.param'
  | 'ask.invalid'
  | 'ask.consent'
  | 'unknown.offer'
  | 'unknown.handoff'
  | 'handoff.notice'
  | 'handoff.note'
  | 'handoff.reason.keyword'
  | 'handoff.reason.frustrated'
  | 'handoff.reason.unknown'
  | 'handoff.reason.toolFailure'
  | 'handoff.reason.model'
  | 'collect.cancelled'
  | 'tool.done'
  | 'llm.error'
  | 'llm.system.language'
  | 'llm.system.knowledge'
  | 'llm.system.noKnowledge'
  | 'param.firstName'
  | 'param.email'
  | 'builtin.lead.examples';

const CATALOG: Catalog<Key> = {
  es: {
    'confirm.prompt': 'Antes de seguir, confírmame por favor: {{action}}.\n{{args}}\n¿Lo confirmas?',
    'confirm.yes': 'Sí',
    'confirm.no': 'No',
    'confirm.cancelled': 'De acuerdo, no lo hago. ¿Te ayudo con algo más?',
    'confirm.expired': 'La confirmación anterior caducó, así que no hice nada.',
    'confirm.reask': 'Responde «sí» para confirmar o «no» para cancelar.',
    'ask.param': '¿Me indicas {{label}}?',
    'ask.invalid': 'Eso no parece válido. ¿Me indicas {{label}}?',
    'ask.consent': '¿Aceptas recibir novedades y ofertas por este canal? (sí/no)',
    'unknown.offer': 'Lo siento, no sé responder a eso. ¿Quieres que te pase con una persona del equipo?',
    'unknown.handoff': 'No encuentro la respuesta. Te paso con una persona del equipo.',
    'handoff.notice': 'Te paso con una persona del equipo; te responderá en cuanto pueda.',
    'handoff.note': 'El asistente pasó la conversación a una persona. Motivo: {{reason}}.\nÚltimo mensaje del cliente: «{{last}}»',
    'handoff.reason.keyword': 'el cliente escribió una palabra clave de parada',
    'handoff.reason.frustrated': 'el cliente pidió hablar con una persona',
    'handoff.reason.unknown': 'el asistente no supo responder varias veces',
    'handoff.reason.toolFailure': 'falló la herramienta {{tool}}',
    'handoff.reason.model': 'el modelo lo decidió: {{reason}}',
    'collect.cancelled': 'Vale, lo dejamos. ¿En qué más te puedo ayudar?',
    'tool.done': 'Hecho.',
    'llm.error': 'Ahora mismo no puedo responder. Te paso con una persona del equipo.',
    'llm.system.language': 'Responde siempre en el idioma del cliente ({{language}}). Sé breve y amable. No inventes datos: usa las herramientas y la base de conocimiento.',
    'llm.system.knowledge': 'Extractos de la base de conocimiento (cita el título cuando los uses):',
    'llm.system.noKnowledge': 'La base de conocimiento no tiene nada sobre este mensaje. Si no sabes la respuesta, dilo y ofrece pasar con una persona.',
    'param.firstName': 'tu nombre',
    'param.email': 'tu correo electrónico',
    'builtin.lead.examples': 'quiero recibir ofertas|suscribirme a las novedades|quiero que me contacten|dejar mis datos|darme de alta en el boletín',
  },
  'pt-BR': {
    'confirm.prompt': 'Antes de continuar, confirme por favor: {{action}}.\n{{args}}\nVocê confirma?',
    'confirm.yes': 'Sim',
    'confirm.no': 'Não',
    'confirm.cancelled': 'Tudo bem, não vou fazer isso. Posso ajudar em algo mais?',
    'confirm.expired': 'A confirmação anterior expirou, então não fiz nada.',
    'confirm.reask': 'Responda «sim» para confirmar ou «não» para cancelar.',
    'ask.param': 'Pode me informar {{label}}?',
    'ask.invalid': 'Isso não parece válido. Pode me informar {{label}}?',
    'ask.consent': 'Você aceita receber novidades e ofertas por este canal? (sim/não)',
    'unknown.offer': 'Desculpe, não sei responder isso. Quer que eu te passe para uma pessoa da equipe?',
    'unknown.handoff': 'Não encontrei a resposta. Vou te passar para uma pessoa da equipe.',
    'handoff.notice': 'Vou te passar para uma pessoa da equipe; ela vai responder assim que puder.',
    'handoff.note': 'O assistente passou a conversa para uma pessoa. Motivo: {{reason}}.\nÚltima mensagem do cliente: «{{last}}»',
    'handoff.reason.keyword': 'o cliente escreveu uma palavra-chave de parada',
    'handoff.reason.frustrated': 'o cliente pediu para falar com uma pessoa',
    'handoff.reason.unknown': 'o assistente não soube responder várias vezes',
    'handoff.reason.toolFailure': 'a ferramenta {{tool}} falhou',
    'handoff.reason.model': 'o modelo decidiu: {{reason}}',
    'collect.cancelled': 'Certo, deixamos isso. Em que mais posso ajudar?',
    'tool.done': 'Feito.',
    'llm.error': 'Agora não consigo responder. Vou te passar para uma pessoa da equipe.',
    'llm.system.language': 'Responda sempre no idioma do cliente ({{language}}). Seja breve e gentil. Não invente dados: use as ferramentas e a base de conhecimento.',
    'llm.system.knowledge': 'Trechos da base de conhecimento (cite o título quando usar):',
    'llm.system.noKnowledge': 'A base de conhecimento não tem nada sobre esta mensagem. Se não souber a resposta, diga isso e ofereça passar para uma pessoa.',
    'param.firstName': 'seu nome',
    'param.email': 'seu e-mail',
    'builtin.lead.examples': 'quero receber ofertas|quero receber novidades|quero me cadastrar|quero que entrem em contato|deixar meus dados',
  },
  en: {
    'confirm.prompt': 'Before I go ahead, please confirm: {{action}}.\n{{args}}\nDo you confirm?',
    'confirm.yes': 'Yes',
    'confirm.no': 'No',
    'confirm.cancelled': 'All right, I won\'t do it. Can I help with anything else?',
    'confirm.expired': 'The previous confirmation expired, so I did nothing.',
    'confirm.reask': 'Reply "yes" to confirm or "no" to cancel.',
    'ask.param': 'Could you tell me {{label}}?',
    'ask.invalid': 'That doesn\'t look valid. Could you tell me {{label}}?',
    'ask.consent': 'Do you agree to receive news and offers on this channel? (yes/no)',
    'unknown.offer': 'Sorry, I don\'t know how to answer that. Shall I get you a person from the team?',
    'unknown.handoff': 'I can\'t find the answer. I\'m passing you to a person from the team.',
    'handoff.notice': 'I\'m passing you to a person from the team; they will reply as soon as they can.',
    'handoff.note': 'The assistant handed the conversation to a person. Reason: {{reason}}.\nCustomer\'s last message: "{{last}}"',
    'handoff.reason.keyword': 'the customer wrote a stop keyword',
    'handoff.reason.frustrated': 'the customer asked for a person',
    'handoff.reason.unknown': 'the assistant could not answer several times',
    'handoff.reason.toolFailure': 'the tool {{tool}} failed',
    'handoff.reason.model': 'the model decided: {{reason}}',
    'collect.cancelled': 'OK, let\'s leave it. What else can I help with?',
    'tool.done': 'Done.',
    'llm.error': 'I can\'t answer right now. I\'m passing you to a person from the team.',
    'llm.system.language': 'Always reply in the customer\'s language ({{language}}). Be brief and kind. Do not invent data: use the tools and the knowledge base.',
    'llm.system.knowledge': 'Knowledge base excerpts (cite the title when you use them):',
    'llm.system.noKnowledge': 'The knowledge base has nothing about this message. If you do not know the answer, say so and offer a person.',
    'param.firstName': 'your name',
    'param.email': 'your e-mail address',
    'builtin.lead.examples': 'I want to receive offers|sign me up for the newsletter|I want you to contact me|leave my details|subscribe to news',
  },
};

/** The assistant's own phrases in es, pt-BR and en. */
export const tAssistant = translator(CATALOG);
export type AssistantPhrase = Key;
