import { ActionIcon, Alert, Anchor, Badge, Button, Grid, Group, Paper, Progress, Select, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconArrowLeft, IconDownload, IconMessage, IconPlayerPause, IconPlayerPlay, IconSend, IconTrash, IconX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { useFormatters } from '../../components/format.ts';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { WhatsAppPreview } from '../templates/WhatsAppPreview.tsx';
import { type CampaignDetails, campaignKeys, RECIPIENT_COLOR, type Recipient, useCampaignEvents } from './api.ts';
import { CampaignStatusBadge } from './CampaignsPage.tsx';

/** A state change of a campaign (pause, resume, cancel, send now), with its toast. */
function useCampaignAction(id: string, action: 'pause' | 'resume' | 'cancel' | 'send', message: string) {
  return useApiMutation({
    mutationFn: () => {
      const params = { params: { path: { id } } };
      if (action === 'pause') return unwrap(api.POST('/api/v1/campaigns/{id}/pause', params));
      if (action === 'resume') return unwrap(api.POST('/api/v1/campaigns/{id}/resume', params));
      if (action === 'cancel') return unwrap(api.POST('/api/v1/campaigns/{id}/cancel', params));
      return unwrap(api.POST('/api/v1/campaigns/{id}/send', params));
    },
    invalidate: [['campaigns']],
    errorNs: 'campaigns',
    successMessage: message,
  });
}

const FILTERS = ['sent', 'delivered', 'read', 'failed', 'replied', 'retrying', 'pending', 'skipped', 'cancelled'] as const;

/**
 * One campaign: totals (messages, sent, delivered, read, failed, replied), the funnel, every recipient
 * with its state and the reason of a failure, the settings and the message as sent; pause, resume,
 * cancel and CSV export; kept live by `campaign.progress` events.
 */
export function CampaignDetailsPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('campaigns');
  const navigate = useNavigate();
  const { dateTime } = useFormatters();
  const [status, setStatus] = useState<string | null>(null);
  const [q, setQ] = useState('');
  useCampaignEvents();
  const details = useQuery({
    queryKey: campaignKeys.one(id),
    queryFn: () => unwrap(api.GET('/api/v1/campaigns/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => (query.state.data?.status === 'sending' ? 5_000 : false),
  });
  const recipients = useCursorList([...campaignKeys.recipients(id), { status, q }], (cursor) =>
    unwrap(api.GET('/api/v1/campaigns/{id}/recipients', { params: { path: { id }, query: { status: (status ?? undefined) as (typeof FILTERS)[number] | undefined, q: q || undefined, cursor } } })),
  );
  const pause = useCampaignAction(id, 'pause', t('details.paused'));
  const resume = useCampaignAction(id, 'resume', t('details.resumed'));
  const cancel = useCampaignAction(id, 'cancel', t('details.cancelled'));
  const send = useCampaignAction(id, 'send', t('wizard.started'));
  const remove = useApiMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/campaigns/{id}', { params: { path: { id } } })),
    invalidate: [['campaigns']],
    errorNs: 'campaigns',
    successMessage: t('details.deleted'),
    onSuccess: () => navigate('/campaigns'),
  });

  if (details.isLoading) return <PageLoader />;
  if (details.error || !details.data) return <ErrorState error={details.error} onRetry={() => void details.refetch()} />;
  const c: CampaignDetails = details.data;
  const s = c.stats;
  const pct = (n: number) => (s.total ? (n / s.total) * 100 : 0);
  const columns: Column<Recipient>[] = [
    { key: 'contact', header: t('details.columns.contact'), render: (r) => <Text size="sm">{r.contactName}</Text> },
    { key: 'phone', header: t('details.columns.phone'), visibleFrom: 'sm', render: (r) => <Text size="sm" ff="monospace">{r.phone}</Text> },
    { key: 'updated', header: t('details.columns.updated'), visibleFrom: 'md', render: (r) => <Text size="sm">{dateTime(r.updatedAt)}</Text> },
    { key: 'retries', header: t('details.columns.retries'), visibleFrom: 'md', align: 'right', render: (r) => <Text size="sm">{r.retries}</Text> },
    {
      key: 'status',
      header: t('details.columns.status'),
      render: (r) => (
        <Group gap={4} wrap="nowrap">
          <Badge color={RECIPIENT_COLOR[r.status] ?? 'gray'} variant="light">
            {t(`details.recipientStatuses.${r.status}`)}
          </Badge>
          {r.repliedAt ? <Badge variant="outline">{t('details.recipientStatuses.replied')}</Badge> : null}
        </Group>
      ),
    },
    { key: 'reason', header: t('details.columns.reason'), visibleFrom: 'sm', render: (r) => <Text size="xs" c="dimmed" maw={320}>{r.reason ?? ''}</Text> },
    {
      key: 'open',
      header: '',
      width: 48,
      render: (r) =>
        r.conversationId ? (
          <Tooltip label={t('details.openConversation')}>
            <ActionIcon component={Link} to={`/inbox/${r.conversationId}`} variant="subtle" aria-label={t('details.openConversation')}>
              <IconMessage size={16} />
            </ActionIcon>
          </Tooltip>
        ) : null,
    },
  ];
  const totals: ['total' | 'sent' | 'delivered' | 'read' | 'failed' | 'replied', string][] = [
    ['total', 'blue'],
    ['sent', 'indigo'],
    ['delivered', 'cyan'],
    ['read', 'teal'],
    ['failed', 'red'],
    ['replied', 'grape'],
  ];
  const audienceText = c.audience.kind === 'all' ? t('details.audienceAll') : c.audience.kind === 'groups' ? t('details.audienceGroups', { n: c.audience.groupIds.length }) : t('details.audienceFilter');
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/campaigns" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={16} aria-hidden />
          {t('details.back')}
        </Group>
      </Anchor>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <Title order={2}>{c.name}</Title>
          <CampaignStatusBadge status={c.status} />
          {c.status === 'sending' ? <Badge color="red" variant="dot">{t('details.live')}</Badge> : null}
        </Group>
        <Group gap="xs">
          {c.status === 'draft' || c.status === 'scheduled' ? <Button leftSection={<IconSend size={16} aria-hidden />} onClick={() => send.mutate()} loading={send.isPending}>{t('details.sendNow')}</Button> : null}
          {c.status === 'sending' ? <Button variant="default" leftSection={<IconPlayerPause size={16} aria-hidden />} onClick={() => pause.mutate()} loading={pause.isPending}>{t('details.pause')}</Button> : null}
          {c.status === 'paused' ? <Button leftSection={<IconPlayerPlay size={16} aria-hidden />} onClick={() => resume.mutate()} loading={resume.isPending}>{t('details.resume')}</Button> : null}
          {['draft', 'scheduled', 'sending', 'paused'].includes(c.status) ? (
            <Button
              variant="subtle"
              color="red"
              leftSection={<IconX size={16} aria-hidden />}
              loading={cancel.isPending}
              onClick={async () => {
                if (await confirmAction({ message: t('details.cancelConfirm', { name: c.name }), confirmLabel: t('details.cancel'), danger: true })) cancel.mutate();
              }}
            >
              {t('details.cancel')}
            </Button>
          ) : null}
          <Button component="a" href={`/api/v1/campaigns/${c.id}/export.csv`} variant="default" leftSection={<IconDownload size={16} aria-hidden />}>
            {t('details.export')}
          </Button>
          {!['sending', 'paused'].includes(c.status) ? (
            <Tooltip label={t('details.delete')}>
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={t('details.delete')}
                onClick={async () => {
                  if (await confirmAction({ message: t('details.deleteConfirm', { name: c.name }), confirmLabel: t('details.delete'), danger: true })) remove.mutate();
                }}
              >
                <IconTrash size={18} />
              </ActionIcon>
            </Tooltip>
          ) : null}
        </Group>
      </Group>
      {c.pauseReason ? <Alert color="orange">{t('details.pauseReason', { message: c.pauseReason.message })}</Alert> : null}
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
        {totals.map(([key, color]) => (
          <Paper key={key} withBorder p="sm">
            <Text size="xs" c="dimmed">
              {t(`details.totals.${key}`)}
            </Text>
            <Text size="xl" fw={700} c={color}>
              {s[key]}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            <Paper withBorder p="md">
              <Text fw={500} mb="xs">
                {t('details.funnel')}
              </Text>
              <Stack gap={6}>
                {(['sent', 'delivered', 'read', 'replied'] as const).map((key) => (
                  <Group key={key} gap="sm" wrap="nowrap">
                    <Text size="sm" w={110}>
                      {t(`details.totals.${key}`)}
                    </Text>
                    <Progress value={pct(s[key])} style={{ flex: 1 }} aria-label={t(`details.totals.${key}`)} />
                    <Text size="sm" w={90} ta="right">
                      {`${pct(s[key]).toFixed(2)}%`}
                    </Text>
                  </Group>
                ))}
              </Stack>
              {c.nextResendAt ? <Text size="sm" c="dimmed" mt="xs">{t('details.nextResend', { when: dateTime(c.nextResendAt) })}</Text> : null}
            </Paper>
            <DataTable
              label={t('details.recipients')}
              columns={columns}
              rows={recipients.items}
              rowKey={(r) => r.id}
              loading={recipients.isLoading}
              error={recipients.error}
              onRetry={recipients.refetch}
              search={{ value: q, onChange: setQ, placeholder: t('details.searchRecipients') }}
              toolbar={<Select aria-label={t('details.columns.status')} placeholder={t('details.allRecipientStatuses')} data={FILTERS.map((f) => ({ value: f, label: t(`details.recipientStatuses.${f}`) }))} value={status} onChange={setStatus} clearable w={200} />}
              hasMore={recipients.hasNextPage}
              onLoadMore={recipients.fetchNextPage}
              loadingMore={recipients.isFetchingNextPage}
              minWidth={760}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md">
            <Paper withBorder p="md">
              <Text fw={500} mb="xs">
                {t('details.settings')}
              </Text>
              <Stack gap={4}>
                <Text size="sm">
                  <b>{t('details.templateLabel')}:</b> {c.template.name} ({c.template.language})
                </Text>
                <Text size="sm">
                  <b>{t('details.audienceLabel')}:</b> {audienceText}
                </Text>
                {c.scheduledAt ? (
                  <Text size="sm">
                    <b>{t('details.scheduledLabel')}:</b> {dateTime(c.scheduledAt)}
                  </Text>
                ) : null}
                {c.startedAt ? (
                  <Text size="sm">
                    <b>{t('details.startedLabel')}:</b> {dateTime(c.startedAt)}
                  </Text>
                ) : null}
                {c.finishedAt ? (
                  <Text size="sm">
                    <b>{t('details.finishedLabel')}:</b> {dateTime(c.finishedAt)}
                  </Text>
                ) : null}
                <Text size="sm">
                  <b>{t('details.excludedLabel')}:</b> {t('details.excluded', { noConsent: c.excluded.noConsent, noPhone: c.excluded.noPhone })}
                </Text>
              </Stack>
            </Paper>
            <Text fw={500}>{t('details.previewAsSent')}</Text>
            <WhatsAppPreview preview={c.preview} label={t('details.previewAsSent')} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
