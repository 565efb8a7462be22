import { ActionIcon, Button, Divider, Group, Menu, Paper, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconFileUpload, IconUserPlus, IconUsersGroup, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { exportUrl, keys, type ListFilters, useAllGroups } from './api.ts';
import { ContactDetails } from './ContactDetails.tsx';
import { ContactForm } from './ContactForm.tsx';

/** Props of the right side of the split panel. */
export interface ContactSidePanelProps {
  panel: 'actions' | 'add' | 'contact';
  contactId: string | null;
  filters: ListFilters;
  onAdd: () => void;
  onImport: () => void;
  onClose: () => void;
  onCreated: (id: string) => void;
}

/** The right side of the split panel: the actions, the "Add contact" form, or the selected contact. */
export function ContactSidePanel({ panel, contactId, filters, onAdd, onImport, onClose, onCreated }: ContactSidePanelProps) {
  const { t } = useTranslation('contacts');
  if (panel === 'contact' && contactId) return <ContactDetails id={contactId} onClose={onClose} />;
  if (panel === 'add') {
    return (
      <Paper withBorder radius="md" p="md">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4">
            {t('form.addTitle')}
          </Title>
          <ActionIcon variant="subtle" onClick={onClose} aria-label={t('actions.close')}>
            <IconX size={18} />
          </ActionIcon>
        </Group>
        <ContactForm contact={null} compact onSaved={(c) => onCreated(c.id)} />
      </Paper>
    );
  }
  return <ActionsPanel filters={filters} onAdd={onAdd} onImport={onImport} />;
}

function ActionsPanel({ filters, onAdd, onImport }: { filters: ListFilters; onAdd: () => void; onImport: () => void }) {
  const { t, i18n } = useTranslation('contacts');
  const { can } = useMember();
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} size="h4" mb="sm">
        {t('actions.title')}
      </Title>
      <Stack gap="sm">
        {can('contacts.write') ? (
          <Button leftSection={<IconUserPlus size={18} aria-hidden />} onClick={onAdd} fullWidth>
            {t('actions.add')}
          </Button>
        ) : null}
        {can('contacts.import') ? (
          <Button variant="light" leftSection={<IconFileUpload size={18} aria-hidden />} onClick={onImport} fullWidth>
            {t('actions.bulk')}
          </Button>
        ) : null}
        {can('contacts.export') ? (
          <>
            <Divider />
            <Text size="xs" c="dimmed">
              {t('actions.exportHint')}
            </Text>
            <Stack gap="xs">
              <Button component="a" variant="default" href={exportUrl('csv', filters, i18n.language)} download fullWidth leftSection={<IconDownload size={16} aria-hidden />}>
                {t('actions.exportCsv')}
              </Button>
              <Button component="a" variant="default" href={exportUrl('xlsx', filters, i18n.language)} download fullWidth leftSection={<IconDownload size={16} aria-hidden />}>
                {t('actions.exportXlsx')}
              </Button>
            </Stack>
          </>
        ) : null}
        {can('contacts.write') ? <BulkGroups filters={filters} /> : null}
      </Stack>
    </Paper>
  );
}

/** Adds every contact matching the current filters to a group, or removes them from it. */
function BulkGroups({ filters }: { filters: ListFilters }) {
  const { t } = useTranslation('contacts');
  const groups = useAllGroups();
  const [action, setAction] = useState<'add' | 'remove'>('add');
  const change = useApiMutation({
    mutationFn: (groupId: string) =>
      unwrap(
        api.POST('/api/v1/contacts/bulk-groups', {
          body: {
            action,
            groupIds: [groupId],
            filter: {
              ...(filters.q ? { q: filters.q } : {}),
              ...(filters.groupId ? { groupIds: [filters.groupId] } : {}),
              ...(filters.consent ? { marketingConsent: filters.consent } : {}),
            },
          },
        }),
      ),
    invalidate: [keys.contacts, keys.groups],
    successMessage: (r) => t('groups.bulkDone', { count: r.changed }),
  });
  const items = (groups.data ?? []).map((g) => (
    <Menu.Item key={g.id} onClick={() => change.mutate(g.id)}>
      {g.name}
    </Menu.Item>
  ));
  return (
    <>
      <Divider />
      <Text size="xs" c="dimmed">
        {t('groups.bulkHint')}
      </Text>
      <Stack gap="xs">
        {(['add', 'remove'] as const).map((a) => (
          <Menu key={a} shadow="md" position="bottom-start" onOpen={() => setAction(a)} disabled={!items.length}>
            <Menu.Target>
              <Button variant="default" fullWidth leftSection={<IconUsersGroup size={16} aria-hidden />} loading={change.isPending && action === a} disabled={!items.length}>
                {a === 'add' ? t('groups.addToGroup') : t('groups.removeFromGroup')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown mah={300} style={{ overflowY: 'auto' }}>
              {items}
            </Menu.Dropdown>
          </Menu>
        ))}
      </Stack>
    </>
  );
}
