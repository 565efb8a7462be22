import type { Db } from '../../db/client.ts';
import type { Locale } from '../../shared/i18n.ts';
import { type BuiltinToolName, builtinToolDefinitions } from './builtin-tools.ts';
import { activeTools } from './integrations.repository.ts';
import type { ToolParameter } from './tool-definition.ts';
import { toolJsonSchema } from './tool-validation.ts';
import { type ToolRecord, toolRecordOf } from './tools.service.ts';

/** A tool as the assistant sees it: enough to offer it to a model or match it offline, never a secret. */
export type AssistantTool =
  | {
      kind: 'integration';
      name: string;
      description: string;
      examples: string[];
      parameters: ToolParameter[];
      /** JSON Schema of the arguments (for the LLM's tool definition). */
      inputSchema: Record<string, unknown>;
      requiresConfirmation: boolean;
      /** Pass to `executeTool({ tool })` to run it without loading it again. */
      record: ToolRecord;
    }
  | {
      kind: 'builtin';
      name: BuiltinToolName;
      description: string;
      examples: string[];
      parameters: ToolParameter[];
      inputSchema: Record<string, unknown>;
      requiresConfirmation: boolean;
      needsConversation: boolean;
    };

/**
 * Every tool the assistant of an organization may use now: enabled tools of enabled integrations, plus
 * the built-in tools described in `locale`. Names are unique (integration tools cannot take a built-in
 * name).
 */
export async function listAssistantTools(db: Db, organizationId: string, locale: Locale): Promise<AssistantTool[]> {
  const rows = await activeTools(db, organizationId);
  const integrationTools: AssistantTool[] = rows.map(({ tool, integration }) => {
    const record = toolRecordOf(tool, integration);
    return {
      kind: 'integration',
      name: tool.name,
      description: tool.description,
      examples: tool.examples,
      parameters: record.parameters,
      inputSchema: tool.inputSchema ?? toolJsonSchema(record.parameters),
      requiresConfirmation: tool.requiresConfirmation,
      record,
    };
  });
  const builtins: AssistantTool[] = builtinToolDefinitions(locale).map((d) => ({ kind: 'builtin', examples: [], ...d }));
  return [...builtins, ...integrationTools];
}
