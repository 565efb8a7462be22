import { Button, Group, Modal, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError, type ResponseOf, unwrap } from '../../api/client.ts';
import type { Outbound } from './api.ts';

type Template = ResponseOf<'/api/v1/templates', 'get'>['items'][number];
type TemplateBody = Extract<Outbound, { type: 'template' }>['template'];
type Component = NonNullable<TemplateBody['components']>[number];

/**
 * The channel's approved templates, or `null` when this server has no templates module (or the member
 * may not read them): the composer then hides the picker.
 */
export function useApprovedTemplates(channelId: string) {
  return useQuery({
    queryKey: ['templates', 'approved', channelId],
    queryFn: async () => {
      try {
        return (await unwrap(api.GET('/api/v1/templates', { params: { query: { channelId, status: 'approved', limit: 100 } } }))).items.filter((t) => t.supported);
      } catch (error) {
        if (isApiError(error, 404) || isApiError(error, 403) || isApiError(error, 405)) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** Fills a template's `{{1}}` / `{{name}}` placeholders with the values typed so far. */
export function fillPlaceholders(text: string, component: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([\w]+)\s*\}\}/g, (whole, name: string) => values[`${component}.${name}`] || whole);
}

/** Builds the API's template components from the parameter values, in Meta's order. */
export function templateComponents(template: Template, values: Record<string, string>): Component[] {
  const named = template.parameterFormat === 'named';
  const header: Component[] = [];
  const bodyParams: { type: 'text'; text: string; parameterName?: string }[] = [];
  const buttons: Component[] = [];
  for (const p of template.parameters) {
    const value = values[p.key] ?? '';
    if (p.component === 'header') {
      if (p.kind === 'text') header.push({ type: 'header', parameters: [{ type: 'text', text: value, ...(named ? { parameterName: p.name } : {}) }] });
      else if (p.kind === 'image' || p.kind === 'video') header.push({ type: 'header', parameters: [{ type: p.kind, link: value }] });
      else if (p.kind === 'document') header.push({ type: 'header', parameters: [{ type: 'document', link: value }] });
    } else if (p.component === 'body') {
      bodyParams.push({ type: 'text', text: value, ...(named ? { parameterName: p.name } : {}) });
    } else if (p.component === 'button') {
      const index = Number(p.key.split('.')[1] ?? 0);
      buttons.push(p.kind === 'coupon' ? { type: 'button', subType: 'copy_code', index, couponCode: value } : { type: 'button', subType: 'url', index, text: value });
    }
  }
  return [...header, ...(bodyParams.length ? [{ type: 'body' as const, parameters: bodyParams }] : []), ...buttons];
}

/** "Send template": pick an approved template, fill its variables, see the preview, send. */
export function TemplatePicker({
  opened,
  onClose,
  templates,
  onSend,
  sending,
}: {
  opened: boolean;
  onClose: () => void;
  templates: Template[];
  onSend: (template: TemplateBody) => void;
  sending: boolean;
}) {
  const { t } = useTranslation('inbox');
  const [id, setId] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const template = templates.find((x) => x.id === id) ?? null;
  const preview = useMemo(() => (template ? fillPlaceholders(template.preview.body, 'body', values) : ''), [template, values]);
  const complete = template ? template.parameters.every((p) => (values[p.key] ?? '').trim() !== '') : false;
  return (
    <Modal opened={opened} onClose={onClose} title={t('templates.title')} size="lg">
      {templates.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('templates.none')}
        </Text>
      ) : (
        <Stack>
          <Select
            label={t('templates.choose')}
            searchable
            data={templates.map((x) => ({ value: x.id, label: `${x.name} (${x.language})` }))}
            value={id}
            onChange={(v) => {
              setId(v);
              setValues({});
            }}
          />
          {template?.parameters.map((p) => (
            <TextInput
              key={p.key}
              label={p.kind === 'text' || p.kind === 'coupon' ? t('templates.parameter', { name: p.name }) : t('templates.mediaLink', { kind: p.kind })}
              placeholder={p.example ?? undefined}
              required
              value={values[p.key] ?? ''}
              onChange={(e) => setValues({ ...values, [p.key]: e.currentTarget.value })}
            />
          ))}
          {template ? (
            <Paper withBorder p="sm" bg="var(--mantine-color-teal-0)">
              <Text size="xs" c="dimmed" fw={600}>
                {t('templates.preview')}
              </Text>
              {template.preview.header && 'text' in template.preview.header ? (
                <Text size="sm" fw={700}>
                  {fillPlaceholders(template.preview.header.text, 'header', values)}
                </Text>
              ) : null}
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {preview}
              </Text>
              {template.preview.footer ? (
                <Text size="xs" c="dimmed">
                  {template.preview.footer}
                </Text>
              ) : null}
            </Paper>
          ) : null}
          <Group justify="flex-end">
            <Button
              disabled={!template || !complete}
              loading={sending}
              onClick={() => {
                if (!template) return;
                onSend({ name: template.name, language: template.language, components: templateComponents(template, values), preview });
              }}
            >
              {t('templates.send')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
