import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { checkVersion, configuredLatency, requireToken, tokenCanUseWaba } from './graph-auth.ts';
import { mediaInfo, visibleMedia } from './graph-media.routes.ts';
import { unknownObject } from './meta-errors.ts';
import type { PhoneNumber } from './state.ts';
import { presentTemplate, updateTemplate } from './graph-templates.routes.ts';
import { finishUpload } from './graph-uploads.routes.ts';

const DEFAULT_PHONE_FIELDS = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'throughput', 'id'];

/** A phone number object, limited to the requested `fields` like Graph does. */
function presentPhone(phone: PhoneNumber, fields: string | undefined, throughputMps: number) {
  const all: Record<string, unknown> = {
    verified_name: phone.verifiedName,
    code_verification_status: 'VERIFIED',
    display_phone_number: formatDisplay(phone.displayPhoneNumber),
    quality_rating: phone.qualityRating,
    platform_type: 'CLOUD_API',
    throughput: { level: throughputMps >= 1000 ? 'HIGH' : 'STANDARD' },
    name_status: 'APPROVED',
    messaging_limit_tier: 'TIER_2K',
    is_official_business_account: false,
    id: phone.phoneNumberId,
  };
  const wanted = fields ? fields.split(',').map((f) => f.trim()).filter(Boolean) : DEFAULT_PHONE_FIELDS;
  const out: Record<string, unknown> = {};
  for (const f of [...wanted, 'id']) if (f in all) out[f] = all[f];
  return out;
}

/** Meta shows the display number formatted (`+1 555-078-3881`); webhooks carry digits only. */
function formatDisplay(digits: string): string {
  return `+${digits}`;
}

/** Graph objects addressed by id: phone numbers, media, templates; and WABA edges. */
export function registerObjectRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { version: string; id: string }; Querystring: { fields?: string; phone_number_id?: string } }>('/:version/:id', async (req) => {
    checkVersion(req.params.version);
    const token = requireToken(ctx, req);
    await configuredLatency(ctx);
    const { id } = req.params;
    const phone = ctx.state.phones.get(id);
    if (phone && phone.accessToken === token) return presentPhone(phone, req.query.fields, ctx.state.config.throughputMps);
    const media = visibleMedia(ctx, token, id, req.query.phone_number_id);
    if (media) return mediaInfo(ctx, req, media);
    const template = ctx.state.templates.get(id);
    if (template && tokenCanUseWaba(ctx, token, template.wabaId)) return presentTemplate(template);
    throw unknownObject(id, 'get');
  });

  app.delete<{ Params: { version: string; id: string }; Querystring: { phone_number_id?: string } }>('/:version/:id', async (req) => {
    checkVersion(req.params.version);
    const token = requireToken(ctx, req);
    await configuredLatency(ctx);
    const media = visibleMedia(ctx, token, req.params.id, req.query.phone_number_id);
    if (!media) throw unknownObject(req.params.id, 'delete');
    ctx.state.deleteMedia(media.id);
    return { success: true };
  });

  // Template edits: `POST /{template-id}` with new components or category.
  app.post<{ Params: { version: string; id: string } }>('/:version/:id', async (req) => {
    checkVersion(req.params.version);
    const token = requireToken(ctx, req);
    await configuredLatency(ctx);
    if (req.params.id.startsWith('upload:')) return finishUpload(ctx, req.params.id, token, req.headers.file_offset, req.body);
    const template = ctx.state.templates.get(req.params.id);
    if (!template || !tokenCanUseWaba(ctx, token, template.wabaId)) throw unknownObject(req.params.id, 'post');
    updateTemplate(ctx, template, req.body);
    return { success: true };
  });

  app.get<{ Params: { version: string; wabaId: string } }>('/:version/:wabaId/phone_numbers', async (req) => {
    checkVersion(req.params.version);
    const token = requireToken(ctx, req);
    if (!tokenCanUseWaba(ctx, token, req.params.wabaId)) throw unknownObject(req.params.wabaId, 'get');
    const data = ctx.state.phonesOfWaba(req.params.wabaId).map((p) => presentPhone(p, undefined, ctx.state.config.throughputMps));
    return { data, paging: { cursors: { before: 'QVFIU', after: 'QVFIU' } } };
  });

  // The app subscription that turns webhooks on for a WABA (always on in the emulator).
  for (const method of ['GET', 'POST', 'DELETE'] as const) {
    app.route<{ Params: { version: string; wabaId: string } }>({
      method,
      url: '/:version/:wabaId/subscribed_apps',
      handler: async (req) => {
        checkVersion(req.params.version);
        const token = requireToken(ctx, req);
        if (!tokenCanUseWaba(ctx, token, req.params.wabaId)) throw unknownObject(req.params.wabaId, method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete');
        if (method !== 'GET') return { success: true };
        return { data: [{ whatsapp_business_api_data: { id: '1', link: 'https://www.facebook.com/games/?app_id=1', name: 'Charla emulator app' } }] };
      },
    });
  }
}
