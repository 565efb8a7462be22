/**
 * Tenant-isolation registry entries of the assistant module (spread into RESOURCES in ./resources.ts).
 */
import { expect } from 'vitest';
import { json } from '../support/context.ts';
import { call } from '../support/factories.ts';
import type { ResourceEntry } from './resources.ts';

const RULE = { name: 'Isolated rule', keywords: ['hola'], match: 'contains', reply: { type: 'text', text: 'Hola' } };

/** Every assistant path with parameters. */
export const ASSISTANT_RESOURCES: Record<string, ResourceEntry> = {
  '/api/v1/automated-replies/{id}': {
    create: async ({ ctx }, org) => {
      const res = await call(ctx, org.owner, 'POST', '/api/v1/automated-replies', RULE);
      expect(res.statusCode, res.body).toBe(201);
      return { id: json<{ id: string }>(res).id };
    },
    read: async ({ ctx }, org, { id }) => json(await call(ctx, org.owner, 'GET', `/api/v1/automated-replies/${id}`)),
    bodies: { PUT: { ...RULE, name: 'Taken over' } },
  },
};
