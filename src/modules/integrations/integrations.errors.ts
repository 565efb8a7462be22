import { AppError, conflict, type FieldIssue, notFound, unprocessable, validationError } from '../../shared/errors.ts';

/** 404 for an integration that does not exist in the caller's organization. */
export const integrationNotFound = () => notFound('Integration', 'integration_not_found');
/** 404 for a tool that does not exist in the caller's organization. */
export const toolNotFound = () => notFound('Tool', 'tool_not_found');
/** 409 when another tool of the organization has this name. */
export const toolNameTaken = (name: string) =>
  new AppError('conflict', 'tool_name_taken', `Another tool is already called ${name}`, { issues: [{ path: 'name', message: 'Already used by another tool' }] });
/** 400 for integration input that does not pass validation, field by field. */
export const invalidIntegration = (issues: FieldIssue[]) => validationError('The integration has invalid fields', issues, 'integration_invalid');
/** 400 for a tool definition that does not pass validation, field by field. */
export const invalidTool = (issues: FieldIssue[]) => validationError('The tool has invalid fields', issues, 'tool_invalid');
/** 422 when HTTP tools are created on an MCP integration (its tools come from the server). */
export const mcpToolsAreSynced = () => unprocessable('The tools of an MCP integration come from its server; use the sync action', 'integration_is_mcp');
/** 422 for an MCP action on an HTTP integration. */
export const notAnMcpIntegration = () => unprocessable('This integration is not an MCP server', 'integration_not_mcp');
/** 422 when an MCP server cannot be reached or answers with an error. */
export const mcpUnavailable = (message: string) => unprocessable(message, 'mcp_unavailable');
/** 400 for an OpenAPI document that cannot be read. */
export const invalidOpenApi = (message: string) => validationError(message, [{ path: 'document', message }], 'openapi_invalid');
/** 409 when too many tools would exist. */
export const tooManyTools = (max: number) => conflict(`An organization can have at most ${max} tools`, 'too_many_tools');
