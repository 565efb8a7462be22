import { randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';

/** The demo shop's API key (sent as `X-Api-Key`), used by the demo workspace's integrations. */
export const DEMO_SHOP_API_KEY = 'demo-shop-key';

interface Order {
  id: string;
  status: 'processing' | 'shipped' | 'delivered' | 'cancelled';
  customerName: string;
  customerPhone: string;
  items: { sku: string; name: string; quantity: number; unitPrice: number }[];
  total: number;
  currency: string;
  eta: string | null;
  trackingUrl: string | null;
  refunded: number;
}

const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function seedOrders(): Map<string, Order> {
  const orders: Order[] = [
    { id: '1001', status: 'processing', customerName: 'Ana Souza', customerPhone: '+5511987654321', items: [{ sku: 'TSHIRT-M-BLUE', name: 'Camiseta azul (M)', quantity: 2, unitPrice: 19.9 }], total: 39.8, currency: 'EUR', eta: daysFromNow(4), trackingUrl: null, refunded: 0 },
    { id: '1002', status: 'shipped', customerName: 'Lucía García', customerPhone: '+34612345678', items: [{ sku: 'SNEAKER-42', name: 'Zapatillas urbanas (42)', quantity: 1, unitPrice: 74.5 }, { sku: 'SOCKS-3P', name: 'Calcetines (pack de 3)', quantity: 1, unitPrice: 9.9 }], total: 84.4, currency: 'EUR', eta: daysFromNow(2), trackingUrl: 'https://tracking.example/1002', refunded: 0 },
    { id: '1003', status: 'delivered', customerName: 'João Pereira', customerPhone: '+5511912345678', items: [{ sku: 'MUG-CHARLA', name: 'Caneca Charla', quantity: 3, unitPrice: 12 }], total: 36, currency: 'EUR', eta: null, trackingUrl: 'https://tracking.example/1003', refunded: 0 },
    { id: '1004', status: 'cancelled', customerName: 'Emily Clark', customerPhone: '+447700900123', items: [{ sku: 'BAG-TOTE', name: 'Canvas tote bag', quantity: 1, unitPrice: 25 }], total: 25, currency: 'EUR', eta: null, trackingUrl: null, refunded: 25 },
    { id: '4471', status: 'shipped', customerName: 'Ana Souza', customerPhone: '+5511987654321', items: [{ sku: 'HEADPHONES-BT', name: 'Fones Bluetooth', quantity: 1, unitPrice: 129.9 }], total: 129.9, currency: 'EUR', eta: daysFromNow(1), trackingUrl: 'https://tracking.example/4471', refunded: 0 },
  ];
  return new Map(orders.map((o) => [o.id, o]));
}

const ticketSchema = z.strictObject({
  subject: z.string().trim().min(3).max(200),
  description: z.string().trim().min(1).max(5000),
  customerPhone: z.string().regex(/^\+?\d{7,15}$/, 'must be a phone number in international format'),
});
const refundSchema = z.strictObject({
  orderId: z.string().min(1),
  amount: z.number().positive().max(1_000_000),
  reason: z.string().trim().min(3).max(500),
});

function error(reply: FastifyReply, status: number, code: string, message: string, fields?: { path: string; message: string }[]) {
  return reply.status(status).send({ error: fields ? { code, message, fields } : { code, message } });
}

/**
 * A tiny shop API for the assistant's demo tools: order lookup, support tickets and refunds
 * (refunds need `X-Api-Key: demo-shop-key`). State is per emulator instance and resets on restart.
 */
export function registerShopRoutes(app: FastifyInstance): void {
  const orders = seedOrders();
  const tickets = new Map<string, { ticketId: string; subject: string; description: string; customerPhone: string; status: 'open'; createdAt: string }>();
  const refunds = new Map<string, { refundId: string; orderId: string; amount: number; currency: string; reason: string; status: string; createdAt: string }>();

  app.get<{ Params: { id: string } }>('/shop/orders/:id', async (req, reply) => {
    const order = orders.get(req.params.id.replace(/^#/, ''));
    if (!order) return error(reply, 404, 'order_not_found', `Order ${req.params.id} does not exist.`);
    const { refunded, ...rest } = order;
    return { ...rest, refundedAmount: refunded };
  });

  app.post('/shop/tickets', async (req, reply) => {
    const parsed = ticketSchema.safeParse(req.body);
    if (!parsed.success) return error(reply, 422, 'validation_failed', 'The ticket is incomplete.', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    if (tickets.size >= 10_000) tickets.delete(tickets.keys().next().value ?? '');
    const ticket = { ticketId: `T-${randomInt(100000, 999999)}`, ...parsed.data, status: 'open' as const, createdAt: new Date().toISOString() };
    tickets.set(ticket.ticketId, ticket);
    return reply.status(201).send(ticket);
  });

  app.get<{ Params: { id: string } }>('/shop/tickets/:id', async (req, reply) => {
    const ticket = tickets.get(req.params.id);
    if (!ticket) return error(reply, 404, 'ticket_not_found', `Ticket ${req.params.id} does not exist.`);
    return ticket;
  });

  app.post('/shop/refunds', async (req, reply) => {
    if (req.headers['x-api-key'] !== DEMO_SHOP_API_KEY) return error(reply, 401, 'unauthorized', 'A valid X-Api-Key header is required.');
    const parsed = refundSchema.safeParse(req.body);
    if (!parsed.success) return error(reply, 422, 'validation_failed', 'The refund request is invalid.', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    const { orderId, amount, reason } = parsed.data;
    const order = orders.get(orderId.replace(/^#/, ''));
    if (!order) return error(reply, 404, 'order_not_found', `Order ${orderId} does not exist.`);
    const refundable = Math.round((order.total - order.refunded) * 100) / 100;
    if (order.status === 'cancelled' && refundable <= 0) return error(reply, 409, 'already_refunded', `Order ${order.id} was cancelled and fully refunded.`);
    if (amount > refundable) return error(reply, 422, 'amount_exceeds_refundable', `At most ${refundable.toFixed(2)} ${order.currency} can be refunded for order ${order.id}.`);
    order.refunded = Math.round((order.refunded + amount) * 100) / 100;
    // Large refunds wait for a person; small ones are approved at once.
    const refund = { refundId: `R-${randomInt(100000, 999999)}`, orderId: order.id, amount, currency: order.currency, reason, status: amount > 100 ? 'pending_review' : 'approved', createdAt: new Date().toISOString() };
    refunds.set(refund.refundId, refund);
    if (refunds.size > 10_000) refunds.delete(refunds.keys().next().value ?? '');
    return reply.status(201).send(refund);
  });
}
