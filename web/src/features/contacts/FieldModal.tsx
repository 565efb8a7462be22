import { ActionIcon, Alert, Button, Group, List, Modal, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type FieldProblem, isApiError, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { rules } from '../../components/forms.ts';
import { type ContactField, keys } from './api.ts';

type Component = 'input' | 'select' | 'textarea';
type InputType = 'text' | 'number' | 'email';
type Position = 'before_address' | 'after_address';
interface FieldValues {
  label: string;
  component: Component;
  inputType: InputType;
  options: string[];
  required: boolean;
  position: Position;
}

/** "Add contact field" / edit: label, component (input with its type, select box with options, text area), required, position. */
export function FieldModal({ field, onClose }: { field: ContactField | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation('contacts');
  const existing = field && field !== 'new' ? field : null;
  return (
    <Modal opened={field !== null} onClose={onClose} title={existing ? t('fields.editTitle') : t('fields.addTitle')} size="lg">
      {field !== null ? <FieldForm key={existing?.id ?? 'new'} field={existing} onDone={onClose} /> : null}
    </Modal>
  );
}

function FieldForm({ field, onDone }: { field: ContactField | null; onDone: () => void }) {
  const { t } = useTranslation(['contacts', 'app']);
  const [conflicts, setConflicts] = useState<FieldProblem[]>([]);
  const form = useForm<FieldValues>({
    initialValues: {
      label: field?.label ?? '',
      component: field?.component ?? 'input',
      inputType: field?.inputType ?? 'text',
      options: field?.options.length ? field.options : [''],
      required: field?.required ?? false,
      position: field?.position ?? 'after_address',
    },
    validate: {
      label: rules.required,
      options: (options, v) => (v.component === 'select' && options.every((o) => !o.trim()) ? t('app:validation.required') : null),
    },
  });
  const v = form.getValues();
  const save = useApiMutation({
    mutationFn: (values: FieldValues) => {
      const body = {
        label: values.label.trim(),
        component: values.component,
        inputType: values.component === 'input' ? values.inputType : null,
        options: values.component === 'select' ? values.options.map((o) => o.trim()).filter(Boolean) : [],
        required: values.required,
        position: values.position,
      };
      return field
        ? unwrap(api.PATCH('/api/v1/contact-fields/{id}', { params: { path: { id: field.id } }, body }))
        : unwrap(api.POST('/api/v1/contact-fields', { body }));
    },
    form,
    errorNs: 'contacts',
    invalidate: [keys.fields],
    successMessage: field ? t('fields.saved') : t('fields.created'),
    onError: (error) => {
      if (!isApiError(error, 409, 'contact_field_values_conflict')) return false;
      setConflicts(error.fieldErrors);
      return true;
    },
    onSuccess: onDone,
  });

  return (
    <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
      <Stack>
        <TextInput label={t('fields.fieldLabel')} required maxLength={80} data-autofocus {...form.getInputProps('label')} />
        {field ? <TextInput label={t('fields.key')} description={t('fields.keyHint')} value={field.key} readOnly /> : null}
        <Select
          label={t('fields.component')}
          data={(['input', 'select', 'textarea'] as const).map((c) => ({ value: c, label: t(`fields.components.${c}`) }))}
          allowDeselect={false}
          {...form.getInputProps('component')}
        />
        {v.component === 'input' ? (
          <Select
            label={t('fields.inputType')}
            data={(['text', 'number', 'email'] as const).map((c) => ({ value: c, label: t(`fields.inputTypes.${c}`) }))}
            allowDeselect={false}
            {...form.getInputProps('inputType')}
          />
        ) : null}
        {v.component === 'select' ? (
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              {t('fields.options')}
            </Text>
            {v.options.map((_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: options are edited in place; their position is their identity
              <Group key={i} gap="xs" wrap="nowrap">
                <TextInput aria-label={t('fields.option', { n: i + 1 })} style={{ flex: 1 }} maxLength={100} {...form.getInputProps(`options.${i}`)} />
                <ActionIcon variant="subtle" color="red" aria-label={t('fields.removeOption', { n: i + 1 })} onClick={() => form.removeListItem('options', i)} disabled={v.options.length === 1}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            {form.errors.options ? (
              <Text size="xs" c="red">
                {form.errors.options}
              </Text>
            ) : null}
            <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} aria-hidden />} onClick={() => form.insertListItem('options', '')} style={{ alignSelf: 'flex-start' }}>
              {t('fields.addOption')}
            </Button>
          </Stack>
        ) : null}
        <Switch label={t('fields.required')} description={t('fields.requiredHint')} {...form.getInputProps('required', { type: 'checkbox' })} />
        <Select
          label={t('fields.position')}
          data={(['before_address', 'after_address'] as const).map((p) => ({ value: p, label: t(`fields.positions.${p}`) }))}
          allowDeselect={false}
          {...form.getInputProps('position')}
        />
        {conflicts.length ? (
          <Alert color="orange" variant="light" title={t('problems.contact_field_values_conflict')}>
            <Text size="sm">{t('fields.conflicts', { count: conflicts.length })}</Text>
            <List size="xs" mt={4}>
              {conflicts.slice(0, 20).map((c) => (
                <List.Item key={c.path}>{c.message}</List.Item>
              ))}
            </List>
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('app:common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('fields.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
