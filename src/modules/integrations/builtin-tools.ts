import type { Locale } from '../../shared/i18n.ts';
import { tIntegrations } from './integrations.i18n.ts';
import type { ToolParameter } from './tool-definition.ts';
import { toolJsonSchema } from './tool-validation.ts';

/** The built-in tools every assistant may use, besides the organization's integrations. */
export const BUILTIN_TOOL_NAMES = ['search_knowledge', 'lookup_contact', 'save_contact', 'add_note', 'handoff_to_human', 'close_conversation'] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];

/** A built-in tool's definition, in the same shape the assistant gets for integration tools. */
export interface BuiltinToolDefinition {
  name: BuiltinToolName;
  description: string;
  parameters: ToolParameter[];
  inputSchema: Record<string, unknown>;
  requiresConfirmation: boolean;
  /** Needs a conversation (and the inbox actions the assistant wires): note, hand-off, close. */
  needsConversation: boolean;
}

/**
 * Actions on the current conversation that the inbox owns. The assistant runtime passes an
 * implementation (built on the inbox module) to `executeBuiltinTool`; without one, these tools answer
 * `not_available`.
 */
export interface ConversationActions {
  /** Adds an internal note (authored by the assistant) to the conversation. */
  addNote(input: { organizationId: string; conversationId: string; text: string }): Promise<void>;
  /** Moves the conversation to a person (unassigned or through assignment rules), with a summary for the agent. */
  handOff(input: { organizationId: string; conversationId: string; reason: string }): Promise<void>;
  /** Closes the conversation. */
  close(input: { organizationId: string; conversationId: string }): Promise<void>;
}

const p = (name: string, type: ToolParameter['type'], description: string, required: boolean): ToolParameter => ({
  name,
  type,
  description,
  required,
  pattern: null,
  enumValues: null,
  example: null,
});

/** The built-in tools' definitions, described in the organization's (or customer's) language. */
export function builtinToolDefinitions(locale: Locale): BuiltinToolDefinition[] {
  const t = (key: Parameters<typeof tIntegrations>[1]) => tIntegrations(locale, key);
  const defs: Omit<BuiltinToolDefinition, 'inputSchema'>[] = [
    {
      name: 'search_knowledge',
      description: t('builtin.searchKnowledge'),
      parameters: [p('query', 'string', t('builtin.searchKnowledge.query'), true)],
      requiresConfirmation: false,
      needsConversation: false,
    },
    { name: 'lookup_contact', description: t('builtin.lookupContact'), parameters: [], requiresConfirmation: false, needsConversation: false },
    {
      name: 'save_contact',
      description: t('builtin.saveContact'),
      parameters: [
        p('firstName', 'string', t('builtin.saveContact.firstName'), false),
        p('lastName', 'string', t('builtin.saveContact.lastName'), false),
        p('email', 'email', t('builtin.saveContact.email'), false),
        p('phone', 'phone', t('builtin.saveContact.phone'), false),
        p('marketingConsent', 'boolean', t('builtin.saveContact.marketingConsent'), false),
      ],
      requiresConfirmation: false,
      needsConversation: false,
    },
    { name: 'add_note', description: t('builtin.addNote'), parameters: [p('text', 'string', t('builtin.addNote.text'), true)], requiresConfirmation: false, needsConversation: true },
    { name: 'handoff_to_human', description: t('builtin.handoff'), parameters: [p('reason', 'string', t('builtin.handoff.reason'), true)], requiresConfirmation: false, needsConversation: true },
    { name: 'close_conversation', description: t('builtin.closeConversation'), parameters: [], requiresConfirmation: false, needsConversation: true },
  ];
  return defs.map((d) => ({ ...d, inputSchema: toolJsonSchema(d.parameters) }));
}

/** Whether a name is a built-in tool's. */
export const isBuiltinTool = (name: string): name is BuiltinToolName => (BUILTIN_TOOL_NAMES as readonly string[]).includes(name);
