import type { Deps } from '../../container.ts';
import { AppError } from '../../shared/errors.ts';
import { type Locale, resolveLocale } from '../../shared/i18n.ts';
import { createContact, findByIdentity, getContact, recordConsent, toRegion, updateContact } from '../contacts/index.ts';
import { searchKnowledge } from '../knowledge/index.ts';
import { getOrganization } from '../organizations/organizations.service.ts';
import { type BuiltinToolName, builtinToolDefinitions, type ConversationActions } from './builtin-tools.ts';
import { coerceArguments } from './coerce-arguments.ts';
import type { ToolExecution } from './execute-tool.ts';
import { tIntegrations } from './integrations.i18n.ts';
import { trimJson } from './response-mapping.ts';
import { logToolCall, redactArguments } from './tool-calls.ts';

/** A built-in tool call. */
export interface BuiltinToolInput {
  name: BuiltinToolName;
  organizationId: string;
  args: Record<string, unknown>;
  /** The conversation's contact (lookup/save act on it). */
  contactId?: string | null;
  conversationId?: string | null;
  source: 'assistant' | 'test' | 'playground';
  locale?: Locale;
}

type Outcome = Omit<ToolExecution, 'latencyMs' | 'callId'>;

/**
 * Runs a built-in tool with the same result shape and call log as integration tools: knowledge
 * search, contact lookup, the CRM lead flow (find by e-mail or phone, update or create with source
 * `assistant`, record marketing consent), and — through the inbox actions the assistant provides —
 * notes, hand-off and closing the conversation.
 */
export async function executeBuiltinTool(deps: Pick<Deps, 'database' | 'secrets' | 'config' | 'logger'>, input: BuiltinToolInput, actions?: ConversationActions): Promise<ToolExecution> {
  const started = performance.now();
  const org = await getOrganization(deps.database.db, input.organizationId);
  const locale = input.locale ?? resolveLocale(org.locale);
  const def = builtinToolDefinitions(locale).find((d) => d.name === input.name);
  if (!def) throw new Error(`Unknown built-in tool ${input.name}`);
  let outcome: Outcome;
  const coerced = coerceArguments(def.parameters, input.args, { region: toRegion(org.country) });
  if (!coerced.ok) {
    outcome = { status: 'error', variables: {}, error: { code: 'invalid_arguments', message: coerced.issues.map((i) => i.message).join('; '), issues: coerced.issues } };
  } else if (def.needsConversation && (!actions || !input.conversationId)) {
    outcome = { status: 'error', variables: {}, error: { code: 'not_available', message: 'This action needs a conversation' } };
  } else {
    try {
      outcome = await run(deps, input, coerced.values, locale, actions);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const issues = err.details.issues?.map((i) => ({ param: i.path, problem: 'wrong_type' as const, message: i.message }));
      outcome = { status: 'error', variables: {}, error: { code: err.code, message: err.message, ...(issues?.length ? { issues } : {}) } };
    }
  }
  const latencyMs = Math.round(performance.now() - started);
  const callId = await logToolCall(deps.database.db, {
    organizationId: input.organizationId,
    toolId: null,
    integrationId: null,
    toolName: input.name,
    conversationId: input.conversationId ?? null,
    source: input.source,
    arguments: redactArguments(def.parameters, input.args, []),
    status: outcome.status,
    latencyMs,
    errorCode: outcome.error?.code ?? null,
    error: outcome.error?.message ?? null,
  });
  return { ...outcome, latencyMs, callId };
}

async function run(
  deps: Pick<Deps, 'database' | 'secrets' | 'config' | 'logger'>,
  input: BuiltinToolInput,
  values: Record<string, string | number | boolean>,
  locale: Locale,
  actions: ConversationActions | undefined,
): Promise<Outcome> {
  const db = deps.database.db;
  const { organizationId } = input;
  const conversationId = input.conversationId ?? '';
  switch (input.name) {
    case 'search_knowledge': {
      const found = await searchKnowledge(deps, organizationId, String(values.query), { limit: 3, language: locale });
      const results = found.results.map((r) => ({ title: r.documentTitle, question: r.matchedQuestion, answer: r.answer ?? r.content, confidence: Math.round(r.confidence * 100) / 100 }));
      return { status: 'ok', variables: { count: results.length }, json: trimJson({ results }, { maxStringLength: 1500 }) };
    }
    case 'lookup_contact': {
      if (!input.contactId) return { status: 'ok', variables: { found: false }, reply: tIntegrations(locale, 'builtin.contactNotFound') };
      const c = await getContact(db, organizationId, input.contactId);
      const view = { firstName: c.firstName, lastName: c.lastName, email: c.email, phone: c.phone, marketingConsent: c.marketingConsent };
      return { status: 'ok', variables: { found: true, ...view }, json: view, reply: tIntegrations(locale, 'builtin.contactFound') };
    }
    case 'save_contact': {
      const fields: { firstName?: string; lastName?: string; email?: string; phone?: string } = {
        ...(values.firstName !== undefined ? { firstName: String(values.firstName) } : {}),
        ...(values.lastName !== undefined ? { lastName: String(values.lastName) } : {}),
        ...(values.email !== undefined ? { email: String(values.email) } : {}),
        ...(values.phone !== undefined ? { phone: String(values.phone) } : {}),
      };
      let contactId = input.contactId ?? null;
      let created = false;
      if (!contactId) {
        const found = await findByIdentity(db, organizationId, fields.phone ?? null, fields.email ?? null);
        contactId = found.byEmail ?? found.byPhone ?? null;
      }
      if (contactId) {
        // The same e-mail typed in another case is not a change (the stored spelling stays).
        const current = await getContact(db, organizationId, contactId);
        if (fields.email && current.email?.toLowerCase() === fields.email.toLowerCase()) delete fields.email;
        if (Object.keys(fields).length) await updateContact(db, organizationId, contactId, fields);
      }
      if (!contactId) {
        contactId = (await createContact(db, organizationId, fields, { source: 'assistant' })).id;
        created = true;
      }
      if (values.marketingConsent !== undefined) {
        const id = contactId;
        await db.transaction((tx) =>
          recordConsent(tx, organizationId, id, { purpose: 'marketing', status: values.marketingConsent ? 'granted' : 'revoked', source: 'message', textShown: tIntegrations(locale, 'builtin.consentText') }),
        );
      }
      return { status: 'ok', variables: { contactId, created }, reply: tIntegrations(locale, 'builtin.contactSaved') };
    }
    case 'add_note':
      await actions!.addNote({ organizationId, conversationId, text: String(values.text) });
      return { status: 'ok', variables: {} };
    case 'handoff_to_human':
      await actions!.handOff({ organizationId, conversationId, reason: String(values.reason) });
      return { status: 'ok', variables: {}, handoff: true };
    case 'close_conversation':
      await actions!.close({ organizationId, conversationId });
      return { status: 'ok', variables: {} };
  }
}
