import type { DemoSeeder } from '../demo/demo.service.ts';
import { updateAssistantSettings } from './settings.service.ts';

const PERSONA = {
  es: 'Eres Charla, el asistente de la tienda demo. Ayudas con pedidos, envíos, devoluciones y reembolsos.',
  'pt-BR': 'Você é a Charla, a assistente da loja demo. Ajuda com pedidos, entregas, devoluções e reembolsos.',
  en: 'You are Charla, the demo shop\'s assistant. You help with orders, shipping, returns and refunds.',
} as const;

const STOP = { es: ['agente', 'humano'], 'pt-BR': ['atendente', 'humano'], en: ['agent', 'human'] } as const;

/**
 * Turns the demo workspace's assistant on with the offline brain and auto-assist, so a newcomer can ask
 * the demo WhatsApp number or web chat about an order and watch the tool calls. Runs after the
 * integrations seeder (the demo shop tools must exist).
 */
export const assistantDemoSeeder: DemoSeeder = {
  name: 'assistant',
  async seed(deps, organizationId, language) {
    await updateAssistantSettings(
      deps,
      organizationId,
      { enabled: true, brain: 'offline', autoAssist: true, persona: PERSONA[language], stopKeywords: [...STOP[language]], keywordMatch: 'exact' },
      { label: 'demo' },
    );
  },
};
