import { randomInt } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { conversations, memberships, messages } from '../../db/schema/index.ts';
import { newId, randomToken } from '../../shared/ids.ts';
import type { DemoSeeder } from '../demo/demo.service.ts';
import { findOrCreateContactForChannel } from '../inbox/contact-link.ts';
import type { Language } from '../organizations/settings.ts';
import { createChannel } from './channels.service.ts';
import { DEMO_EMULATOR_URL, registerDemoChannel } from './demo-emulator.ts';

type Line = [direction: 'in' | 'out' | 'note', minutesAgo: number, text: string];
interface DemoChat {
  channel: 'whatsapp' | 'webchat';
  name: string;
  waId?: string;
  email?: string;
  state: 'unassigned' | 'open' | 'closed';
  /** Index into the demo agents (identity seeder): 0 = first agent. */
  agent?: number;
  lines: Line[];
}

const CHATS: Record<Language, DemoChat[]> = {
  es: [
    { channel: 'whatsapp', name: 'Ana Martínez', waId: '5215512340001', state: 'unassigned', lines: [['in', 12, 'Hola, ¿mi pedido #4471 ya salió? 📦']] },
    {
      channel: 'whatsapp',
      name: 'Carlos Ruiz',
      waId: '5215512340002',
      state: 'open',
      agent: 0,
      lines: [
        ['in', 95, 'Buenas tardes, quiero cambiar la talla de unas zapatillas'],
        ['out', 90, '¡Hola, Carlos! Claro. ¿Qué talla necesitas?'],
        ['in', 60, 'La 42, por favor'],
        ['note', 58, 'Cliente frecuente: ofrecer envío gratis del cambio'],
      ],
    },
    {
      channel: 'webchat',
      name: 'Lucía Gómez',
      email: 'lucia.gomez@example.com',
      state: 'open',
      agent: 1,
      lines: [
        ['in', 30, '¿Hacen envíos a Monterrey?'],
        ['out', 28, 'Sí, llegan en 2 a 3 días hábiles. 🚚'],
      ],
    },
    {
      channel: 'whatsapp',
      name: 'Pedro Sánchez',
      waId: '5215512340004',
      state: 'closed',
      agent: 0,
      lines: [
        ['in', 1500, '¿Tienen factura electrónica?'],
        ['out', 1490, 'Sí, la enviamos a tu correo en cuanto se confirma el pago.'],
        ['in', 1480, '¡Perfecto, gracias!'],
      ],
    },
  ],
  'pt-BR': [
    { channel: 'whatsapp', name: 'Ana Souza', waId: '5511987650001', state: 'unassigned', lines: [['in', 12, 'Olá! Meu pedido #4471 já saiu? 📦']] },
    {
      channel: 'whatsapp',
      name: 'Carlos Lima',
      waId: '5511987650002',
      state: 'open',
      agent: 0,
      lines: [
        ['in', 95, 'Boa tarde, quero trocar o tamanho de um tênis'],
        ['out', 90, 'Olá, Carlos! Claro. Qual tamanho você precisa?'],
        ['in', 60, 'O 42, por favor'],
        ['note', 58, 'Cliente frequente: oferecer frete grátis na troca'],
      ],
    },
    {
      channel: 'webchat',
      name: 'Lúcia Pereira',
      email: 'lucia.pereira@example.com',
      state: 'open',
      agent: 1,
      lines: [
        ['in', 30, 'Vocês entregam em Curitiba?'],
        ['out', 28, 'Sim, chega em 2 a 3 dias úteis. 🚚'],
      ],
    },
    {
      channel: 'whatsapp',
      name: 'Pedro Alves',
      waId: '5511987650004',
      state: 'closed',
      agent: 0,
      lines: [
        ['in', 1500, 'Vocês emitem nota fiscal?'],
        ['out', 1490, 'Sim, enviamos para o seu e-mail assim que o pagamento é confirmado.'],
        ['in', 1480, 'Perfeito, obrigado!'],
      ],
    },
  ],
  en: [
    { channel: 'whatsapp', name: 'Ana Walker', waId: '34612340001', state: 'unassigned', lines: [['in', 12, 'Hi! Has my order #4471 shipped yet? 📦']] },
    {
      channel: 'whatsapp',
      name: 'Charles Reed',
      waId: '34612340002',
      state: 'open',
      agent: 0,
      lines: [
        ['in', 95, "Good afternoon, I'd like to change the size of some sneakers"],
        ['out', 90, 'Hi Charles! Sure. Which size do you need?'],
        ['in', 60, 'A 42, please'],
        ['note', 58, 'Returning customer: offer free shipping on the exchange'],
      ],
    },
    {
      channel: 'webchat',
      name: 'Lucy Grant',
      email: 'lucy.grant@example.com',
      state: 'open',
      agent: 1,
      lines: [
        ['in', 30, 'Do you ship to Lisbon?'],
        ['out', 28, 'Yes, it arrives in 2 to 3 working days. 🚚'],
      ],
    },
    {
      channel: 'whatsapp',
      name: 'Peter Hall',
      waId: '34612340004',
      state: 'closed',
      agent: 0,
      lines: [
        ['in', 1500, 'Do you issue invoices?'],
        ['out', 1490, 'Yes, we e-mail it as soon as the payment is confirmed.'],
        ['in', 1480, 'Perfect, thanks!'],
      ],
    },
  ],
};

