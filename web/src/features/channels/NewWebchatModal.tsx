import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../../api/query.ts';
import { channelKeys, createChannel } from './api.ts';

/** "Add website chat": a name now; appearance and the embed snippet in the channel's drawer right after. */
export function NewWebchatModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation(['channels', 'app']);
  const form = useForm({ initialValues: { name: '' }, validate: { name: (v) => (v.trim() ? null : t('app:validation.required')) } });
  const save = useApiMutation({
    mutationFn: (v: { name: string }) => createChannel({ type: 'webchat', name: v.name.trim() }),
    form,
    errorNs: 'channels',
    invalidate: [channelKeys.all],
    successMessage: t('created'),
    onSuccess: (channel) => {
      form.reset();
      onClose();
      onCreated(channel.id);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('addWebchat')}>
      <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
        <Stack>
          <TextInput label={t('fields.name')} description={t('fields.nameHint')} required data-autofocus {...form.getInputProps('name')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app:common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('app:common.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
