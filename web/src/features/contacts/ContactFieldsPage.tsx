import { ActionIcon, Badge, Button, Group, Menu, Paper, Stack, TagsInput, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconDots, IconForms, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { confirmAction } from '../../components/confirm.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { type ContactField, keys, useContactFields } from './api.ts';
import { FieldModal } from './FieldModal.tsx';

/** Settings → Contact fields: the custom fields of the contact form, and the opt-out keywords. */
export function ContactFieldsPage() {
  const { t } = useTranslation('contacts');
  const { can } = useMember();
  const fields = useContactFields();
  const [editing, setEditing] = useState<ContactField | 'new' | null>(null);
  const editable = can('contacts.fields');
  const remove = useApiMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/contact-fields/{id}', { params: { path: { id } } })),
    invalidate: [keys.fields, keys.contacts],
    successMessage: t('fields.deleted'),
  });
  const type = (f: ContactField) =>
    f.component === 'input' && f.inputType ? `${t('fields.components.input')} · ${t(`fields.inputTypes.${f.inputType}`)}` : t(`fields.components.${f.component}`);
  const columns: Column<ContactField>[] = [
    {
      key: 'label',
      header: t('fields.fieldLabel'),
      render: (f) => (
        <div>
          <Group gap={6}>
            <Text size="sm" fw={500}>
              {f.label}
            </Text>
            {f.required ? (
              <Badge size="xs" variant="light" color="orange">
                {t('fields.required')}
              </Badge>
            ) : null}
          </Group>
          <Text size="xs" c="dimmed" ff="monospace">
            {f.key}
          </Text>
        </div>
      ),
    },
    { key: 'type', header: t('fields.type'), render: (f) => <Text size="sm">{type(f)}</Text> },
    { key: 'options', header: t('fields.options'), visibleFrom: 'md', render: (f) => <Text size="xs">{f.options.join(', ') || '—'}</Text> },
    { key: 'position', header: t('fields.position'), visibleFrom: 'sm', render: (f) => <Text size="xs">{t(`fields.positions.${f.position}`)}</Text> },
    {
      key: 'actions',
      header: '',
      width: 60,
      align: 'right',
      render: (f) =>
        editable ? (
          <Menu position="bottom-end" shadow="md">
            <Menu.Target>
              <ActionIcon variant="subtle" aria-label={t('fields.actionsFor', { label: f.label })}>
                <IconDots size={18} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setEditing(f)}>
                {t('fields.edit')}
              </Menu.Item>
              <Menu.Item
                color="red"
                leftSection={<IconTrash size={16} />}
                onClick={async () => {
                  if (await confirmAction({ message: t('fields.deleteConfirm', { label: f.label }), confirmLabel: t('fields.delete'), danger: true })) remove.mutate(f.id);
                }}
              >
                {t('fields.delete')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('fields.title')}
        description={t('fields.description')}
        actions={
          editable ? (
            <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={() => setEditing('new')}>
              {t('fields.add')}
            </Button>
          ) : null
        }
      />
      <Stack gap="xl">
        <DataTable
          label={t('fields.label')}
          columns={columns}
          rows={fields.data ?? []}
          rowKey={(f) => f.id}
          loading={fields.isLoading}
          error={fields.error}
          onRetry={() => void fields.refetch()}
          minWidth={480}
          empty={<EmptyState icon={IconForms} title={t('fields.emptyTitle')} description={t('fields.emptyText')} />}
        />
        {can('organization.update') ? <OptOutKeywords /> : null}
      </Stack>
      <FieldModal field={editing} onClose={() => setEditing(null)} />
    </>
  );
}

/** The organization's opt-out keywords (`settings.contacts.optOutKeywords`). */
function OptOutKeywords() {
  const { t } = useTranslation(['contacts', 'app']);
  const org = useQuery({ queryKey: ['organization'], queryFn: () => unwrap(api.GET('/api/v1/organization')) });
  const [words, setWords] = useState<string[]>([]);
  useEffect(() => {
    if (org.data) setWords(org.data.settings.contacts.optOutKeywords);
  }, [org.data]);
  const save = useApiMutation({
    mutationFn: () => unwrap(api.PATCH('/api/v1/organization', { body: { settings: { contacts: { optOutKeywords: words } } } })),
    invalidate: [['organization']],
    successMessage: t('fields.optOutSaved'),
  });
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4">
            {t('fields.optOutTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('fields.optOutDescription')}
          </Text>
        </div>
        <TagsInput label={t('fields.optOutTitle')} placeholder={t('fields.optOutAdd')} value={words} onChange={setWords} maxTags={50} clearable splitChars={[',']} />
        <Group justify="flex-end">
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!org.data}>
            {t('app:common.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
