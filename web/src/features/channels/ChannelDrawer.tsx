import { Button, Divider, Drawer, Group, Stack, Switch, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../../api/query.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { type Channel, channelKeys, deleteChannel, updateChannel, useChannel } from './api.ts';
import { WebchatSettingsForm } from './WebchatSettingsForm.tsx';
import { WhatsAppSettings } from './WhatsAppSettings.tsx';

/** A channel's settings in a side drawer: name and state, then the type's own settings, then delete. */
export function ChannelDrawer({ channelId, onClose }: { channelId: string | null; onClose: () => void }) {
  const { t } = useTranslation('channels');
  const channel = useChannel(channelId);
  return (
    <Drawer opened={channelId !== null} onClose={onClose} position="right" size="lg" title={channel.data?.name ?? t('manage')}>
      {channel.error ? <ErrorState error={channel.error} onRetry={() => void channel.refetch()} /> : null}
      {channel.isLoading ? <PageLoader /> : null}
      {channel.data ? <ChannelSettings key={`${channel.data.id}:${channel.data.updatedAt}`} channel={channel.data} onDeleted={onClose} /> : null}
    </Drawer>
  );
}

function ChannelSettings({ channel, onDeleted }: { channel: Channel; onDeleted: () => void }) {
  const { t } = useTranslation(['channels', 'app']);
  const form = useForm({ initialValues: { name: channel.name, enabled: channel.status === 'active' } });
  const save = useApiMutation({
    mutationFn: (v: { name: string; enabled: boolean }) => updateChannel(channel.id, { name: v.name.trim(), status: v.enabled ? 'active' : 'disabled' }),
    form,
    errorNs: 'channels',
    invalidate: [channelKeys.all],
    successMessage: t('saved'),
    onSuccess: (c) => form.resetDirty({ name: c.name, enabled: c.status === 'active' }),
  });
  const remove = useApiMutation({
    mutationFn: () => deleteChannel(channel.id),
    invalidate: [channelKeys.all],
    successMessage: t('deleted'),
    onSuccess: onDeleted,
  });
  return (
    <Stack gap="lg">
      <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
        <Stack gap="sm">
          <Title order={3} size="h5">
            {t('drawer.general')}
          </Title>
          <TextInput label={t('fields.name')} required {...form.getInputProps('name')} />
          <Switch label={t('drawer.enabled')} description={t('drawer.enabledHint')} {...form.getInputProps('enabled', { type: 'checkbox' })} />
          <Button type="submit" disabled={!form.isDirty()} loading={save.isPending} style={{ alignSelf: 'flex-start' }}>
            {t('drawer.save')}
          </Button>
        </Stack>
      </form>
      <Divider />
      {channel.type === 'whatsapp' ? <WhatsAppSettings channel={channel} /> : <WebchatSettingsForm channel={channel} />}
      <Divider />
      <Group>
        <Button
          color="red"
          variant="light"
          leftSection={<IconTrash size={16} aria-hidden />}
          loading={remove.isPending}
          onClick={async () => {
            if (await confirmAction({ message: t('drawer.deleteConfirm', { name: channel.name }), confirmLabel: t('drawer.delete'), danger: true })) remove.mutate();
          }}
        >
          {t('drawer.delete')}
        </Button>
      </Group>
    </Stack>
  );
}
