import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from './server.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.close();
});

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};

describe('demo shop API', () => {
  it('looks up seeded orders and answers 404 JSON for unknown ones', async () => {
    const order = await call('GET', '/shop/orders/1002');
    expect(order).toMatchObject({ status: 200, body: { id: '1002', status: 'shipped', total: 84.4, currency: 'EUR', items: expect.any(Array) } });
    expect(order.body.eta).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await call('GET', '/shop/orders/9999')).toEqual({ status: 404, body: { error: { code: 'order_not_found', message: 'Order 9999 does not exist.' } } });
  });

  it('creates tickets and validates them', async () => {
    const created = await call('POST', '/shop/tickets', { subject: 'Pedido dañado', description: 'La caja llegó rota', customerPhone: '+34612345678' });
    expect(created.status).toBe(201);
    expect(created.body.ticketId).toMatch(/^T-\d{6}$/);
    expect((await call('GET', `/shop/tickets/${created.body.ticketId}`)).body.subject).toBe('Pedido dañado');
    const invalid = await call('POST', '/shop/tickets', { subject: 'x' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('validation_failed');
  });

  it('refunds with the API key, within the refundable amount', async () => {
    const key = { 'x-api-key': 'demo-shop-key' };
    expect((await call('POST', '/shop/refunds', { orderId: '1003', amount: 10, reason: 'Damaged mug' })).status).toBe(401);
    const refund = await call('POST', '/shop/refunds', { orderId: '1003', amount: 12, reason: 'Damaged mug' }, key);
    expect(refund).toMatchObject({ status: 201, body: { orderId: '1003', amount: 12, status: 'approved' } });
    expect((await call('POST', '/shop/refunds', { orderId: '1003', amount: 30, reason: 'All of it' }, key)).body.error.code).toBe('amount_exceeds_refundable');
    expect((await call('POST', '/shop/refunds', { orderId: '4471', amount: 120, reason: 'Not working' }, key)).body.status).toBe('pending_review');
    expect((await call('POST', '/shop/refunds', { orderId: 'nope', amount: 1, reason: 'x?!' }, key)).status).toBe(404);
    expect((await call('POST', '/shop/refunds', { orderId: '1004', amount: 1, reason: 'again' }, key)).status).toBe(409);
  });
});
