import { eq, inArray } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type AssistantSettingsRow, assistantSettings } from '../../db/schema/index.ts';
import { secretHint } from '../../shared/secrets.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import type { AssistantSettingsBody, AssistantSettingsView } from './assistant.schemas.ts';

/** The settings of an organization that has not saved any yet. */
export function defaultSettings(organizationId: string): AssistantSettingsRow {
  return {
    organizationId,
    enabled: false,
    brain: 'auto',
    provider: null,
    apiKeyEncrypted: null,
    apiKeyLast4: null,
    baseUrl: null,
    model: null,
    persona: '',
    instructions: '',
    autoAssist: true,
    startKeywords: [],
    stopKeywords: [],
    keywordMatch: 'contains',
    agentReplyPausesAi: true,
    confirmationMinutes: 10,
    knowledgeThreshold: null,
    maxUnknownBeforeHandoff: 2,
    transcribeAudio: false,
    audioReplies: false,
    voice: 'alloy',
    inputTokens: 0,
    outputTokens: 0,
    costMicros: 0,
    updatedAt: new Date(0),
  };
}

/** The organization's AI settings (defaults when never saved). */
export async function loadAssistantSettings(db: Db, organizationId: string): Promise<AssistantSettingsRow> {
  const [row] = await db.select().from(assistantSettings).where(eq(assistantSettings.organizationId, organizationId));
  return row ?? defaultSettings(organizationId);
}

/** The settings of several organizations in one statement (for turns the job runner claimed together). */
export async function loadAssistantSettingsOf(db: Db, organizationIds: string[]): Promise<Map<string, AssistantSettingsRow>> {
  const unique = [...new Set(organizationIds)];
  const rows = await db.select().from(assistantSettings).where(inArray(assistantSettings.organizationId, unique));
  const byOrganization = new Map(rows.map((row) => [row.organizationId, row]));
  for (const id of unique) if (!byOrganization.has(id)) byOrganization.set(id, defaultSettings(id));
  return byOrganization;
}

/** The settings as the API shows them: never the key, only whether it is set and its last four characters. */
export function presentSettings(row: AssistantSettingsRow): AssistantSettingsView {
  const { apiKeyEncrypted, apiKeyLast4, inputTokens, outputTokens, costMicros, organizationId: _o, updatedAt: _u, ...rest } = row;
  return {
    ...rest,
    apiKey: { isSet: !!apiKeyEncrypted, last4: apiKeyLast4 },
    usage: { inputTokens, outputTokens, estimatedCostUsd: costMicros / 1_000_000 },
  };
}

/** Saves a change to the AI settings; the API key is encrypted (context = organization id). Audited. */
export async function updateAssistantSettings(deps: Pick<Deps, 'database' | 'secrets'>, organizationId: string, patch: AssistantSettingsBody, actor: AuditActor): Promise<AssistantSettingsView> {
  const { apiKey, ...fields } = patch;
  const keyFields =
    apiKey === undefined
      ? {}
      : apiKey === null
        ? { apiKeyEncrypted: null, apiKeyLast4: null }
        : { apiKeyEncrypted: deps.secrets.encrypt(apiKey, organizationId), apiKeyLast4: secretHint(apiKey).last4 };
  return deps.database.db.transaction(async (tx) => {
    const current = await loadAssistantSettings(tx, organizationId);
    const { organizationId: _o, updatedAt: _u, ...base } = current;
    const values = { ...base, ...fields, ...keyFields, updatedAt: new Date() };
    const [row] = await tx
      .insert(assistantSettings)
      .values({ organizationId, ...values })
      .onConflictDoUpdate({ target: assistantSettings.organizationId, set: { ...fields, ...keyFields, updatedAt: new Date() } })
      .returning();
    await recordAudit(tx, {
      organizationId,
      actor,
      action: 'assistant.settings_updated',
      targetType: 'assistant_settings',
      targetId: organizationId,
      data: { fields: Object.keys(patch), apiKeyChanged: apiKey !== undefined },
    });
    return presentSettings(row!);
  });
}

/** The decrypted provider key (never logged, never returned). */
export function providerKey(deps: Pick<Deps, 'secrets'>, row: AssistantSettingsRow): string | null {
  return row.apiKeyEncrypted ? deps.secrets.decrypt(row.apiKeyEncrypted, row.organizationId) : null;
}

/** Which brain decides with these settings: the model only when one is fully configured. */
export function brainOf(row: AssistantSettingsRow): 'llm' | 'offline' {
  const configured = !!row.provider && !!row.model && (row.provider === 'openai_compatible' ? !!row.baseUrl : !!row.apiKeyEncrypted);
  if (row.brain === 'offline') return 'offline';
  return configured ? 'llm' : 'offline';
}
