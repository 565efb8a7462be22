import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBrandWhatsapp, IconCircleCheck, IconClockHour4, IconMessageCircle, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { type Channel, useChannels } from './api.ts';
import { ChannelDrawer } from './ChannelDrawer.tsx';
import { ConnectWhatsAppModal } from './ConnectWhatsAppModal.tsx';
import { NewWebchatModal } from './NewWebchatModal.tsx';

/** Settings → Channels: WhatsApp numbers and website chats, how to connect them and their state. */
export function ChannelsPage() {
  const { t } = useTranslation('channels');
  const list = useChannels();
  const [connecting, whatsapp] = useDisclosure();
  const [adding, webchat] = useDisclosure();
  const [selected, setSelected] = useState<string | null>(null);
  const actions = (
    <>
      <Button leftSection={<IconBrandWhatsapp size={18} aria-hidden />} onClick={whatsapp.open}>
        {t('connectWhatsApp')}
      </Button>
      <Button variant="light" leftSection={<IconPlus size={18} aria-hidden />} onClick={webchat.open}>
        {t('addWebchat')}
      </Button>
    </>
  );
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} actions={actions} />
      {list.error ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.isLoading ? <PageLoader /> : null}
      {list.data?.length === 0 ? <EmptyState icon={IconMessageCircle} title={t('empty.title')} description={t('empty.description')} action={<Group>{actions}</Group>} /> : null}
      {list.data?.length ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          {list.data.map((c) => (
            <ChannelCard key={c.id} channel={c} onManage={() => setSelected(c.id)} />
          ))}
        </SimpleGrid>
      ) : null}
      <ConnectWhatsAppModal opened={connecting} onClose={whatsapp.close} />
      <NewWebchatModal opened={adding} onClose={webchat.close} onCreated={(id) => setSelected(id)} />
      <ChannelDrawer channelId={selected} onClose={() => setSelected(null)} />
    </>
  );
}

function ChannelCard({ channel, onManage }: { channel: Channel; onManage: () => void }) {
  const { t } = useTranslation('channels');
  const { relative, dateTime } = useFormatters();
  const whatsapp = channel.type === 'whatsapp';
  return (
    <Card padding="lg" withBorder>
      <Stack gap="sm" h="100%">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <ThemeIcon size="lg" radius="md" variant="light" color={whatsapp ? 'teal' : 'indigo'} aria-hidden>
              {whatsapp ? <IconBrandWhatsapp size={20} /> : <IconMessageCircle size={20} />}
            </ThemeIcon>
            <div style={{ minWidth: 0 }}>
              <Text fw={600} truncate>
                {channel.name}
              </Text>
              <Text size="sm" c="dimmed" truncate>
                {whatsapp ? (channel.displayPhoneNumber ?? channel.phoneNumberId) : t('type.webchat')}
              </Text>
            </div>
          </Group>
          <Badge variant="light" color={channel.status === 'active' ? 'teal' : 'gray'} miw="max-content">
            {t(`status.${channel.status}`)}
          </Badge>
        </Group>
        {whatsapp ? (
          <Group gap={6}>
            {channel.webhookVerifiedAt ? <IconCircleCheck size={16} color="var(--mantine-color-teal-6)" aria-hidden /> : <IconClockHour4 size={16} aria-hidden />}
            <Text size="sm" c="dimmed">
              {channel.webhookVerifiedAt ? t('webhookVerified') : t('webhookPending')}
            </Text>
          </Group>
        ) : null}
        {channel.lastCheck ? (
          <Tooltip label={channel.lastCheck.message} multiline w={300}>
            <Badge variant="dot" color={channel.lastCheck.ok ? 'teal' : 'red'} style={{ alignSelf: 'flex-start' }}>
              {channel.lastCheck.ok ? t('check.ok') : t('check.failed')}
            </Badge>
          </Tooltip>
        ) : null}
        {channel.lastWebhookAt ? (
          <Text size="xs" c="dimmed" title={dateTime(channel.lastWebhookAt)}>
            {t('lastMessage', { when: relative(channel.lastWebhookAt) })}
          </Text>
        ) : null}
        <Button variant="default" onClick={onManage} mt="auto" style={{ alignSelf: 'flex-start' }} aria-label={`${t('manage')}: ${channel.name}`}>
          {t('manage')}
        </Button>
      </Stack>
    </Card>
  );
}
