import type { CampaignVariableSource } from '../../db/schema/index.ts';
import type { FieldIssue } from '../../shared/errors.ts';
import { type DraftContent, orderedKeys, renderedText, renderTemplate, type TemplateParameter } from '../templates/index.ts';

/** Contact fields a template variable can take its value from. */
export const CONTACT_FIELDS = ['firstName', 'lastName', 'fullName', 'phone', 'email', 'street', 'city', 'state', 'postalCode', 'country'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** What a variable's value is read from. */
export interface VariableContact {
  firstName: string;
  lastName: string;
  phone: string | null;
  email: string | null;
  street?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
  customFields: Record<string, string | number>;
}

const MAX_TEXT = 1024;
const MAX_COUPON = 15;

/**
 * Checks a campaign's mapping against the template's parameters: every parameter mapped (media ones
 * to an https link, the rest to a contact field, a custom field or fixed text), nothing extra, custom
 * fields that exist. Returns field problems (`variables.body.1` …); empty when the mapping is complete.
 */
export function checkMapping(parameters: TemplateParameter[], mapping: Record<string, CampaignVariableSource>, customFieldKeys: ReadonlySet<string>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const keys = new Set(parameters.map((p) => p.key));
  for (const key of Object.keys(mapping)) if (!keys.has(key)) issues.push({ path: `variables.${key}`, message: 'The template has no such parameter' });
  for (const p of parameters) {
    const path = `variables.${p.key}`;
    const source = mapping[p.key];
    if (!source) {
      issues.push({ path, message: 'Choose where this value comes from' });
      continue;
    }
    const media = p.kind === 'image' || p.kind === 'video' || p.kind === 'document';
    if (media !== (source.source === 'media')) {
      issues.push({ path, message: media ? 'A media header needs a public https link to the file' : 'Use a contact field, a custom field or fixed text' });
      continue;
    }
    if (source.source === 'media' && !/^https:\/\/[^\s]+$/i.test(source.link)) issues.push({ path: `${path}.link`, message: 'Use a public https link' });
    if (source.source === 'custom' && !customFieldKeys.has(source.key)) issues.push({ path: `${path}.key`, message: 'No custom field with this key' });
    if (source.source === 'text' && !clean(source.value)) issues.push({ path: `${path}.value`, message: 'Write the text' });
    const max = p.kind === 'coupon' ? MAX_COUPON : MAX_TEXT;
    if (source.source === 'text' && clean(source.value).length > max) issues.push({ path: `${path}.value`, message: `At most ${max} characters` });
    if ((source.source === 'field' || source.source === 'custom') && source.fallback && clean(source.fallback).length > max) {
      issues.push({ path: `${path}.fallback`, message: `At most ${max} characters` });
    }
  }
  return issues;
}

/**
 * WhatsApp refuses parameter text with line breaks, tabs or runs of spaces (and empty values):
 * whitespace is collapsed so a contact's multi-line address still fits.
 */
export function clean(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

function fieldValue(contact: VariableContact, field: ContactField | string): string {
  switch (field) {
    case 'fullName':
      return `${contact.firstName} ${contact.lastName}`;
    case 'firstName':
    case 'lastName':
      return contact[field];
    case 'phone':
    case 'email':
    case 'street':
    case 'city':
    case 'state':
    case 'postalCode':
    case 'country':
      return contact[field] ?? '';
    default:
      return '';
  }
}

/**
 * The value of every parameter for one contact (the fallback when the contact lacks it). `missing`
 * lists parameters left without a value: such a contact is skipped instead of sending a broken message.
 */
export function resolveValues(parameters: TemplateParameter[], mapping: Record<string, CampaignVariableSource>, contact: VariableContact) {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const p of parameters) {
    const source = mapping[p.key];
    let value = '';
    if (source?.source === 'text') value = source.value;
    else if (source?.source === 'media') value = source.link;
    else if (source?.source === 'field') value = fieldValue(contact, source.field) || source.fallback || '';
    else if (source?.source === 'custom') value = String(contact.customFields[source.key] ?? '') || source.fallback || '';
    value = clean(value);
    if (p.kind === 'coupon' && value.length > MAX_COUPON) value = '';
    if (!value) missing.push(p.key);
    else values[p.key] = value.slice(0, MAX_TEXT);
  }
  return { values, missing };
}

/** A template send's components in the inbox's stored shape (`payload.template.components`). */
export type StoredTemplateComponent =
  | { type: 'header'; parameters: ({ type: 'text'; text: string; parameterName?: string } | { type: 'image' | 'video'; link: string } | { type: 'document'; link: string; filename?: string })[] }
  | { type: 'body'; parameters: { type: 'text'; text: string; parameterName?: string }[] }
  | { type: 'button'; subType: 'url'; index: number; text: string }
  | { type: 'button'; subType: 'copy_code'; index: number; couponCode: string };

/**
 * The components of one send: header and body parameters in Meta's order (named ones carry their
 * name), dynamic URL endings and offer codes by button index. Pure.
 */
export function sendComponents(
  content: DraftContent,
  parameters: TemplateParameter[],
  values: Record<string, string>,
  named: boolean,
  mapping: Record<string, CampaignVariableSource>,
): StoredTemplateComponent[] {
  const out: StoredTemplateComponent[] = [];
  const text = (component: 'header' | 'body', key: string) => ({ type: 'text' as const, text: values[`${component}.${key}`] ?? '', ...(named ? { parameterName: key } : {}) });
  const header = content.header;
  if (header?.format === 'text') {
    const keys = orderedKeys(header.text);
    if (keys.length) out.push({ type: 'header', parameters: keys.map((k) => text('header', k)) });
  } else if (header) {
    const link = values['header.media'] ?? '';
    const source = mapping['header.media'];
    const filename = source?.source === 'media' ? source.filename : undefined;
    out.push({ type: 'header', parameters: [header.format === 'document' ? { type: 'document', link, ...(filename ? { filename } : {}) } : { type: header.format, link }] });
  }
  const bodyKeys = orderedKeys(content.body.text);
  if (bodyKeys.length) out.push({ type: 'body', parameters: bodyKeys.map((k) => text('body', k)) });
  for (const p of parameters) {
    if (p.component !== 'button' || p.buttonIndex === undefined) continue;
    const value = values[p.key] ?? '';
    out.push(p.kind === 'coupon' ? { type: 'button', subType: 'copy_code', index: p.buttonIndex, couponCode: value } : { type: 'button', subType: 'url', index: p.buttonIndex, text: value });
  }
  return out;
}

/** The message as the contact reads it (header, body, footer), for the conversation and the export. */
export function previewOf(content: DraftContent, values: Record<string, string>): string {
  return renderedText(renderTemplate(content, values));
}
