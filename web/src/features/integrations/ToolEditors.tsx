import { ActionIcon, Button, Checkbox, Group, Paper, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import type { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { PlaceholderInput } from './PlaceholderInput.tsx';
import { METHODS, MONO, newParameter, PARAMETER_TYPES, rowKey, type Suggestion, type ToolFormValues } from './tool-form.ts';

type Form = Pick<ReturnType<typeof useForm<ToolFormValues>>, 'getValues' | 'getInputProps' | 'setFieldValue' | 'insertListItem' | 'removeListItem' | 'errors'>;

/** The parameter table: name, type, description, required, pattern, enum values and example per input. */
export function ParametersEditor({ form }: { form: Form }) {
  const { t } = useTranslation('integrations');
  const rows = form.getValues().parameters;
  return (
    <Stack gap="xs">
      {rows.map((p, i) => (
        <Paper key={p.key} withBorder p="sm" radius="md">
          <Stack gap="xs">
            <Group align="flex-end" wrap="wrap" gap="xs">
              <TextInput label={t('builder.param.name')} styles={MONO} required w={180} {...form.getInputProps(`parameters.${i}.name`)} />
              <Select
                label={t('builder.param.type')}
                w={170}
                allowDeselect={false}
                data={PARAMETER_TYPES.map((value) => ({ value, label: t(`builder.types.${value}`) }))}
                {...form.getInputProps(`parameters.${i}.type`)}
              />
              <Checkbox label={t('builder.param.required')} mb={8} {...form.getInputProps(`parameters.${i}.required`, { type: 'checkbox' })} />
              <ActionIcon variant="subtle" color="red" mb={4} ml="auto" aria-label={t('builder.param.remove')} onClick={() => form.removeListItem('parameters', i)}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
            <TextInput label={t('builder.param.description')} {...form.getInputProps(`parameters.${i}.description`)} />
            <Group grow align="flex-start">
              {p.type === 'enum' ? (
                <TagsInput label={t('builder.param.enumValues')} required {...form.getInputProps(`parameters.${i}.enumValues`)} />
              ) : (
                <TextInput label={t('builder.param.pattern')} styles={MONO} placeholder="[A-Z]{3}-\d+" {...form.getInputProps(`parameters.${i}.pattern`)} />
              )}
              <TextInput label={t('builder.param.example')} {...form.getInputProps(`parameters.${i}.example`)} />
            </Group>
          </Stack>
        </Paper>
      ))}
      <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} style={{ alignSelf: 'flex-start' }} onClick={() => form.insertListItem('parameters', newParameter())}>
        {t('builder.addParameter')}
      </Button>
    </Stack>
  );
}

/** Method, URL, headers, query parameters and JSON body, each with placeholder autocomplete. */
export function RequestEditor({ form, suggestions, bodyError }: { form: Form; suggestions: Suggestion[]; bodyError: string | null }) {
  const { t } = useTranslation('integrations');
  const v = form.getValues();
  return (
    <Stack gap="sm">
      <Group align="flex-start" wrap="nowrap" gap="xs">
        <Select label={t('builder.method')} w={120} allowDeselect={false} data={[...METHODS]} {...form.getInputProps('method')} />
        <PlaceholderInput
          label={t('builder.url')}
          required
          monospace
          placeholder="/orders/{{orderId}}"
          style={{ flex: 1 }}
          suggestions={suggestions}
          value={v.url}
          error={form.errors.url ?? form.errors['request.url']}
          onChange={(value) => form.setFieldValue('url', value)}
        />
      </Group>
      <RowsEditor form={form} field="headers" title={t('builder.headers')} suggestions={suggestions} />
      <RowsEditor form={form} field="query" title={t('builder.query')} suggestions={suggestions} />
      {v.method !== 'GET' ? (
        <PlaceholderInput
          label={t('builder.body')}
          description={t('builder.bodyHint', { example: '"{{amount}}"' })}
          multiline
          monospace
          placeholder={'{\n  "orderId": "{{orderId}}",\n  "amount": "{{amount}}"\n}'}
          suggestions={suggestions}
          value={v.bodyText}
          error={bodyError ?? form.errors['request.body']}
          onChange={(value) => form.setFieldValue('bodyText', value)}
        />
      ) : null}
    </Stack>
  );
}

function RowsEditor({ form, field, title, suggestions }: { form: Form; field: 'headers' | 'query'; title: string; suggestions: Suggestion[] }) {
  const { t } = useTranslation('integrations');
  const rows = form.getValues()[field];
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        {title}
      </Text>
      {rows.map((row, i) => (
        <Group key={row.key} wrap="nowrap" gap="xs" align="flex-start">
          <TextInput aria-label={`${title}: ${t('builder.name_')}`} placeholder={t('builder.name_')} styles={MONO} w={200} {...form.getInputProps(`${field}.${i}.name`)} />
          <PlaceholderInput
            aria-label={`${title}: ${t('builder.value')}`}
            placeholder={t('builder.value')}
            monospace
            style={{ flex: 1 }}
            suggestions={suggestions}
            value={row.value}
            error={form.errors[`request.${field}.${i}.value`]}
            onChange={(value) => form.setFieldValue(`${field}.${i}.value`, value)}
          />
          <ActionIcon variant="subtle" color="red" mt={4} aria-label={t('form.remove')} onClick={() => form.removeListItem(field, i)}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} style={{ alignSelf: 'flex-start' }} onClick={() => form.insertListItem(field, { key: rowKey(), name: '', value: '' })}>
        {t('builder.addRow')}
      </Button>
    </Stack>
  );
}

/** Response mapping rows (variable ← path). */
export function MappingEditor({ form }: { form: Form }) {
  const { t } = useTranslation('integrations');
  const rows = form.getValues().responseMapping;
  return (
    <Stack gap={6}>
      {rows.map((row, i) => (
        <Group key={row.key} wrap="nowrap" gap="xs" align="flex-start">
          <TextInput aria-label={t('builder.variable')} placeholder={t('builder.variable')} styles={MONO} w={180} {...form.getInputProps(`responseMapping.${i}.variable`)} />
          <TextInput aria-label={t('builder.path')} placeholder="data.status" styles={MONO} style={{ flex: 1 }} {...form.getInputProps(`responseMapping.${i}.path`)} />
          <ActionIcon variant="subtle" color="red" mt={4} aria-label={t('form.remove')} onClick={() => form.removeListItem('responseMapping', i)}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} style={{ alignSelf: 'flex-start' }} onClick={() => form.insertListItem('responseMapping', { key: rowKey(), variable: '', path: '' })}>
        {t('builder.addMapping')}
      </Button>
    </Stack>
  );
}
