import { z } from 'zod';

/**
 * The shape of a tool as stored (jsonb columns of `tools`) and as the API accepts it. Pure zod, no
 * database: the renderer, the executor, the OpenAPI importer and the routes share these definitions.
 */

/** Types a tool parameter may have; each is validated and coerced before a request is built. */
export const PARAMETER_TYPES = ['string', 'number', 'integer', 'boolean', 'enum', 'date', 'email', 'phone'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** HTTP methods a tool may use. GET, PUT and DELETE are idempotent and may be retried. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

/** A parameter name: what `{{name}}` refers to (letters, digits and underscores, not starting with a digit). */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** A tool name: snake_case, what a model calls (OpenAI allows 64 characters). */
export const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** Whether a text holds control characters other than tab (CR, LF, NUL…): never allowed in a header value. */
export const hasControlCharacters = (s: string): boolean => /\p{Cc}/u.test(s.replaceAll('\t', ''));

/** Contact fields a template may read as `{{contact.<field>}}`. */
export const CONTACT_FIELDS = ['id', 'firstName', 'lastName', 'name', 'phone', 'email'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

const validRegex = (value: string) => {
  try {
    new RegExp(value, 'u');
    return true;
  } catch {
    return false;
  }
};

/** One input a tool collects ("collect data inputs"). */
export const toolParameterSchema = z
  .strictObject({
    name: z.string().regex(PARAMETER_NAME, 'Use letters, digits and underscores, starting with a letter').describe('Referenced as `{{name}}` in the request.'),
    type: z.enum(PARAMETER_TYPES).describe('Values are validated and converted: numbers typed, e-mails checked, phones normalized to E.164, dates as YYYY-MM-DD.'),
    description: z.string().trim().max(500).default('').describe('What the value is; the assistant uses it to ask for it.'),
    required: z.boolean().default(true).describe('Whether the tool cannot run without it.'),
    pattern: z
      .string()
      .max(200)
      .refine(validRegex, 'Not a valid regular expression')
      .nullish()
      .describe('A regular expression the whole value must match (strings, enums, e-mails, phones, dates).'),
    enumValues: z.array(z.string().trim().min(1).max(100)).max(50).nullish().describe('The allowed values of an `enum` parameter.'),
    example: z.string().max(200).nullish().describe('A sample value, used by the Test panel and shown to the model.'),
  })
  .superRefine((p, ctx) => {
    if (p.type === 'enum' && !p.enumValues?.length) ctx.addIssue({ code: 'custom', path: ['enumValues'], message: 'An enum parameter needs at least one value' });
  });
export type ToolParameter = z.output<typeof toolParameterSchema>;

/** A name/value pair of headers or query parameters; the value may hold placeholders. */
export const nameValueSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).describe('The header or query parameter name.'),
  value: z.string().max(2000).describe('May contain `{{param}}`, `{{contact.phone}}`, `{{secrets.name}}`…'),
});
export type NameValue = z.infer<typeof nameValueSchema>;

/** Any JSON value (the body template). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Whether a value is plain JSON at most 20 levels deep (request bodies arrive parsed, so this bounds depth). */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > 20) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
  if (typeof value === 'object') return Object.values(value).every((v) => isJsonValue(v, depth + 1));
  return false;
}

/** The HTTP request a tool sends, with placeholders. */
export const toolRequestSchema = z.strictObject({
  method: z.enum(HTTP_METHODS).default('GET').describe('The HTTP method: `GET` (default), `POST`, `PUT`, `PATCH` or `DELETE`; only GET, PUT and DELETE are retried.'),
  url: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .describe('A path joined to the integration\'s base URL (`/orders/{{orderId}}`) or an absolute http(s) URL. Placeholders only in the path and query.'),
  headers: z
    .array(nameValueSchema.extend({ name: z.string().regex(HEADER_NAME, 'Not a valid header name').describe('The header name.') }))
    .max(30)
    .default([])
    .describe('Headers of this request, besides the integration\'s.'),
  query: z.array(nameValueSchema).max(30).default([]).describe('Query parameters added to the URL (values URL-encoded).'),
  body: z
    .unknown()
    .refine((v) => v === undefined || isJsonValue(v), 'Must be a JSON value at most 20 levels deep')
    .optional()
    .describe('JSON body. A string that is exactly `{{param}}` becomes the typed value (number, boolean…); placeholders inside longer strings are interpolated as text.'),
});
export type ToolRequest = z.output<typeof toolRequestSchema>;

/** Picks a value of the JSON response into a variable. */
export const responseMappingSchema = z.strictObject({
  variable: z.string().regex(PARAMETER_NAME, 'Use letters, digits and underscores, starting with a letter').describe('The variable\'s name, used as `{{variable}}` in the reply template.'),
  path: z.string().trim().min(1).max(300).describe('A JSONPath-like path: `data.order.status`, `items[0].name`, `$.total`, `items[*].sku`.'),
});
export type ResponseMapping = z.infer<typeof responseMappingSchema>;

/** What the assistant receives after a successful call: the rendered reply template or the trimmed JSON. */
export const RESPONSE_MODES = ['template', 'json'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** The contact a tool runs for (the conversation's customer, or sample values in a test). */
export interface ToolContact {
  id?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  email?: string | null;
}

/** Defaults of a new tool. */
export const TOOL_DEFAULTS = { timeoutMs: 10_000, retries: 2 } as const;
