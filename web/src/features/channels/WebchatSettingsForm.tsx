import { Anchor, Button, Checkbox, ColorInput, SegmentedControl, Select, Stack, Switch, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconExternalLink } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../../api/query.ts';
import { CopyField } from '../../components/CopyField.tsx';
import { type Channel, channelKeys, updateChannel } from './api.ts';

type Settings = NonNullable<Channel['settings']>;

/** A website chat: its appearance, pre-chat form, allowed sites, and the snippet to embed it. */
export function WebchatSettingsForm({ channel }: { channel: Channel }) {
  const { t } = useTranslation(['channels', 'app']);
  const settings = channel.settings!;
  const form = useForm<Settings>({ initialValues: structuredClone(settings) });
  const save = useApiMutation({
    mutationFn: (v: Settings) => updateChannel(channel.id, { settings: v }),
    form,
    rename: { 'body.settings': 'body' },
    errorNs: 'channels',
    invalidate: [channelKeys.all],
    successMessage: t('saved'),
  });
  const prechat = form.values.preChatForm.enabled;
  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t('webchat.embed')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('webchat.embedHint')}
        </Text>
        <CopyField value={channel.embedSnippet ?? ''} label={t('webchat.copySnippet')} block />
        {channel.publicId ? (
          <Anchor href={`/webchat/${channel.publicId}/try`} target="_blank" rel="noopener" size="sm">
            <IconExternalLink size={14} aria-hidden /> {t('webchat.open')}
          </Anchor>
        ) : null}
      </Stack>
      <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
        <Stack gap="sm">
          <Title order={3} size="h5">
            {t('webchat.appearance')}
          </Title>
          <TextInput label={t('webchat.chatTitle')} maxLength={60} {...form.getInputProps('title')} />
          <Textarea label={t('webchat.greeting')} description={t('webchat.greetingHint')} autosize minRows={2} maxLength={500} {...form.getInputProps('greeting')} />
          <ColorInput label={t('webchat.color')} format="hex" swatches={['#0B7A75', '#25D366', '#1C7ED6', '#7048E8', '#E8590C', '#212529']} {...form.getInputProps('primaryColor')} />
          <div>
            <Text size="sm" fw={500} id="webchat-position">
              {t('webchat.position')}
            </Text>
            <SegmentedControl
              aria-labelledby="webchat-position"
              data={[
                { value: 'left', label: t('webchat.left') },
                { value: 'right', label: t('webchat.right') },
              ]}
              {...form.getInputProps('position')}
            />
          </div>
          <Select
            label={t('webchat.language')}
            allowDeselect={false}
            data={[
              { value: 'auto', label: t('webchat.auto') },
              { value: 'es', label: 'Español' },
              { value: 'pt-BR', label: 'Português (Brasil)' },
              { value: 'en', label: 'English' },
            ]}
            {...form.getInputProps('locale')}
          />
          <Switch label={t('webchat.preChat')} {...form.getInputProps('preChatForm.enabled', { type: 'checkbox' })} />
          {prechat ? (
            <Stack gap={6} pl="lg">
              <Checkbox label={t('webchat.nameRequired')} {...form.getInputProps('preChatForm.nameRequired', { type: 'checkbox' })} />
              <Checkbox label={t('webchat.emailRequired')} {...form.getInputProps('preChatForm.emailRequired', { type: 'checkbox' })} />
            </Stack>
          ) : null}
          <TagsInput label={t('webchat.origins')} description={t('webchat.originsHint')} placeholder={t('webchat.originsPlaceholder')} {...form.getInputProps('allowedOrigins')} />
          <Button type="submit" disabled={!form.isDirty()} loading={save.isPending} style={{ alignSelf: 'flex-start' }}>
            {t('drawer.save')}
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
