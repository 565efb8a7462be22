import { asSchema, type JsonSchemaLike, parameterFromSchema } from './json-schema-params.ts';
import { invalidOpenApi } from './integrations.errors.ts';
import { type HttpMethod, type JsonValue, type NameValue, PARAMETER_NAME, TOOL_DEFAULTS, type ToolParameter } from './tool-definition.ts';
import type { ToolCreateInput } from './tools.schemas.ts';

/** One operation of an OpenAPI document and the tool it would become. */
export interface OperationPreview {
  /** `METHOD /path`, also accepted to select it. */
  key: string;
  operationId: string | null;
  method: HttpMethod;
  path: string;
  summary: string;
  importable: boolean;
  /** What could not be mapped (object/list properties, cookie parameters…). */
  warnings: string[];
  tool: ToolCreateInput | null;
}

/** What an OpenAPI document offers. */
export interface OpenApiPreview {
  title: string;
  version: string;
  /** Absolute server URLs declared by the document. */
  servers: string[];
  operations: OperationPreview[];
}

type Obj = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const MAX_DOCUMENT = 2 * 1024 * 1024;

/**
 * Reads an OpenAPI 3.x document (JSON or YAML text) and proposes one tool per operation: parameters
 * from path, query and header parameters and the JSON body's scalar properties (local `$ref`s
 * resolved), the request with `{{placeholders}}`, and a description from the summary and description.
 * The YAML parser is imported only for YAML documents (see bench/foundation.bench.ts).
 */
