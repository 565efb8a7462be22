/**
 * The integrations module's public face: integrations (credential containers) and their tools — HTTP
 * request templates, OpenAPI import, MCP servers — the tool executor, and the built-in CRM/inbox tools.
 * The assistant imports only this.
 */
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { registerIntegrationRoutes } from './integrations.routes.ts';
import { registerToolRoutes } from './tools.routes.ts';

export { type AssistantTool, listAssistantTools } from './assistant-tools.ts';
export { BUILTIN_TOOL_NAMES, type BuiltinToolDefinition, type BuiltinToolName, builtinToolDefinitions, type ConversationActions, isBuiltinTool } from './builtin-tools.ts';
export { type ArgumentIssue, type ArgumentProblem, type ArgumentValue, coerceArgument, coerceArguments } from './coerce-arguments.ts';
export { type ExecuteToolInput, executeTool, type ToolExecution } from './execute-tool.ts';
export { integrationsDemoSeeder } from './integrations.demo.ts';
export { type BuiltinToolInput, executeBuiltinTool } from './run-builtin-tool.ts';
export type { ToolContact, ToolParameter } from './tool-definition.ts';
export type { ExecutorDeps } from './tool-run.ts';
export { loadTool, type ToolRecord } from './tools.service.ts';

/** Every HTTP route of the module. */
export function registerIntegrationsRoutes(app: App, deps: Deps) {
  registerIntegrationRoutes(app, deps);
  registerToolRoutes(app, deps);
}
