import { Group, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import type { Template } from '../templates/api.ts';
import type { VariableSource } from './api.ts';

const FIELDS = ['firstName', 'lastName', 'fullName', 'phone', 'email', 'street', 'city', 'state', 'postalCode', 'country'] as const;

/** A sensible first mapping: the first text variable is the first name, the rest fixed text (the example). */
export function defaultMapping(template: Template): Record<string, VariableSource> {
  const out: Record<string, VariableSource> = {};
  let first = true;
  for (const p of template.parameters) {
    if (p.kind === 'image' || p.kind === 'video' || p.kind === 'document') out[p.key] = { source: 'media', link: 'https://' };
    else if (first && p.kind === 'text' && p.component !== 'button') {
      out[p.key] = { source: 'field', field: 'firstName', fallback: '' };
      first = false;
    } else out[p.key] = { source: 'text', value: p.example ?? '' };
  }
  return out;
}

/** One row per template parameter: where its value comes from, and the fallback. */
export function VariableMapping(props: { template: Template; value: Record<string, VariableSource>; onChange: (v: Record<string, VariableSource>) => void; errorOf: (path: string) => string | undefined }) {
  const { t } = useTranslation('campaigns');
  const fields = useQuery({ queryKey: ['contact-fields'], queryFn: () => unwrap(api.GET('/api/v1/contact-fields')) });
  const customOptions = (fields.data?.items ?? []).map((f) => ({ value: f.key, label: f.label }));
  const set = (key: string, source: VariableSource) => props.onChange({ ...props.value, [key]: source });
  if (props.template.parameters.length === 0) return <Text c="dimmed">{t('wizard.noVariables')}</Text>;
  return (
    <Stack gap="sm">
      {props.template.parameters.map((p) => {
        const source = props.value[p.key];
        const media = p.kind === 'image' || p.kind === 'video' || p.kind === 'document';
        const label = t('wizard.variable', { key: p.component === 'button' ? p.key : `${p.component} {{${p.name}}}` });
        return (
          <Paper key={p.key} withBorder p="sm">
            <Group align="flex-start" gap="sm" wrap="wrap">
              <Text fw={500} w={160} mt={28} size="sm">
                {label}
              </Text>
              {media ? (
                <TextInput
                  label={t('wizard.mediaLink')}
                  value={source?.source === 'media' ? source.link : ''}
                  onChange={(e) => set(p.key, { source: 'media', link: e.currentTarget.value })}
                  error={props.errorOf(`variables.${p.key}.link`) ?? props.errorOf(`variables.${p.key}`)}
                  style={{ flex: 1, minWidth: 240 }}
                />
              ) : (
                <>
                  <Select
                    label={t('wizard.source')}
                    data={(['field', 'custom', 'text'] as const).map((s) => ({ value: s, label: t(`wizard.sources.${s}`) }))}
                    value={source?.source ?? null}
                    onChange={(v) =>
                      set(p.key, v === 'field' ? { source: 'field', field: 'firstName', fallback: '' } : v === 'custom' ? { source: 'custom', key: customOptions[0]?.value ?? '', fallback: '' } : { source: 'text', value: p.example ?? '' })
                    }
                    allowDeselect={false}
                    w={170}
                    error={props.errorOf(`variables.${p.key}`)}
                  />
                  {source?.source === 'field' ? (
                    <Select
                      label={t('wizard.sources.field')}
                      data={FIELDS.map((f) => ({ value: f, label: t(`wizard.fields.${f}`) }))}
                      value={source.field}
                      onChange={(v) => v && set(p.key, { ...source, field: v as (typeof FIELDS)[number] })}
                      allowDeselect={false}
                      w={170}
                    />
                  ) : null}
                  {source?.source === 'custom' ? (
                    <Select label={t('wizard.customField')} data={customOptions} value={source.key || null} onChange={(v) => v && set(p.key, { ...source, key: v })} w={170} error={props.errorOf(`variables.${p.key}.key`)} />
                  ) : null}
                  {source?.source === 'text' ? (
                    <TextInput label={t('wizard.fixedText')} value={source.value} onChange={(e) => set(p.key, { source: 'text', value: e.currentTarget.value })} error={props.errorOf(`variables.${p.key}.value`)} style={{ flex: 1, minWidth: 180 }} />
                  ) : null}
                  {source?.source === 'field' || source?.source === 'custom' ? (
                    <TextInput
                      label={t('wizard.fallback')}
                      placeholder={t('wizard.fallbackPlaceholder')}
                      value={source.fallback ?? ''}
                      onChange={(e) => set(p.key, { ...source, fallback: e.currentTarget.value })}
                      error={props.errorOf(`variables.${p.key}.fallback`)}
                      style={{ flex: 1, minWidth: 160 }}
                    />
                  ) : null}
                </>
              )}
            </Group>
          </Paper>
        );
      })}
    </Stack>
  );
}
