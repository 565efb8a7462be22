import { z } from 'zod';
import { documented } from './field-docs.ts';

const keyword = z.string().trim().min(1).max(100);

/** AI settings as the API shows them (the API key only as `isSet`/`last4`). */
export const assistantSettingsSchema = z.object(documented({
  enabled: z.boolean().describe('Whether the assistant answers customers at all.'),
  brain: z.enum(['auto', 'llm', 'offline']).describe('`auto`: the language model when one is configured, otherwise the offline brain.'),
  provider: z.enum(['openai', 'openai_compatible', 'anthropic']).nullable().describe('`openai_compatible`: Ollama, vLLM, LM Studio… by base URL.'),
  apiKey: z.object(documented({ isSet: z.boolean(), last4: z.string().nullable() })).describe('The provider API key is encrypted and never returned.'),
  baseUrl: z.string().nullable(),
  model: z.string().nullable().describe('For OpenAI we suggest `gpt-4o-mini`.'),
  persona: z.string(),
  instructions: z.string(),
  autoAssist: z.boolean().describe('Answer new conversations automatically (otherwise only after a start keyword).'),
  startKeywords: z.array(z.string()),
  stopKeywords: z.array(z.string()).describe('Hand the conversation to a person when the customer writes one of these.'),
  keywordMatch: z.enum(['exact', 'contains', 'starts_with']),
  agentReplyPausesAi: z.boolean().describe('An agent\'s reply turns the AI off for that conversation.'),
  confirmationMinutes: z.number().int().describe('How long an in-chat confirmation stays valid.'),
  knowledgeThreshold: z.number().nullable().describe('Minimum knowledge confidence (0–1) to answer; null: the knowledge base setting.'),
  maxUnknownBeforeHandoff: z.number().int().describe('Hand off after this many "I don\'t know" in a row.'),
  transcribeAudio: z.boolean(),
  audioReplies: z.boolean(),
  voice: z.string(),
  usage: z.object(documented({ inputTokens: z.number(), outputTokens: z.number(), estimatedCostUsd: z.number() })).describe('Model usage of the organization so far.'),
}));
export type AssistantSettingsView = z.infer<typeof assistantSettingsSchema>;

const httpUrl = z
  .string()
  .trim()
  .max(500)
  .refine((u) => {
    try {
      return ['http:', 'https:'].includes(new URL(u).protocol);
    } catch {
      return false;
    }
  }, 'An http(s) URL');

/** What `PUT /api/v1/assistant/settings` accepts: any subset of the settings. */
export const assistantSettingsBody = z.strictObject(documented({
  enabled: z.boolean().optional().describe('Whether the assistant answers customers at all.'),
  brain: z.enum(['auto', 'llm', 'offline']).optional(),
  provider: z.enum(['openai', 'openai_compatible', 'anthropic']).nullable().optional(),
  apiKey: z.string().trim().min(1).max(500).nullable().optional().describe('Write-only. `null` removes it.'),
  baseUrl: httpUrl.nullable().optional(),
  model: z.string().trim().min(1).max(200).nullable().optional(),
  persona: z.string().max(4000).optional(),
  instructions: z.string().max(8000).optional(),
  autoAssist: z.boolean().optional(),
  startKeywords: z.array(keyword).max(50).optional(),
  stopKeywords: z.array(keyword).max(50).optional(),
  keywordMatch: z.enum(['exact', 'contains', 'starts_with']).optional(),
  agentReplyPausesAi: z.boolean().optional(),
  confirmationMinutes: z.number().int().min(1).max(1440).optional(),
  knowledgeThreshold: z.number().min(0).max(1).nullable().optional(),
  maxUnknownBeforeHandoff: z.number().int().min(1).max(10).optional(),
  transcribeAudio: z.boolean().optional(),
  audioReplies: z.boolean().optional(),
  voice: z.string().trim().min(1).max(50).optional(),
}));
export type AssistantSettingsBody = z.infer<typeof assistantSettingsBody>;

