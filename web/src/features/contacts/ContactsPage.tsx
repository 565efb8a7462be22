import { Grid, Tabs } from '@mantine/core';
import { IconAddressBook, IconUsersGroup } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/PageHeader.tsx';
import type { ListFilters } from './api.ts';
import { ContactList } from './ContactList.tsx';
import { ContactSidePanel } from './ContactSidePanel.tsx';
import { GroupsTab } from './GroupsTab.tsx';
import { ImportWizard } from './ImportWizard.tsx';

/**
 * Contacts: "All contacts" is a split screen — the list (search, group and consent filters, sort) on
 * the left and, on the right, the actions (add, bulk upload, export) or the selected contact. "Groups"
 * lists groups with their counts and its own bulk upload. State lives in the URL (`?tab`, `?q`,
 * `?group`, `?consent`, `?contact`, `?panel`) so every view can be linked.
 */
export function ContactsPage() {
  const { t } = useTranslation('contacts');
  const [params, setParams] = useSearchParams();
  const [importGroup, setImportGroup] = useState<string | null | undefined>(undefined);
  const tab = params.get('tab') === 'groups' ? 'groups' : 'all';
  const consent = params.get('consent');
  const filters: ListFilters = {
    q: params.get('q') ?? '',
    groupId: params.get('group'),
    consent: consent === 'granted' || consent === 'revoked' || consent === 'unknown' ? consent : null,
  };
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };
  const selected = params.get('contact');
  const panel = params.get('panel') === 'add' ? 'add' : selected ? 'contact' : 'actions';

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Tabs value={tab} onChange={(v) => update({ tab: v === 'groups' ? 'groups' : null })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="all" leftSection={<IconAddressBook size={16} aria-hidden />}>
            {t('tabs.all')}
          </Tabs.Tab>
          <Tabs.Tab value="groups" leftSection={<IconUsersGroup size={16} aria-hidden />}>
            {t('tabs.groups')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="all">
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 7, lg: 8 }}>
              <ContactList
                filters={filters}
                sort={params.get('sort')}
                selectedId={selected}
                onFilters={(f) => update({ q: f.q, group: f.groupId, consent: f.consent })}
                onSort={(s) => update({ sort: s })}
                onSelect={(id) => update({ contact: id, panel: null })}
                onAdd={() => update({ panel: 'add', contact: null })}
                onImport={() => setImportGroup(null)}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 5, lg: 4 }}>
              <ContactSidePanel
                panel={panel}
                contactId={selected}
                filters={filters}
                onAdd={() => update({ panel: 'add', contact: null })}
                onImport={() => setImportGroup(filters.groupId)}
                onClose={() => update({ panel: null, contact: null })}
                onCreated={(id) => update({ panel: null, contact: id })}
              />
            </Grid.Col>
          </Grid>
        </Tabs.Panel>
        <Tabs.Panel value="groups">
          <GroupsTab onImport={(groupId) => setImportGroup(groupId)} onOpenGroup={(groupId) => update({ tab: null, group: groupId })} />
        </Tabs.Panel>
      </Tabs>
      <ImportWizard opened={importGroup !== undefined} groupId={importGroup ?? null} onClose={() => setImportGroup(undefined)} />
    </>
  );
}
