import { type Catalog, translator } from '../../shared/i18n.ts';

type Key = 'notUnderstood';

const CATALOG: Catalog<Key> = {
  es: {
    notUnderstood: 'Lo siento, no he podido entender tu mensaje de voz. ¿Me lo puedes escribir?',
  },
  'pt-BR': {
    notUnderstood: 'Desculpe, não consegui entender sua mensagem de voz. Pode me escrever?',
  },
  en: {
    notUnderstood: 'Sorry, I couldn\'t understand your voice message. Could you write it instead?',
  },
};

/** The assistant's phrases about voice notes in es, pt-BR and en. */
export const tVoice = translator(CATALOG);
