import { and, eq, isNull, sql } from 'drizzle-orm';
import { channels, messageTemplates } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { DEMO_EMULATOR_URL } from '../channels/demo-emulator.ts';
import type { DemoSeeder } from '../demo/demo.service.ts';
import type { Language } from '../organizations/settings.ts';
import { pushTemplateToEmulator } from './emulator-templates.ts';
import { toMetaComponents } from './template-components.ts';
import type { TemplateDraft } from './template-draft.ts';

/** The demo's approved templates, per language: a promotion with quick replies and an order update. */
export const DEMO_TEMPLATES: Record<Language, TemplateDraft[]> = {
  es: [
    {
      name: 'promo_temporada',
      language: 'es',
      category: 'marketing',
      header: { format: 'text', text: 'Ofertas de temporada' },
      body: { text: '¡Hola {{1}}! Esta semana tienes un 20 % de descuento en toda la tienda con el cupón {{2}}. ¿Te interesa?', examples: { '1': 'Ana', '2': 'AURORA20' } },
      footer: { text: 'Responde PARAR para no recibir promociones' },
      buttons: [
        { type: 'quick_reply', text: 'Me interesa' },
        { type: 'quick_reply', text: 'No, gracias' },
        { type: 'url', text: 'Ver la tienda', url: 'https://tienda-aurora.example/ofertas' },
      ],
    },
    {
      name: 'pedido_enviado',
      language: 'es',
      category: 'utility',
      body: { text: 'Hola {{1}}, tu pedido {{2}} ya salió y llegará en 2 a 3 días hábiles.', examples: { '1': 'Ana', '2': '#4471' } },
      buttons: [{ type: 'url', text: 'Seguir el envío', url: 'https://tienda-aurora.example/envios/{{1}}', example: '4471' }],
    },
  ],
  'pt-BR': [
    {
      name: 'promo_temporada',
      language: 'pt_BR',
      category: 'marketing',
      header: { format: 'text', text: 'Ofertas da estação' },
      body: { text: 'Olá, {{1}}! Esta semana você tem 20% de desconto na loja toda com o cupom {{2}}. Tem interesse?', examples: { '1': 'Ana', '2': 'AURORA20' } },
      footer: { text: 'Responda SAIR para não receber promoções' },
      buttons: [
        { type: 'quick_reply', text: 'Tenho interesse' },
        { type: 'quick_reply', text: 'Não, obrigado' },
        { type: 'url', text: 'Ver a loja', url: 'https://loja-aurora.example/ofertas' },
      ],
    },
    {
      name: 'pedido_enviado',
      language: 'pt_BR',
      category: 'utility',
      body: { text: 'Olá, {{1}}, seu pedido {{2}} já saiu e chega em 2 a 3 dias úteis.', examples: { '1': 'Ana', '2': '#4471' } },
      buttons: [{ type: 'url', text: 'Acompanhar entrega', url: 'https://loja-aurora.example/entregas/{{1}}', example: '4471' }],
    },
  ],
  en: [
    {
      name: 'seasonal_offer',
      language: 'en_US',
      category: 'marketing',
      header: { format: 'text', text: 'Seasonal offers' },
      body: { text: 'Hi {{1}}! This week you get 20% off the whole store with the code {{2}}. Interested?', examples: { '1': 'Ana', '2': 'AURORA20' } },
      footer: { text: 'Reply STOP to opt out of promotions' },
      buttons: [
        { type: 'quick_reply', text: "I'm interested" },
        { type: 'quick_reply', text: 'No, thanks' },
        { type: 'url', text: 'Visit the store', url: 'https://aurora-store.example/offers' },
      ],
    },
    {
      name: 'order_shipped',
      language: 'en_US',
      category: 'utility',
      body: { text: 'Hi {{1}}, your order {{2}} has shipped and arrives in 2 to 3 working days.', examples: { '1': 'Ana', '2': '#4471' } },
      buttons: [{ type: 'url', text: 'Track delivery', url: 'https://aurora-store.example/track/{{1}}', example: '4471' }],
    },
  ],
};

/**
 * Approved templates on the demo WhatsApp channel (created by the channels seeder), also written into
 * the bundled emulator so they can be sent right away. Runs after the channels seeder.
 */
export const templatesDemoSeeder: DemoSeeder = {
  name: 'templates',
  async seed(deps, organizationId, language) {
    const db = deps.database.db;
    const [channel] = await db
      .select()
      .from(channels)
      .where(and(eq(channels.organizationId, organizationId), eq(channels.type, 'whatsapp'), isNull(channels.deletedAt), sql`${channels.config}->>'graphApiUrl' = ${DEMO_EMULATOR_URL}`))
      .limit(1);
    if (!channel) return;
    const now = new Date();
    for (const draft of DEMO_TEMPLATES[language]) {
      const [row] = await db
        .insert(messageTemplates)
        .values({
          id: newId(),
          organizationId,
          channelId: channel.id,
          name: draft.name,
          language: draft.language,
          category: draft.category,
          parameterFormat: 'positional',
          status: 'approved',
          components: toMetaComponents(draft),
          quality: 'high',
          submittedAt: new Date(now.getTime() - 3 * 24 * 3600_000),
          statusChangedAt: new Date(now.getTime() - 3 * 24 * 3600_000 + 120_000),
          lastSyncedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (row) await pushTemplateToEmulator(deps, channel, row);
    }
  },
};
