import type { BodyOf, ResponseOf } from '../../api/client.ts';

/** An integration as the API returns it. */
export type Integration = ResponseOf<'/api/v1/integrations/{id}', 'get'>;
/** A tool as the API returns it. */
export type Tool = ResponseOf<'/api/v1/tools/{id}', 'get'>;
/** A tool definition as the API accepts it. */
export type ToolBody = BodyOf<'/api/v1/integrations/{id}/tools', 'post'>;
/** The result of a test run. */
export type ToolTestResult = ResponseOf<'/api/v1/tools/{id}/test', 'post'>;
/** An integration body. */
export type IntegrationBody = BodyOf<'/api/v1/integrations', 'post'>;

/** Query keys of the feature. */
export const keys = {
  integrations: ['integrations'] as const,
  integration: (id: string) => ['integrations', id] as const,
  tools: (integrationId: string) => ['integrations', integrationId, 'tools'] as const,
  tool: (id: string) => ['tools', id] as const,
};

/** The contact fields templates may use. */
export const CONTACT_FIELDS = ['firstName', 'lastName', 'name', 'phone', 'email', 'id'] as const;