/** One reply of a turn. */
export const replySchema = z.discriminatedUnion('type', [
  z.object(documented({ type: z.literal('text').describe('A text reply.'), text: z.string().describe('What the assistant says.') })),
  z.object(
    documented({
      type: z.literal('buttons').describe('A text with reply buttons.'),
      text: z.string().describe('What the assistant says above the buttons.'),
      buttons: z.array(z.object(documented({ id: z.string().describe('What a tap sends back as the customer\'s answer, e.g. `confirm:<id>`.'), title: z.string() }))),
    }),
  ),
  z.object(
    documented({
      type: z.literal('media').describe('An image, video, audio or document (an automated reply rule\'s media answer).'),
      text: z.string().describe('The caption (may be empty).'),
      mediaType: z.enum(['image', 'video', 'audio', 'document']).describe('The kind of media.'),
      link: z.string().describe('The public https URL of the media.'),
    }),
  ),
]);
export type AssistantReply = z.infer<typeof replySchema>;

const sourceSchema = z.object(documented({ documentId: z.string().describe('The knowledge document\'s id.'), documentTitle: z.string(), matchedQuestion: z.string().nullable(), confidence: z.number() }));

/** What happened in a turn. */
export const turnEventSchema = z.discriminatedUnion('type', [
  z.object(
    documented({
      type: z.literal('tool_call').describe('A tool was called.'),
      tool: z.string(),
      args: z.record(z.string(), z.unknown()),
      status: z.string().describe('The call\'s outcome: `ok`, `error`, `timeout` or `circuit_open`.'),
      latencyMs: z.number(),
      error: z.string().optional().describe('The error code when the call failed.'),
    }),
  ),
  z.object(documented({ type: z.literal('confirmation_requested').describe('The assistant asked the customer to confirm a tool call.'), confirmationId: z.string(), tool: z.string(), args: z.record(z.string(), z.unknown()), expiresAt: z.string() })),
  z.object(documented({ type: z.enum(['confirmation_confirmed', 'confirmation_cancelled', 'confirmation_expired']).describe('The customer confirmed or cancelled, or the confirmation expired.'), confirmationId: z.string(), tool: z.string() })),
  z.object(documented({ type: z.literal('handoff').describe('The conversation was handed to a person.'), reason: z.string() })),
  z.object(documented({ type: z.literal('knowledge').describe('The answer came from the knowledge base.'), sources: z.array(sourceSchema) })),
  z.object(documented({ type: z.literal('collecting').describe('The assistant asked for a value a tool needs.'), tool: z.string(), missing: z.string() })),
  z.object(documented({ type: z.literal('automated_reply').describe('An automated reply rule answered.'), ruleId: z.string(), name: z.string().describe('The rule\'s name.') })),
  z.object(documented({ type: z.literal('usage').describe('Language-model usage of the turn.'), inputTokens: z.number(), outputTokens: z.number(), estimatedCostUsd: z.number(), model: z.string() })),
]);
export type TurnEvent = z.infer<typeof turnEventSchema>;

/** `POST /api/v1/assistant/playground`. */
export const playgroundBody = z.strictObject(documented({
  sessionId: z.uuid().optional().describe('Continue a playground session; omit to start one.'),
  text: z.string().trim().min(1).max(4096).describe('What the customer writes (or a button id such as `confirm:<id>`).'),
  contact: z
    .strictObject(documented({ firstName: z.string().max(100).optional(), lastName: z.string().max(100).optional(), phone: z.string().max(30).optional(), email: z.email().max(254).optional() }))
    .optional()
    .describe('A pretend customer for `{{contact.*}}` placeholders.'),
}));
export const playgroundResult = z.object(documented({ sessionId: z.string(), brain: z.enum(['llm', 'offline']).describe('What answered this turn: the language model (`llm`) or the `offline` brain.'), replies: z.array(replySchema), events: z.array(turnEventSchema) }));

/** The outcome of `POST /api/v1/assistant/settings/test`. */
export const connectionTestResult = z.object(documented({ ok: z.boolean(), provider: z.string().nullable(), model: z.string().nullable(), latencyMs: z.number(), error: z.string().nullable() }));
