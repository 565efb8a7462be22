import { PARAMETER_NAME, type ToolParameter } from './tool-definition.ts';

/** A JSON Schema object as found in OpenAPI documents and MCP tool declarations (only what we read). */
export interface JsonSchemaLike {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  description?: string;
  title?: string;
  pattern?: string;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchemaLike>;
  required?: string[];
  items?: JsonSchemaLike;
  [key: string]: unknown;
}

/** Narrows an unknown value to a schema object. */
export const asSchema = (value: unknown): JsonSchemaLike | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchemaLike) : undefined);

/**
 * Converts one JSON Schema property into a tool parameter when it is a scalar (string, number,
 * integer, boolean, string enum; formats email/date/date-time/phone), or returns why not.
 */
export function parameterFromSchema(name: string, schema: JsonSchemaLike, required: boolean): { ok: true; parameter: ToolParameter } | { ok: false; reason: string } {
  if (!PARAMETER_NAME.test(name)) return { ok: false, reason: `"${name}" cannot be used as a placeholder name` };
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const description = String(schema.description ?? schema.title ?? '').trim().slice(0, 500);
  const rawExample = schema.example ?? schema.examples?.[0] ?? schema.default;
  const example = rawExample === undefined || rawExample === null || typeof rawExample === 'object' ? null : String(rawExample).slice(0, 200);
  const base = { name, description, required, pattern: null, enumValues: null, example };
  if (Array.isArray(schema.enum) && schema.enum.length && schema.enum.every((v) => typeof v === 'string')) {
    const values = (schema.enum as string[]).filter((v) => v.trim()).slice(0, 50).map((v) => v.slice(0, 100));
    if (values.length) return { ok: true, parameter: { ...base, type: 'enum', enumValues: values } };
  }
  switch (type) {
    case 'integer':
      return { ok: true, parameter: { ...base, type: 'integer' } };
    case 'number':
      return { ok: true, parameter: { ...base, type: 'number' } };
    case 'boolean':
      return { ok: true, parameter: { ...base, type: 'boolean' } };
    case 'string':
    case undefined: {
      if (type === undefined && (schema.properties || schema.items)) return { ok: false, reason: `"${name}" is an object or a list` };
      const format = schema.format?.toLowerCase();
      if (format === 'email') return { ok: true, parameter: { ...base, type: 'email' } };
      if (format === 'date' || format === 'date-time') return { ok: true, parameter: { ...base, type: 'date' } };
      if (format === 'phone' || format === 'tel') return { ok: true, parameter: { ...base, type: 'phone' } };
      const pattern = typeof schema.pattern === 'string' && schema.pattern.length <= 200 && validPattern(schema.pattern) ? stripAnchors(schema.pattern) : null;
      return { ok: true, parameter: { ...base, type: 'string', pattern } };
    }
    default:
      return { ok: false, reason: `"${name}" is ${type === 'array' ? 'a list' : type === 'object' ? 'an object' : `of type ${type}`}` };
  }
}

/** Parameters for every scalar property of an object schema, plus the properties that could not be mapped. */
export function parametersFromObjectSchema(schema: JsonSchemaLike | undefined): { parameters: ToolParameter[]; skipped: string[] } {
  const parameters: ToolParameter[] = [];
  const skipped: string[] = [];
  const required = new Set(schema?.required ?? []);
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    const result = parameterFromSchema(name, asSchema(prop) ?? {}, required.has(name));
    if (result.ok) parameters.push(result.parameter);
    else skipped.push(result.reason);
  }
  return { parameters, skipped };
}

function validPattern(p: string): boolean {
  try {
    new RegExp(p, 'u');
    return true;
  } catch {
    return false;
  }
}

/** Our patterns must match the whole value already, so `^…$` anchors are redundant. */
const stripAnchors = (p: string) => p.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
