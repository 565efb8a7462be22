import { type Catalog, translator } from '../../shared/i18n.ts';

type Key = 'entryQuestionLabel' | 'entryAnswerLabel' | 'unknownReply';

/** The knowledge module's own phrases: labels of entries it writes, and the "I don't know" reply. */
const catalog: Catalog<Key> = {
  es: {
    entryQuestionLabel: 'Pregunta',
    entryAnswerLabel: 'Respuesta',
    unknownReply: 'No tengo esa información en este momento. ¿Quieres que te comunique con una persona de nuestro equipo?',
  },
  'pt-BR': {
    entryQuestionLabel: 'Pergunta',
    entryAnswerLabel: 'Resposta',
    unknownReply: 'Não tenho essa informação no momento. Quer que eu transfira você para uma pessoa da nossa equipe?',
  },
  en: {
    entryQuestionLabel: 'Question',
    entryAnswerLabel: 'Answer',
    unknownReply: "I don't have that information right now. Would you like me to connect you with someone from our team?",
  },
};

/** Translates one of the knowledge module's phrases. */
export const knowledgeText = translator(catalog);
