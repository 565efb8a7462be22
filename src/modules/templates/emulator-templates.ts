import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../container.ts';
import { type Channel, type MessageTemplateRow, messageTemplates } from '../../db/schema/index.ts';
import { whatsAppConfigOf } from '../channels/channel-credentials.ts';

const seeded = z.object({ id: z.union([z.string(), z.number()]).transform(String) });

const STATUS_EVENT: Partial<Record<MessageTemplateRow['status'], string>> = {
  approved: 'APPROVED',
  pending: 'PENDING',
  rejected: 'REJECTED',
  paused: 'PAUSED',
  disabled: 'DISABLED',
  in_appeal: 'IN_APPEAL',
};

/**
 * Demo installations only: the bundled emulator keeps nothing across restarts, so the templates of a
 * demo channel are written back into it (with their current status) whenever it starts, and their
 * new Meta ids recorded — otherwise sends would fail with 132001 and the hourly sync would remove them.
 */
export async function restoreEmulatorTemplates(deps: Pick<Deps, 'database' | 'logger'>, channel: Channel): Promise<number> {
  const rows = await deps.database.db.select().from(messageTemplates).where(eq(messageTemplates.channelId, channel.id));
  let restored = 0;
  for (const row of rows) if (await pushTemplateToEmulator(deps, channel, row)) restored++;
  return restored;
}

/** Seeds one template into the emulator the channel points at; stores the id it gets. Best effort. */
export async function pushTemplateToEmulator(deps: Pick<Deps, 'database' | 'logger'>, channel: Channel, row: MessageTemplateRow): Promise<boolean> {
  const config = whatsAppConfigOf(channel);
  const status = STATUS_EVENT[row.status];
  if (!status) return false;
  try {
    const res = await fetch(`${config.graphApiUrl}/_emulator/templates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        wabaId: config.wabaId,
        name: row.name,
        language: row.language,
        category: row.category.toUpperCase(),
        parameterFormat: row.parameterFormat.toUpperCase(),
        components: row.components,
        status,
      }),
      signal: AbortSignal.timeout(3_000),
    });
    if (!res.ok) {
      deps.logger.warn({ status: res.status, template: row.name }, 'the emulator refused a demo template');
      return false;
    }
    const { id } = seeded.parse(await res.json());
    await deps.database.db.update(messageTemplates).set({ metaTemplateId: id }).where(eq(messageTemplates.id, row.id));
    return true;
  } catch {
    return false;
  }
}
