import { and, eq, isNull } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import { channels } from '../../db/schema/index.ts';
import type { DemoSeeder } from '../demo/demo.service.ts';
import type { Language } from '../organizations/settings.ts';
import { createIntegration } from './integrations.service.ts';
import type { ToolCreateInput } from './tools.schemas.ts';
import { createTool } from './tools.service.ts';

/** Where `charla emulator` listens by default; its demo shop API lives under `/shop`. */
export const DEFAULT_EMULATOR_URL = 'http://127.0.0.1:4010';
/** The demo shop's API key (see emulator/shop.routes.ts). */
const DEMO_SHOP_API_KEY = 'demo-shop-key';

type Texts = {
  integration: { name: string; description: string };
  orderStatus: Pick<ToolCreateInput, 'description' | 'examples' | 'replyTemplate' | 'fallbackMessage'> & { param: string };
  ticket: Pick<ToolCreateInput, 'description' | 'examples' | 'replyTemplate' | 'fallbackMessage'> & { subject: string; body: string };
  refund: Pick<ToolCreateInput, 'description' | 'examples' | 'replyTemplate' | 'fallbackMessage'> & { order: string; amount: string; reason: string };
};

const TEXTS: Record<Language, Texts> = {
  es: {
    integration: { name: 'Tienda demo', description: 'La API de pedidos, tickets y reembolsos de la tienda de demostración (servida por el emulador).' },
    orderStatus: {
      description: 'Consulta el estado de un pedido cuando el cliente pregunta dónde está, cuándo llega o qué pasó con su pedido.',
      examples: ['¿Dónde está mi pedido?', 'Quiero saber el estado del pedido 1002', '¿Cuándo llega mi compra?', 'mi pedido no ha llegado'],
      replyTemplate: 'Tu pedido {{orderId}} está en estado «{{status}}». Total: {{total}} {{currency}}. Entrega prevista: {{eta}}.',
      fallbackMessage: 'Ahora mismo no puedo consultar tu pedido. Comprueba el número (por ejemplo 1002) o inténtalo en unos minutos.',
      param: 'El número del pedido, por ejemplo 1002.',
    },
    ticket: {
      description: 'Abre un ticket de soporte cuando el cliente tiene un problema que el equipo debe revisar (producto defectuoso, error en el envío…).',
      examples: ['Quiero abrir una incidencia', 'El producto llegó roto', 'Necesito que revisen mi problema', 'abrir un ticket de soporte'],
      replyTemplate: 'He abierto el ticket {{ticketId}}. El equipo te responderá lo antes posible.',
      fallbackMessage: 'No pude abrir el ticket ahora mismo. Te paso con una persona del equipo.',
      subject: 'Un resumen corto del problema.',
      body: 'Qué pasó, con los detalles que dio el cliente.',
    },
    refund: {
      description: 'Solicita el reembolso de un pedido cuando el cliente lo pide (importe en euros y motivo).',
      examples: ['Quiero un reembolso', 'Devuélveme el dinero del pedido 1002', 'Solicitar la devolución de 20 euros', 'quiero que me reembolsen'],
      replyTemplate: 'Reembolso {{refundId}} de {{amount}} {{currency}} registrado para el pedido {{orderId}} (estado: {{status}}).',
      fallbackMessage: 'No pude registrar el reembolso. Te paso con una persona del equipo para revisarlo.',
      order: 'El número del pedido a reembolsar.',
      amount: 'El importe a reembolsar, en euros.',
      reason: 'El motivo del reembolso.',
    },
  },
  'pt-BR': {
    integration: { name: 'Loja demo', description: 'A API de pedidos, chamados e reembolsos da loja de demonstração (servida pelo emulador).' },
    orderStatus: {
      description: 'Consulta o status de um pedido quando o cliente pergunta onde está, quando chega ou o que aconteceu com o pedido.',
      examples: ['Onde está meu pedido?', 'Quero saber o status do pedido 1002', 'Quando chega minha compra?', 'meu pedido não chegou'],
      replyTemplate: 'Seu pedido {{orderId}} está com status «{{status}}». Total: {{total}} {{currency}}. Entrega prevista: {{eta}}.',
      fallbackMessage: 'Agora não consigo consultar seu pedido. Confira o número (por exemplo 1002) ou tente de novo em alguns minutos.',
      param: 'O número do pedido, por exemplo 1002.',
    },
    ticket: {
      description: 'Abre um chamado de suporte quando o cliente tem um problema que a equipe precisa analisar (produto com defeito, erro no envio…).',
      examples: ['Quero abrir um chamado', 'O produto chegou quebrado', 'Preciso que vejam meu problema', 'abrir um ticket de suporte'],
      replyTemplate: 'Abri o chamado {{ticketId}}. A equipe vai responder o quanto antes.',
      fallbackMessage: 'Não consegui abrir o chamado agora. Vou te passar para uma pessoa da equipe.',
      subject: 'Um resumo curto do problema.',
      body: 'O que aconteceu, com os detalhes que o cliente deu.',
    },
    refund: {
      description: 'Solicita o reembolso de um pedido quando o cliente pede (valor em euros e motivo).',
      examples: ['Quero um reembolso', 'Devolve o dinheiro do pedido 1002', 'Solicitar a devolução de 20 euros', 'quero ser reembolsado'],
      replyTemplate: 'Reembolso {{refundId}} de {{amount}} {{currency}} registrado para o pedido {{orderId}} (status: {{status}}).',
      fallbackMessage: 'Não consegui registrar o reembolso. Vou te passar para uma pessoa da equipe.',
      order: 'O número do pedido a reembolsar.',
      amount: 'O valor a reembolsar, em euros.',
      reason: 'O motivo do reembolso.',
    },
  },
  en: {
    integration: { name: 'Demo shop', description: 'The demo shop\'s orders, tickets and refunds API (served by the emulator).' },
    orderStatus: {
      description: 'Looks up an order\'s status when the customer asks where it is, when it arrives or what happened to it.',
      examples: ['Where is my order?', 'What is the status of order 1002?', 'When will my purchase arrive?', 'my order has not arrived'],
      replyTemplate: 'Your order {{orderId}} is "{{status}}". Total: {{total}} {{currency}}. Expected delivery: {{eta}}.',
      fallbackMessage: 'I can\'t look up your order right now. Please check the number (for example 1002) or try again in a few minutes.',
      param: 'The order number, for example 1002.',
    },
    ticket: {
      description: 'Opens a support ticket when the customer has a problem the team must review (faulty product, shipping mistake…).',
      examples: ['I want to open a ticket', 'The product arrived broken', 'I need someone to look at my problem', 'open a support ticket'],
      replyTemplate: 'I opened ticket {{ticketId}}. The team will get back to you as soon as possible.',
      fallbackMessage: 'I couldn\'t open the ticket right now. I\'m passing you to someone from the team.',
      subject: 'A short summary of the problem.',
      body: 'What happened, with the details the customer gave.',
    },
    refund: {
      description: 'Requests a refund for an order when the customer asks for one (amount in euros and reason).',
      examples: ['I want a refund', 'Give me my money back for order 1002', 'Request a refund of 20 euros', 'refund my order'],
      replyTemplate: 'Refund {{refundId}} of {{amount}} {{currency}} recorded for order {{orderId}} (status: {{status}}).',
      fallbackMessage: 'I couldn\'t record the refund. I\'m passing you to someone from the team to review it.',
      order: 'The number of the order to refund.',
      amount: 'The amount to refund, in euros.',
      reason: 'Why the customer wants a refund.',
    },
  },
};

