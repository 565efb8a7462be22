import { Accordion, Alert, Button, Group, Loader, Modal, NumberInput, PasswordInput, Stack, Stepper, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconCircleCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../../api/query.ts';
import { i18n } from '../../i18n/index.ts';
import { type Channel, channelKeys, createChannel, useChannel } from './api.ts';
import { CheckConnection } from './CheckConnection.tsx';
import { WebhookValues } from './WebhookValues.tsx';

interface Values {
  name: string;
  phoneNumberId: string;
  wabaId: string;
  appId: string;
  accessToken: string;
  appSecret: string;
  graphApiUrl: string;
  graphApiVersion: string;
  throughputMps: number;
}

const digits = (label: string) => (value: string) => (/^\d{5,32}$/.test(value.trim()) ? null : i18n.t('app:validation.required', { field: label }));

/**
 * "Connect WhatsApp", in the order of Chatforse's setup guide: the five values from Meta, then the
 * callback URL and verify token to paste in Meta (waiting for its verification), then a connection check.
 */
export function ConnectWhatsAppModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('channels');
  const [created, setCreated] = useState<Channel | null>(null);
  const [step, setStep] = useState(0);
  const close = () => {
    onClose();
    setCreated(null);
    setStep(0);
  };
  return (
    <Modal opened={opened} onClose={close} title={t('connect.title')} size="lg">
      <Stepper active={step} size="sm" allowNextStepsSelect={false} onStepClick={setStep}>
        <Stepper.Step label={t('connect.stepCredentials')}>
          <CredentialsStep
            onCreated={(c) => {
              setCreated(c);
              setStep(1);
            }}
          />
        </Stepper.Step>
        <Stepper.Step label={t('connect.stepWebhook')}>{created ? <WebhookStep channelId={created.id} onNext={() => setStep(2)} /> : null}</Stepper.Step>
        <Stepper.Step label={t('connect.stepCheck')}>
          {created ? (
            <Stack>
              <Text size="sm">{t('connect.checkIntro')}</Text>
              <CheckConnection channelId={created.id} />
              <Group justify="flex-end">
                <Button onClick={close}>{t('connect.done')}</Button>
              </Group>
            </Stack>
          ) : null}
        </Stepper.Step>
      </Stepper>
    </Modal>
  );
}

function CredentialsStep({ onCreated }: { onCreated: (channel: Channel) => void }) {
  const { t } = useTranslation(['channels', 'app']);
  const form = useForm<Values>({
    initialValues: { name: '', phoneNumberId: '', wabaId: '', appId: '', accessToken: '', appSecret: '', graphApiUrl: '', graphApiVersion: '', throughputMps: 80 },
    validate: {
      name: (v) => (v.trim() ? null : t('app:validation.required')),
      phoneNumberId: digits(t('fields.phoneNumberId')),
      wabaId: digits(t('fields.wabaId')),
      appId: (v) => (!v.trim() || /^\d{5,32}$/.test(v.trim()) ? null : t('app:validation.required')),
      accessToken: (v) => (v.trim().length >= 8 ? null : t('app:validation.required')),
      appSecret: (v) => (v.trim().length >= 8 ? null : t('app:validation.required')),
    },
  });
  const save = useApiMutation({
    mutationFn: (v: Values) =>
      createChannel({
        type: 'whatsapp',
        name: v.name.trim(),
        phoneNumberId: v.phoneNumberId.trim(),
        wabaId: v.wabaId.trim(),
        appId: v.appId.trim() || undefined,
        accessToken: v.accessToken.trim(),
        appSecret: v.appSecret.trim(),
        graphApiUrl: v.graphApiUrl.trim() || undefined,
        graphApiVersion: v.graphApiVersion.trim() || undefined,
        throughputMps: v.throughputMps,
      }),
    form,
    errorNs: 'channels',
    invalidate: [channelKeys.all],
    successMessage: t('created'),
    onSuccess: (channel) => onCreated(channel),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack gap="sm" mt="md">
        <Text size="sm" c="dimmed">
          {t('connect.intro')}
        </Text>
        <TextInput label={t('fields.name')} description={t('fields.nameHint')} required data-autofocus {...form.getInputProps('name')} />
        <TextInput label={t('fields.phoneNumberId')} description={t('fields.phoneNumberIdHint')} required inputMode="numeric" {...form.getInputProps('phoneNumberId')} />
        <TextInput label={t('fields.wabaId')} description={t('fields.wabaIdHint')} required inputMode="numeric" {...form.getInputProps('wabaId')} />
        <TextInput label={t('fields.appId')} description={t('fields.appIdHint')} inputMode="numeric" {...form.getInputProps('appId')} />
        <PasswordInput label={t('fields.accessToken')} description={t('fields.accessTokenHint')} required autoComplete="off" {...form.getInputProps('accessToken')} />
        <PasswordInput label={t('fields.appSecret')} description={t('fields.appSecretHint')} required autoComplete="off" {...form.getInputProps('appSecret')} />
        <Accordion variant="contained">
          <Accordion.Item value="advanced">
            <Accordion.Control>{t('fields.advanced')}</Accordion.Control>
            <Accordion.Panel>
              <Stack gap="sm">
                <TextInput label={t('fields.graphApiUrl')} description={t('fields.graphApiUrlHint')} placeholder="https://graph.facebook.com" {...form.getInputProps('graphApiUrl')} />
                <TextInput label={t('fields.graphApiVersion')} placeholder="v25.0" {...form.getInputProps('graphApiVersion')} />
                <NumberInput label={t('fields.throughputMps')} description={t('fields.throughputHint')} min={1} max={1000} {...form.getInputProps('throughputMps')} />
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            {t('connect.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function WebhookStep({ channelId, onNext }: { channelId: string; onNext: () => void }) {
  const { t } = useTranslation('channels');
  const channel = useChannel(channelId, 3000);
  const verified = Boolean(channel.data?.webhookVerifiedAt);
  return (
    <Stack mt="md">
      <Text size="sm">{t('connect.webhookIntro')}</Text>
      {channel.data ? <WebhookValues channel={channel.data} /> : <Loader size="sm" />}
      {verified ? (
        <Alert color="teal" icon={<IconCircleCheck size={18} />}>
          {t('connect.verified')}
        </Alert>
      ) : (
        <Group gap="xs" role="status">
          <Loader size="xs" />
          <Text size="sm" c="dimmed">
            {t('connect.waiting')}
          </Text>
        </Group>
      )}
      <Group justify="flex-end">
        {!verified ? (
          <Button variant="subtle" onClick={onNext}>
            {t('connect.skip')}
          </Button>
        ) : null}
        <Button onClick={onNext} disabled={!verified}>
          {t('connect.next')}
        </Button>
      </Group>
    </Stack>
  );
}
