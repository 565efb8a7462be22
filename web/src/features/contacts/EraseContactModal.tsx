import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { type Contact, contactName, keys } from './api.ts';

/**
 * Erasure with a strong confirmation: the consequences spelled out, and the word (ERASE, BORRAR,
 * APAGAR) typed before the red button unlocks.
 */
export function EraseContactModal({ contact, opened, onClose, onErased }: { contact: Contact; opened: boolean; onClose: () => void; onErased: () => void }) {
  const { t } = useTranslation('contacts');
  const [typed, setTyped] = useState('');
  const word = t('erase.word');
  const erase = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/contacts/{id}/erase', { params: { path: { id: contact.id } }, body: { confirm: true } })),
    invalidate: [keys.contacts, keys.groups],
    successMessage: (r) => t('erase.done', r),
    onSuccess: () => {
      setTyped('');
      onClose();
      onErased();
    },
  });
  const close = () => {
    setTyped('');
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('erase.title', { name: contactName(contact) || t('list.unnamed') })}>
      <Stack>
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>
          {t('erase.warning')}
        </Alert>
        <TextInput label={t('erase.typeToConfirm', { word })} value={typed} onChange={(e) => setTyped(e.currentTarget.value)} autoComplete="off" data-autofocus />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('actions.close')}
          </Button>
          <Button color="red" disabled={typed.trim().toUpperCase() !== word} loading={erase.isPending} onClick={() => erase.mutate()}>
            {t('erase.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
