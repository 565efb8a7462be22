import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { assistantSettings } from '../../db/schema/index.ts';

/**
 * Whether an agent's reply should turn the AI off for that conversation (the organization's
 * "agent reply pauses AI" setting, on by default). The inbox calls this when a member sends a message;
 * it depends only on the schema so the inbox can import it without a cycle.
 */
export async function agentReplyPausesAi(db: Db, organizationId: string): Promise<boolean> {
  const [row] = await db.select({ pauses: assistantSettings.agentReplyPausesAi }).from(assistantSettings).where(eq(assistantSettings.organizationId, organizationId));
  return row?.pauses ?? true;
}