const NAMES: Record<Language, { whatsapp: string; webchat: string }> = {
  es: { whatsapp: 'WhatsApp Tienda Aurora', webchat: 'Chat del sitio web' },
  'pt-BR': { whatsapp: 'WhatsApp Loja Aurora', webchat: 'Chat do site' },
  en: { whatsapp: 'WhatsApp Aurora Store', webchat: 'Website chat' },
};

const digits = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join('');

/**
 * The demo's channels: a WhatsApp number on the bundled emulator (so anyone can play the customer on
 * its phone page) and a web chat widget, with conversations in every state — unassigned, open with an
 * agent (and a private note), a web chat, and a closed one.
 */
export const channelsDemoSeeder: DemoSeeder = {
  name: 'channels',
  async seed(deps, organizationId, language) {
    const actor = { label: 'Demo' };
    const whatsapp = await createChannel(
      deps,
      organizationId,
      {
        type: 'whatsapp',
        name: NAMES[language].whatsapp,
        phoneNumberId: digits(15),
        wabaId: digits(15),
        appId: digits(15),
        accessToken: `EAAG-demo-${randomToken(24)}`,
        appSecret: randomToken(24),
        graphApiUrl: DEMO_EMULATOR_URL,
      },
      actor,
    );
    const webchat = await createChannel(deps, organizationId, { type: 'webchat', name: NAMES[language].webchat }, actor);
    const db = deps.database.db;
    const agents = await db
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'agent'), eq(memberships.status, 'active')))
      .orderBy(asc(memberships.createdAt));
    await db.transaction(async (tx) => {
      for (const chat of CHATS[language]) await seedChat(tx, organizationId, chat.channel === 'whatsapp' ? whatsapp.id : webchat.id, chat, agents);
    });
    await registerDemoChannel(deps, whatsapp);
  },
};

async function seedChat(tx: Db, organizationId: string, channelId: string, chat: DemoChat, agents: { id: string }[]) {
  const contact = chat.waId
    ? await findOrCreateContactForChannel(tx, organizationId, { waId: chat.waId, name: chat.name })
    : await findOrCreateContactForChannel(tx, organizationId, { webchatVisitorId: newId(), name: chat.name, email: chat.email });
  const assigneeId = chat.agent !== undefined ? (agents[chat.agent % Math.max(agents.length, 1)]?.id ?? null) : null;
  const at = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  const lastIn = chat.lines.filter((l) => l[0] === 'in').at(-1);
  const lastPublic = chat.lines.filter((l) => l[0] !== 'note').at(-1)!;
  const conversationId = newId();
  await tx.insert(conversations).values({
    id: conversationId,
    organizationId,
    channelId,
    contactId: contact.id,
    status: assigneeId || chat.state !== 'open' ? chat.state : 'unassigned',
    assigneeId,
    lastMessageAt: at(lastPublic[1]),
    lastInboundAt: lastIn ? at(lastIn[1]) : null,
    lastMessagePreview: lastPublic[2],
    unreadCount: chat.state === 'closed' ? 0 : chat.lines.filter((l, i) => l[0] === 'in' && !chat.lines.slice(i).some((x) => x[0] === 'out')).length,
    closedAt: chat.state === 'closed' ? at(lastPublic[1] - 5) : null,
    createdAt: at(chat.lines[0]![1]),
  });
  for (const [direction, minutes, text] of chat.lines) {
    const when = at(minutes);
    const inbound = direction === 'in';
    await tx.insert(messages).values({
      id: newId(),
      organizationId,
      conversationId,
      channelId,
      direction: inbound ? 'in' : 'out',
      type: 'text',
      body: text,
      isPrivate: direction === 'note',
      authorType: inbound ? 'contact' : 'member',
      authorMembershipId: inbound ? null : assigneeId,
      providerMessageId: inbound ? `demo.${randomToken(12)}` : null,
      status: inbound ? (chat.state === 'unassigned' ? 'received' : 'read') : 'read',
      sentAt: inbound ? null : when,
      deliveredAt: inbound ? null : when,
      readAt: inbound ? null : new Date(when.getTime() + 60_000),
      createdAt: when,
    });
  }
}
