import { z } from 'zod';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { pageOf, pageQuery } from '../../shared/pagination.ts';
import { listAudit } from './audit.service.ts';
import type { Deps } from '../../container.ts';

const auditEntry = z.object({
  id: z.uuid().describe('Entry id.'),
  action: z.string().describe('What happened, e.g. `auth.login`, `api_key.created`, `member.role_changed`.'),
  actorUserId: z.uuid().nullable().describe('The member who did it, if a person.'),
  actorApiKeyId: z.uuid().nullable().describe('The API key that did it, if a program.'),
  actorLabel: z.string().describe('Name or e-mail of the actor at the time.'),
  targetType: z.string().nullable().describe('Kind of object acted on.'),
  targetId: z.string().nullable().describe('Id of the object acted on.'),
  data: z.record(z.string(), z.unknown()).describe('Details (never secrets).'),
  ip: z.string().nullable().describe('Client IP address.'),
  createdAt: z.iso.datetime().describe('When it happened (UTC).'),
});

/** `GET /api/v1/audit-log`. */
export function registerAuditRoutes(app: App, deps: Deps) {
  app.get(
    '/api/v1/audit-log',
    {
      schema: {
        tags: ['Audit log'],
        summary: 'List audit log entries',
        description: 'Security-relevant actions in the organization, newest first. Owners only.',
        querystring: pageQuery.extend({
          action: z.string().max(100).optional().describe('Only entries with this action code.'),
        }),
        response: { 200: pageOf(auditEntry) },
      },
    },
    async (req) => {
      const principal = requirePermission(req, 'audit.read');
      const page = await listAudit(deps.database.db, principal.organizationId, req.query);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
      };
    },
  );
}
