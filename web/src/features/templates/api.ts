import { useQuery } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf, unwrap } from '../../api/client.ts';

/** A template as the API shows it. */
export type Template = ResponseOf<'/api/v1/templates/{id}', 'get'>;
/** What the builder sends to create (and to lint). */
export type TemplateBody = BodyOf<'/api/v1/templates', 'post'>;
/** The linter's answer. */
export type LintResult = ResponseOf<'/api/v1/templates/lint', 'post'>;
/** The rendered preview of a template. */
export type RenderedTemplate = LintResult['preview'];

/** Query keys of the templates feature. */
export const templateKeys = {
  all: ['templates'] as const,
  one: (id: string) => ['templates', 'one', id] as const,
};

/** One template. */
export function useTemplate(id: string | undefined) {
  return useQuery({
    queryKey: templateKeys.one(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/templates/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: !!id,
  });
}

/** The organization's WhatsApp channels (to pick where a template lives). */
export function useWhatsAppChannels(enabled = true) {
  return useQuery({
    queryKey: ['channels', 'whatsapp'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/channels', { params: { query: { type: 'whatsapp' } } }))).items,
    enabled,
  });
}

/** Languages Meta offers for templates (code → name shown in the picker). */
export const TEMPLATE_LANGUAGES: { value: string; label: string }[] = [
  { value: 'es', label: 'Español' },
  { value: 'es_MX', label: 'Español (México)' },
  { value: 'es_AR', label: 'Español (Argentina)' },
  { value: 'es_ES', label: 'Español (España)' },
  { value: 'pt_BR', label: 'Português (Brasil)' },
  { value: 'pt_PT', label: 'Português (Portugal)' },
  { value: 'en', label: 'English' },
  { value: 'en_US', label: 'English (US)' },
  { value: 'en_GB', label: 'English (UK)' },
  { value: 'fr', label: 'Français' },
  { value: 'it', label: 'Italiano' },
  { value: 'de', label: 'Deutsch' },
  { value: 'ca', label: 'Català' },
  { value: 'nl', label: 'Nederlands' },
];
