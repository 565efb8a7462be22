import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { executeTool } from '../index.ts';
import { type FakeApi, startFakeApi } from './fake-api.ts';
import { createIntegrationVia } from './helpers.ts';

let ctx: TestContext;
let org: TestOrg;
let api: FakeApi;
let mcp: { url: string; close: () => Promise<void>; calls: number };
const MCP_TOKEN = 'mcp-token-abcdefgh12345678';

/** A stateless streamable-HTTP MCP server with two tools, requiring a bearer token. */
async function startMcpServer() {
  const state = { calls: 0 };
  const server = http.createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${MCP_TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    const server = new McpServer({ name: 'stock', version: '1.0.0' });
    server.registerTool(
      'get-stock',
      { description: 'Units in stock of a product', inputSchema: { sku: z.string().describe('Product SKU'), warehouse: z.enum(['madrid', 'lisboa']).optional() }, outputSchema: { sku: z.string(), units: z.number() } },
      async ({ sku }) => {
        state.calls++;
        return { content: [{ type: 'text', text: JSON.stringify({ sku, units: 7 }) }], structuredContent: { sku, units: 7 } };
      },
    );
    server.registerTool('fail', { description: 'Always fails', inputSchema: {} }, async () => ({ content: [{ type: 'text', text: 'warehouse offline' }], isError: true }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    get calls() {
      return state.calls;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const OPENAPI = `
openapi: 3.0.3
info: { title: Shop API, version: "2.1" }
servers: [{ url: SERVER_URL }]
paths:
  /orders/{order-id}:
    parameters:
      - { name: order-id, in: path, required: true, schema: { type: string }, description: The order number }
    get:
      operationId: getOrder
      summary: Get an order
      parameters:
        - { name: expand, in: query, schema: { type: boolean } }
      responses: { "200": { description: ok } }
  /tickets:
    post:
      summary: Open a ticket
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Ticket" }
      responses: { "201": { description: created } }
  /uploads:
    put:
      operationId: upload
      requestBody:
        required: true
        content: { multipart/form-data: { schema: { type: object } } }
      responses: { "200": { description: ok } }
components:
  schemas:
    Ticket:
      type: object
      required: [subject, email]
      properties:
        subject: { type: string, maxLength: 200 }
        email: { type: string, format: email }
        priority: { type: string, enum: [low, high] }
        tags: { type: array, items: { type: string } }
`;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx);
  api = await startFakeApi((req) => ({ body: { path: req.url, received: req.body ? JSON.parse(req.body) : null } }));
  mcp = await startMcpServer();
});
afterAll(async () => {
  await api?.close();
  await mcp?.close();
  await ctx?.close();
});

describe('OpenAPI import', () => {
  it('previews operations, then creates the chosen ones as working tools', async () => {
    const integrationId = await createIntegrationVia(ctx, org, { name: 'Imported', allowedPrivateHosts: ['127.0.0.1'] });
    const document = OPENAPI.replace('SERVER_URL', `${api.url}/api`);
    const preview = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integrationId}/import-openapi`, { document });
    expect(preview.statusCode).toBe(200);
    const p = json<{ title: string; baseUrl: string; operations: { key: string; importable: boolean; warnings: string[]; tool: { name: string; parameters: { name: string; type: string }[] } | null }[]; created: unknown[] }>(preview);
    expect(p).toMatchObject({ title: 'Shop API', baseUrl: `${api.url}/api`, created: [] });
    expect(p.operations.map((o) => [o.key, o.importable])).toEqual([
      ['GET /orders/{order-id}', true],
      ['POST /tickets', true],
      ['PUT /uploads', false],
    ]);
    const ticket = p.operations[1]!;
    expect(ticket.tool!.name).toBe('post_tickets');
    expect(ticket.tool!.parameters.map((x) => [x.name, x.type])).toEqual([
      ['subject', 'string'],
      ['email', 'email'],
      ['priority', 'enum'],
    ]);
    expect(ticket.warnings).toEqual(['"tags" is a list']);

    const bad = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integrationId}/import-openapi`, { document, operations: ['upload', 'nope'] });
    expect(json(bad)).toMatchObject({ code: 'openapi_operations_invalid', errors: [{ path: 'operations.0' }, { path: 'operations.1' }] });

    const created = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integrationId}/import-openapi`, { document, operations: ['getOrder', 'POST /tickets'] });
    const c = json<{ created: { id: string; name: string; requiresConfirmation: boolean; request: { url: string } }[] }>(created);
    expect(c.created.map((t) => [t.name, t.requiresConfirmation, t.request.url])).toEqual([
      ['get_order', false, '/orders/{{order_id}}'],
      ['post_tickets', true, '/tickets'],
    ]);
    const integration = json<{ baseUrl: string }>(await call(ctx, org.owner, 'GET', `/api/v1/integrations/${integrationId}`));
    expect(integration.baseUrl).toBe(`${api.url}/api`);

    const r = await executeTool(ctx.container, { organizationId: org.organizationId, toolId: c.created[1]!.id, args: { subject: 'Roto', email: 'ana@example.com', priority: 'HIGH' }, source: 'assistant' });
    expect(r).toMatchObject({ status: 'ok', json: { path: '/api/tickets', received: { subject: 'Roto', email: 'ana@example.com', priority: 'high' } } });
    const order = await executeTool(ctx.container, { organizationId: org.organizationId, toolId: c.created[0]!.id, args: { order_id: 'A 1', expand: 'yes' }, source: 'assistant' });
    expect(order.json).toMatchObject({ path: '/api/orders/A%201?expand=true' });

    // Importing again makes names unique instead of failing.
    const again = json<{ created: { name: string }[] }>(await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integrationId}/import-openapi`, { document, operations: ['getOrder'] }));
    expect(again.created[0]!.name).toBe('get_order_2');
  });

  it('explains unreadable documents', async () => {
    const integrationId = await createIntegrationVia(ctx, org, { name: 'Bad docs' });
    for (const document of ['{"swagger": "2.0"}', 'openapi: [unclosed', '{"openapi": "3.1.0"}', '"just a string"']) {
      const res = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integrationId}/import-openapi`, { document });
      expect(res.statusCode, document).toBe(400);
      expect(json(res).code).toBe('openapi_invalid');
    }
  });
});

describe('MCP servers', () => {
  it('lists the server\'s tools as tools and calls them', async () => {
    const integrationId = await createIntegrationVia(ctx, org, { name: 'Stock MCP', kind: 'mcp', baseUrl: mcp.url, auth: { type: 'bearer', token: MCP_TOKEN }, allowedPrivateHosts: ['127.0.0.1'] });
    const sync = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integrationId}/sync-tools`);
    expect(sync.statusCode, sync.body).toBe(200);
    const s = json<{ added: string[]; tools: { id: string; name: string; mcpToolName: string; parameters: { name: string; type: string; required: boolean }[]; inputSchema: { properties: object } }[] }>(sync);
    expect(s.added).toEqual(['get_stock', 'fail']);
    const stock = s.tools.find((t) => t.name === 'get_stock')!;
    expect(stock.mcpToolName).toBe('get-stock');
    expect(stock.parameters.map((x) => [x.name, x.type, x.required])).toEqual([
      ['sku', 'string', true],
      ['warehouse', 'enum', false],
    ]);
    expect(Object.keys(stock.inputSchema.properties)).toEqual(['sku', 'warehouse']);

    await call(ctx, org.owner, 'PATCH', `/api/v1/integrations/${integrationId}/tools/${stock.id}`, { replyTemplate: 'Quedan {{units}} unidades de {{sku}}', responseMode: 'template', responseMapping: [{ variable: 'units', path: 'units' }] });
    const r = await executeTool(ctx.container, { organizationId: org.organizationId, toolId: stock.id, args: { sku: 'MUG-1' }, source: 'assistant' });
    expect(r).toMatchObject({ status: 'ok', variables: { units: 7 }, reply: 'Quedan 7 unidades de MUG-1' });
    expect(mcp.calls).toBe(1);

    const failing = s.tools.find((t) => t.name === 'fail')!;
    const f = await executeTool(ctx.container, { organizationId: org.organizationId, toolId: failing.id, args: {}, source: 'assistant' });
    expect(f).toMatchObject({ status: 'error', error: { code: 'mcp_tool_error', message: 'warehouse offline' } });
    expect(f.fallbackMessage).toBeTruthy();

    // A second sync keeps people's edits.
    const again = json<{ updated: string[]; tools: { name: string; replyTemplate: string | null }[] }>(await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integrationId}/sync-tools`));
    expect(again.updated).toEqual(['get_stock', 'fail']);
    expect(again.tools.find((t) => t.name === 'get_stock')!.replyTemplate).toBe('Quedan {{units}} unidades de {{sku}}');
    expect(json(await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integrationId}/tools`, { name: 'x', description: 'x', request: { url: '/x' } })).code).toBe('integration_is_mcp');
  });

  it('reports an unreachable or unauthorized server clearly', async () => {
    const wrongToken = await createIntegrationVia(ctx, org, { name: 'MCP bad token', kind: 'mcp', baseUrl: mcp.url, auth: { type: 'bearer', token: 'wrong-token-0000000000' }, allowedPrivateHosts: ['127.0.0.1'] });
    const res = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${wrongToken}/sync-tools`);
    expect(res.statusCode).toBe(422);
    expect(json(res).code).toBe('mcp_unavailable');
    expect(res.body).not.toContain('wrong-token-0000000000');
    const blocked = await createIntegrationVia(ctx, org, { name: 'MCP blocked', kind: 'mcp', baseUrl: mcp.url, auth: { type: 'bearer', token: MCP_TOKEN } });
    const b = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${blocked}/sync-tools`);
    expect(json(b)).toMatchObject({ code: 'mcp_unavailable' });
    expect(json(b).detail).toContain('private');
  });
});