export async function previewOpenApi(text: string): Promise<OpenApiPreview> {
  if (text.length > MAX_DOCUMENT) throw invalidOpenApi('The document is larger than 2 MB');
  const isJson = /^\s*[{[]/.test(text);
  const parseYaml = isJson ? undefined : (await import('yaml')).parse;
  let doc: unknown;
  try {
    doc = parseYaml ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
  } catch (err) {
    throw invalidOpenApi(`The document is neither valid JSON nor valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObj(doc)) throw invalidOpenApi('The document is not an OpenAPI object');
  if (typeof doc.swagger === 'string') throw invalidOpenApi('Swagger 2.0 documents are not supported; convert it to OpenAPI 3 first');
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.')) throw invalidOpenApi('Only OpenAPI 3.x documents are supported (the "openapi" field is missing)');
  if (!isObj(doc.paths)) throw invalidOpenApi('The document has no paths');
  const resolve = resolver(doc);
  const info = isObj(doc.info) ? doc.info : {};
  const servers = (Array.isArray(doc.servers) ? doc.servers : [])
    .map((s) => (isObj(s) && typeof s.url === 'string' ? s.url : ''))
    .filter((u) => /^https?:\/\//i.test(u));
  const operations: OperationPreview[] = [];
  const usedNames = new Set<string>();
  for (const [path, rawItem] of Object.entries(doc.paths)) {
    const item = resolve(rawItem);
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = resolve(item[method]);
      if (!isObj(op)) continue;
      operations.push(operationPreview(path, method, op, item, resolve, usedNames));
      if (operations.length >= 500) break;
    }
  }
  return { title: String(info.title ?? ''), version: String(info.version ?? ''), servers, operations };
}

function operationPreview(path: string, method: (typeof METHODS)[number], op: Obj, item: Obj, resolve: (v: unknown) => unknown, usedNames: Set<string>): OperationPreview {
  const upper = method.toUpperCase() as HttpMethod;
  const key = `${upper} ${path}`;
  const operationId = typeof op.operationId === 'string' ? op.operationId : null;
  const summary = String(op.summary ?? '').trim();
  const warnings: string[] = [];
  let importable = true;
  const parameters: ToolParameter[] = [];
  const names = new Set<string>();
  const addParam = (name: string, schema: JsonSchemaLike, required: boolean, description: string): string | null => {
    let placeholder = placeholderName(name, names);
    const result = parameterFromSchema(placeholder, { ...schema, description: description || schema.description }, required);
    if (!result.ok) {
      warnings.push(result.reason);
      if (required) importable = false;
      return null;
    }
    placeholder = result.parameter.name;
    names.add(placeholder);
    parameters.push(result.parameter);
    return placeholder;
  };

  let url = path;
  const query: NameValue[] = [];
  const headers: NameValue[] = [];
  const declared = [...(Array.isArray(item.parameters) ? item.parameters : []), ...(Array.isArray(op.parameters) ? op.parameters : [])].map(resolve).filter(isObj);
  // Operation-level parameters override path-level ones with the same name and location.
  const byKey = new Map(declared.map((p) => [`${p.in}:${p.name}`, p]));
  for (const p of byKey.values()) {
    const name = String(p.name ?? '');
    const where = String(p.in ?? '');
    const schema = asSchema(resolve(p.schema)) ?? {};
    const description = String(p.description ?? '');
    if (where === 'cookie') {
      warnings.push(`The cookie parameter "${name}" is not supported`);
      if (p.required) importable = false;
      continue;
    }
    const placeholder = addParam(name, schema, where === 'path' || p.required === true, description);
    if (!placeholder) continue;
    if (where === 'path') url = url.split(`{${name}}`).join(`{{${placeholder}}}`);
    else if (where === 'query') query.push({ name, value: `{{${placeholder}}}` });
    else if (where === 'header') headers.push({ name, value: `{{${placeholder}}}` });
  }
  if (/\{(?!\{)[^}]*\}/.test(url.replace(/\{\{[^}]*\}\}/g, ''))) {
    warnings.push('A path parameter is not declared');
    importable = false;
  }

  let body: JsonValue | null = null;
  const requestBody = resolve(op.requestBody);
  if (isObj(requestBody) && method !== 'get') {
    const content = isObj(requestBody.content) ? requestBody.content : {};
    const jsonType = Object.keys(content).find((t) => /json/i.test(t));
    const schema = jsonType && isObj(content[jsonType]) ? asSchema(resolveDeep(resolve, (content[jsonType] as Obj).schema)) : undefined;
    if (!jsonType) {
      warnings.push(`The request body is not JSON (${Object.keys(content).join(', ') || 'no content type'})`);
      if (requestBody.required) importable = false;
    } else if (schema?.properties) {
      const required = new Set(schema.required ?? []);
      const out: Record<string, JsonValue> = {};
      for (const [prop, propSchema] of Object.entries(schema.properties)) {
        const placeholder = addParam(prop, asSchema(propSchema) ?? {}, required.has(prop), '');
        if (placeholder) out[prop] = `{{${placeholder}}}`;
      }
      body = out;
    } else if (requestBody.required) {
      warnings.push('The request body is not an object with properties');
      importable = false;
    }
  }

  const name = uniqueName(toolNameFor(operationId, upper, path), usedNames);
  const description = [summary, String(op.description ?? '').trim()].filter(Boolean).join('. ').slice(0, 1000) || key;
  const tool: ToolCreateInput = {
    name,
    description,
    examples: [],
    parameters,
    request: { method: upper, url, headers, query, body },
    responseMapping: [],
    responseMode: 'json',
    timeoutMs: TOOL_DEFAULTS.timeoutMs,
    retries: TOOL_DEFAULTS.retries,
    handoffOnFailure: false,
    // Anything that changes data asks the customer first until someone decides otherwise.
    requiresConfirmation: upper !== 'GET',
    enabled: true,
  };
  if (parameters.length > 30) {
    warnings.push('More than 30 inputs');
    importable = false;
  }
  return { key, operationId, method: upper, path, summary, importable, warnings, tool: importable ? tool : null };
}

/** A valid, unused placeholder name for an API parameter name (`order-id` → `order_id`). */
function placeholderName(name: string, used: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1').slice(0, 60) || 'value';
  if (!PARAMETER_NAME.test(base)) base = `p_${base}`.slice(0, 60);
  let candidate = base;
  for (let i = 2; used.has(candidate); i++) candidate = `${base}_${i}`;
  return candidate;
}

/** `getOrderById` → `get_order_by_id`; without an operationId, `get_orders_id`. */
export function toolNameFor(operationId: string | null, method: string, path: string): string {
  const source = operationId ?? `${method} ${path.replace(/[{}]/g, '')}`;
  const snake = source
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const name = /^[a-z]/.test(snake) ? snake : `op_${snake}`;
  return name.slice(0, 64).replace(/_+$/, '') || 'operation';
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate); i++) candidate = `${name.slice(0, 60)}_${i}`;
  used.add(candidate);
  return candidate;
}

/** Resolves local `$ref`s (`#/components/...`), refusing remote ones and bounding the depth. */
function resolver(doc: Obj) {
  const resolve = (value: unknown, depth = 0): unknown => {
    if (!isObj(value) || typeof value.$ref !== 'string') return value;
    if (depth > 20) return {};
    const ref = value.$ref;
    if (!ref.startsWith('#/')) return {};
    let target: unknown = doc;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObj(target) ? target[key] : undefined;
    }
    return resolve(target, depth + 1);
  };
  return resolve;
}

/** Resolves a schema and its properties one level deep (enough to read a body's scalar fields). */
function resolveDeep(resolve: (v: unknown) => unknown, schema: unknown): unknown {
  const s = resolve(schema);
  if (!isObj(s)) return s;
  const allOf = Array.isArray(s.allOf) ? s.allOf.map(resolve).filter(isObj) : [];
  const merged: Obj = { ...s };
  if (allOf.length) {
    merged.properties = Object.assign({}, ...allOf.map((a) => (isObj(a.properties) ? a.properties : {})), isObj(s.properties) ? s.properties : {});
    merged.required = [...allOf.flatMap((a) => (Array.isArray(a.required) ? a.required : [])), ...(Array.isArray(s.required) ? s.required : [])];
  }
  if (isObj(merged.properties)) {
    merged.properties = Object.fromEntries(Object.entries(merged.properties).map(([k, v]) => [k, resolve(v)]));
  }
  return merged;
}
