import { Accordion, Button, NumberInput, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../../api/query.ts';
import { type Channel, type ChannelPatch, channelKeys, updateChannel } from './api.ts';
import { CheckConnection } from './CheckConnection.tsx';
import { WebhookValues } from './WebhookValues.tsx';

interface Values {
  phoneNumberId: string;
  wabaId: string;
  appId: string;
  accessToken: string;
  appSecret: string;
  graphApiUrl: string;
  graphApiVersion: string;
  throughputMps: number;
}

const valuesOf = (c: Channel): Values => ({
  phoneNumberId: c.phoneNumberId ?? '',
  wabaId: c.wabaId ?? '',
  appId: c.appId ?? '',
  accessToken: '',
  appSecret: '',
  graphApiUrl: c.graphApiUrl ?? '',
  graphApiVersion: c.graphApiVersion ?? '',
  throughputMps: c.throughputMps,
});

/** A WhatsApp channel: the webhook values for Meta, the connection check, and the Meta credentials (secrets write-only). */
export function WhatsAppSettings({ channel }: { channel: Channel }) {
  const { t } = useTranslation('channels');
  const form = useForm<Values>({ initialValues: valuesOf(channel) });
  const hint = (h: { isSet: boolean; last4: string | null } | undefined) =>
    h?.isSet ? `${h.last4 ? t('fields.storedSecret', { last4: h.last4 }) : t('fields.storedSecretShort')} · ${t('fields.keepHint')}` : t('fields.notStored');
  const save = useApiMutation({
    mutationFn: (v: Values) => {
      const patch: ChannelPatch = {};
      const initial = valuesOf(channel);
      if (v.phoneNumberId !== initial.phoneNumberId) patch.phoneNumberId = v.phoneNumberId.trim();
      if (v.wabaId !== initial.wabaId) patch.wabaId = v.wabaId.trim();
      if (v.appId !== initial.appId) patch.appId = v.appId.trim() || null;
      if (v.accessToken.trim()) patch.accessToken = v.accessToken.trim();
      if (v.appSecret.trim()) patch.appSecret = v.appSecret.trim();
      if (v.graphApiUrl !== initial.graphApiUrl && v.graphApiUrl.trim()) patch.graphApiUrl = v.graphApiUrl.trim();
      if (v.graphApiVersion !== initial.graphApiVersion && v.graphApiVersion.trim()) patch.graphApiVersion = v.graphApiVersion.trim();
      if (v.throughputMps !== initial.throughputMps) patch.throughputMps = v.throughputMps;
      return updateChannel(channel.id, patch);
    },
    form,
    errorNs: 'channels',
    invalidate: [channelKeys.all],
    successMessage: t('saved'),
    onSuccess: (c) => {
      form.setInitialValues(valuesOf(c));
      form.reset();
    },
  });
  return (
    <Stack gap="lg">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('webhook.title')}
        </Title>
        <WebhookValues channel={channel} allowRegenerate />
      </Stack>
      <CheckConnection channelId={channel.id} last={channel.lastCheck} />
      <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
        <Accordion variant="contained">
          <Accordion.Item value="credentials">
            <Accordion.Control>{t('connect.stepCredentials')}</Accordion.Control>
            <Accordion.Panel>
              <Stack gap="sm">
                <TextInput label={t('fields.phoneNumberId')} description={t('fields.phoneNumberIdHint')} inputMode="numeric" {...form.getInputProps('phoneNumberId')} />
                <TextInput label={t('fields.wabaId')} inputMode="numeric" {...form.getInputProps('wabaId')} />
                <TextInput label={t('fields.appId')} inputMode="numeric" {...form.getInputProps('appId')} />
                <PasswordInput label={t('fields.replaceToken')} description={hint(channel.credentials?.accessToken)} autoComplete="off" {...form.getInputProps('accessToken')} />
                <PasswordInput label={t('fields.replaceSecret')} description={hint(channel.credentials?.appSecret)} autoComplete="off" {...form.getInputProps('appSecret')} />
                <TextInput label={t('fields.graphApiUrl')} description={t('fields.graphApiUrlHint')} {...form.getInputProps('graphApiUrl')} />
                <TextInput label={t('fields.graphApiVersion')} {...form.getInputProps('graphApiVersion')} />
                <NumberInput label={t('fields.throughputMps')} description={t('fields.throughputHint')} min={1} max={1000} {...form.getInputProps('throughputMps')} />
                <Button type="submit" disabled={!form.isDirty()} loading={save.isPending} style={{ alignSelf: 'flex-start' }}>
                  {t('drawer.save')}
                </Button>
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      </form>
    </Stack>
  );
}