/**
 * The demo workspace's "Tienda demo" integration: the emulator's shop API (order status, tickets and
 * refunds that ask for confirmation), reached on 127.0.0.1 through the integration's private-host
 * allowlist. The emulator's URL is the demo WhatsApp channel's Graph API URL when that channel runs on
 * the emulator, otherwise the emulator's default address.
 */
export const integrationsDemoSeeder: DemoSeeder = {
  name: 'integrations',
  async seed(deps, organizationId, language) {
    await seedDemoShop(deps, organizationId, language, await emulatorUrl(deps, organizationId));
  },
};

/** Creates the demo shop integration and its three tools against the emulator at `emulatorUrl`. */
export async function seedDemoShop(deps: Pick<Deps, 'database' | 'secrets'>, organizationId: string, language: Language, emulatorUrl: string): Promise<void> {
  const t = TEXTS[language];
  const actor = { userId: null, label: 'demo' };
  const emulator = new URL(emulatorUrl);
  const integration = await createIntegration(
    deps,
    organizationId,
    {
      kind: 'http',
      name: t.integration.name,
      description: t.integration.description,
      baseUrl: `${emulator.origin}/shop`,
      auth: { type: 'apiKey', in: 'header', name: 'X-Api-Key', value: DEMO_SHOP_API_KEY },
      headers: [],
      allowedPrivateHosts: [emulator.hostname.replace(/^\[|\]$/g, '')],
      enabled: true,
    },
    actor,
  );
  const common = { parameters: [], responseMapping: [], responseMode: 'template' as const, timeoutMs: 10_000, retries: 2, handoffOnFailure: false, requiresConfirmation: false, enabled: true };
  const tools: ToolCreateInput[] = [
    {
      ...common,
      name: 'order_status',
      ...pick(t.orderStatus),
      parameters: [{ name: 'orderId', type: 'string', description: t.orderStatus.param, required: true, pattern: '#?\\d{3,10}', enumValues: null, example: '1002' }],
      request: { method: 'GET', url: '/orders/{{orderId}}', headers: [], query: [], body: null },
      responseMapping: [
        { variable: 'status', path: 'status' },
        { variable: 'eta', path: 'eta' },
        { variable: 'total', path: 'total' },
        { variable: 'currency', path: 'currency' },
        { variable: 'trackingUrl', path: 'trackingUrl' },
      ],
    },
    {
      ...common,
      name: 'create_ticket',
      ...pick(t.ticket),
      parameters: [
        { name: 'subject', type: 'string', description: t.ticket.subject, required: true, pattern: null, enumValues: null, example: null },
        { name: 'description', type: 'string', description: t.ticket.body, required: true, pattern: null, enumValues: null, example: null },
      ],
      request: { method: 'POST', url: '/tickets', headers: [], query: [], body: { subject: '{{subject}}', description: '{{description}}', customerPhone: '{{contact.phone}}' } },
      responseMapping: [{ variable: 'ticketId', path: 'ticketId' }],
      requiresConfirmation: true,
      handoffOnFailure: true,
    },
    {
      ...common,
      name: 'request_refund',
      ...pick(t.refund),
      parameters: [
        { name: 'orderId', type: 'string', description: t.refund.order, required: true, pattern: '#?\\d{3,10}', enumValues: null, example: '1002' },
        { name: 'amount', type: 'number', description: t.refund.amount, required: true, pattern: null, enumValues: null, example: '20' },
        { name: 'reason', type: 'string', description: t.refund.reason, required: true, pattern: null, enumValues: null, example: null },
      ],
      request: { method: 'POST', url: '/refunds', headers: [], query: [], body: { orderId: '{{orderId}}', amount: '{{amount}}', reason: '{{reason}}' } },
      responseMapping: [
        { variable: 'refundId', path: 'refundId' },
        { variable: 'status', path: 'status' },
        { variable: 'currency', path: 'currency' },
      ],
      requiresConfirmation: true,
      handoffOnFailure: true,
    },
  ];
  for (const tool of tools) await createTool(deps, organizationId, integration.id, tool, actor);
}

function pick(t: Pick<ToolCreateInput, 'description' | 'examples' | 'replyTemplate' | 'fallbackMessage'>) {
  return { description: t.description, examples: t.examples, replyTemplate: t.replyTemplate, fallbackMessage: t.fallbackMessage };
}

/** The emulator serving this demo: its WhatsApp channel's Graph API URL when that is local, else the default. */
async function emulatorUrl(deps: Pick<Deps, 'database'>, organizationId: string): Promise<string> {
  const rows = await deps.database.db
    .select({ config: channels.config })
    .from(channels)
    .where(and(eq(channels.organizationId, organizationId), eq(channels.type, 'whatsapp'), isNull(channels.deletedAt)));
  for (const { config } of rows) {
    const url = 'graphApiUrl' in config && typeof config.graphApiUrl === 'string' ? config.graphApiUrl : '';
    if (/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(url)) return new URL(url).origin;
  }
  return DEFAULT_EMULATOR_URL;
}
