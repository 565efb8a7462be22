import { api, type BodyOf, type ResponseOf, unwrap } from '../../api/client.ts';

/** An automated reply rule as the API shows it. */
export type AutomatedReply = ResponseOf<'/api/v1/automated-replies/{id}', 'get'>;
/** What `POST`/`PUT /api/v1/automated-replies` accept. */
export type AutomatedReplyBody = BodyOf<'/api/v1/automated-replies', 'post'>;
/** The reply a rule sends. */
export type RuleReply = AutomatedReply['reply'];
export type MatchMode = AutomatedReply['match'];
export type MediaType = Extract<RuleReply, { type: 'media' }>['mediaType'];

export const MATCH_MODES: MatchMode[] = ['contains', 'exact', 'starts_with', 'regex'];
export const MEDIA_TYPES: MediaType[] = ['image', 'video', 'audio', 'document'];
/** Weekdays as the API numbers them (0 = Sunday), in the order a week is shown (Monday first). */
export const WEEK: number[] = [1, 2, 3, 4, 5, 6, 0];

/** Query keys of the automated replies. */
export const ruleKeys = { all: ['automated-replies'] as const };

/** The rules in the order the server evaluates them: highest priority first, then oldest first. */
export function inEvaluationOrder(rules: AutomatedReply[]): AutomatedReply[] {
  return [...rules].sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A rule's definition, as sent back to the API (to change one field, e.g. the active switch). */
export function bodyOf(rule: AutomatedReply): AutomatedReplyBody {
  const { id: _id, createdAt: _c, updatedAt: _u, ...body } = rule;
  return body;
}

/** Replaces a rule. */
export const saveRule = (id: string, body: AutomatedReplyBody) => unwrap(api.PUT('/api/v1/automated-replies/{id}', { params: { path: { id } }, body }));

/** A short weekday name ("Mon", "lun", "seg") in a language; `day` as the API numbers them (0 = Sunday). */
export function weekdayName(day: number, language: string): string {
  // 2024-01-07 was a Sunday.
  return new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 7 + day)));
}
