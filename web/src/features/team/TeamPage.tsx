import { Button, Tabs } from '@mantine/core';
import { IconMail, IconMailForward, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useMember } from '../../app/session.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { InvitationsTab } from './InvitationsTab.tsx';
import { InviteModal } from './InviteModal.tsx';
import { MembersTab } from './MembersTab.tsx';
import { OutboxTab } from './OutboxTab.tsx';

const TABS = ['members', 'invitations', 'outbox'] as const;
type Tab = (typeof TABS)[number];

/** Settings → Team: members, pending invitations and (owners) the e-mail outbox. `?tab=` and `?invite=1` deep-link. */
export function TeamPage() {
  const { t } = useTranslation('team');
  const { can } = useMember();
  const [params, setParams] = useSearchParams();
  const canInvite = can('team.invite');
  const available = TABS.filter((tab) => tab === 'members' || (tab === 'invitations' ? canInvite : can('mail.read')));
  const tab: Tab = available.find((x) => x === params.get('tab')) ?? 'members';
  const inviting = canInvite && params.get('invite') === '1';

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };
  const openInvite = () => update({ invite: '1' });

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canInvite ? (
            <Button leftSection={<IconUserPlus size={18} aria-hidden />} onClick={openInvite}>
              {t('invite.button')}
            </Button>
          ) : null
        }
      />
      <Tabs value={tab} onChange={(value) => update({ tab: value === 'members' ? null : value })} keepMounted={false}>
        <Tabs.List mb="md" style={{ flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden' }}>
          <Tabs.Tab value="members" leftSection={<IconUsers size={16} aria-hidden />}>
            {t('tabs.members')}
          </Tabs.Tab>
          {available.includes('invitations') ? (
            <Tabs.Tab value="invitations" leftSection={<IconMailForward size={16} aria-hidden />}>
              {t('tabs.invitations')}
            </Tabs.Tab>
          ) : null}
          {available.includes('outbox') ? (
            <Tabs.Tab value="outbox" leftSection={<IconMail size={16} aria-hidden />}>
              {t('tabs.outbox')}
            </Tabs.Tab>
          ) : null}
        </Tabs.List>
        <Tabs.Panel value="members">
          <MembersTab />
        </Tabs.Panel>
        <Tabs.Panel value="invitations">
          <InvitationsTab onInvite={openInvite} />
        </Tabs.Panel>
        <Tabs.Panel value="outbox">
          <OutboxTab />
        </Tabs.Panel>
      </Tabs>
      {canInvite ? <InviteModal opened={inviting} onClose={() => update({ invite: null })} /> : null}
    </>
  );
}
