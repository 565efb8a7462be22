import { ActionIcon, Avatar, Button, FileButton, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconDownload, IconEraser, IconPhoto, IconTrash, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { confirmAction } from '../../components/confirm.tsx';
import { useFormatters } from '../../components/format.ts';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { type Contact, contactName, keys, uploadWithProgress } from './api.ts';
import { ConsentHistory } from './ConsentHistory.tsx';
import { ContactForm } from './ContactForm.tsx';
import { EraseContactModal } from './EraseContactModal.tsx';

/** The selected contact in the split panel: photo, the editable form, consent, and data requests. */
export function ContactDetails({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation('contacts');
  const { can } = useMember();
  const { relative } = useFormatters();
  const contact = useQuery({ queryKey: keys.contact(id), queryFn: () => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } })) });
  const [erasing, setErasing] = useState(false);
  const remove = useApiMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/contacts/{id}', { params: { path: { id } } })),
    invalidate: [keys.contacts, keys.groups],
    successMessage: t('details.deleted'),
    onSuccess: onClose,
  });
  if (contact.isLoading) return <PageLoader />;
  if (!contact.data) return <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />;
  const c = contact.data;
  const name = contactName(c) || t('list.unnamed');

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="md">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Photo contact={c} name={name} editable={can('contacts.write')} />
            <div style={{ minWidth: 0 }}>
              <Title order={2} size="h4" style={{ overflowWrap: 'anywhere' }}>
                {name}
              </Title>
              <Text size="xs" c="dimmed">
                {t('details.source')}: {t(`details.sources.${c.source}`)} · {t('details.lastSeen')}: {c.lastSeenAt ? relative(c.lastSeenAt) : t('details.never')}
              </Text>
            </div>
          </Group>
          <ActionIcon variant="subtle" onClick={onClose} aria-label={t('actions.close')}>
            <IconX size={18} />
          </ActionIcon>
        </Group>
        {can('contacts.write') ? <ContactForm contact={c} compact /> : null}
        <ConsentHistory contact={c} />
        {can('contacts.export') || can('contacts.erase') || can('contacts.write') ? (
          <Stack gap="xs">
            <Text fw={600} size="sm">
              {t('details.dataRights')}
            </Text>
            <Group gap="xs">
              {can('contacts.export') ? (
                <Button component="a" href={`/api/v1/contacts/${c.id}/export`} download size="xs" variant="default" leftSection={<IconDownload size={14} aria-hidden />}>
                  {t('details.exportData')}
                </Button>
              ) : null}
              {can('contacts.erase') ? (
                <Button size="xs" color="red" variant="light" leftSection={<IconEraser size={14} aria-hidden />} onClick={() => setErasing(true)}>
                  {t('details.erase')}
                </Button>
              ) : null}
              {can('contacts.write') ? (
                <Button
                  size="xs"
                  color="red"
                  variant="subtle"
                  leftSection={<IconTrash size={14} aria-hidden />}
                  loading={remove.isPending}
                  onClick={async () => {
                    if (await confirmAction({ message: t('details.deleteConfirm', { name }), confirmLabel: t('details.delete'), danger: true })) remove.mutate();
                  }}
                >
                  {t('details.delete')}
                </Button>
              ) : null}
            </Group>
          </Stack>
        ) : null}
      </Stack>
      <EraseContactModal contact={c} opened={erasing} onClose={() => setErasing(false)} onErased={onClose} />
    </Paper>
  );
}

/** The profile photo with "Change photo" (JPEG, PNG, WebP, GIF up to 5 MB) and "Remove photo". */
function Photo({ contact, name, editable }: { contact: Contact; name: string; editable: boolean }) {
  const { t } = useTranslation('contacts');
  const { session } = useMember();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: keys.contacts });
  };
  const upload = async (file: File | null) => {
    if (!file) return;
    setBusy(true);
    try {
      await uploadWithProgress(`/api/v1/contacts/${contact.id}/photo`, 'PUT', file, { csrfToken: session.csrfToken, expect: 200 });
      await refresh();
      notifySuccess(t('photo.updated'));
    } catch (error) {
      notifyError(error, { ns: 'contacts' });
    } finally {
      setBusy(false);
    }
  };
  const remove = useApiMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/contacts/{id}/photo', { params: { path: { id: contact.id } } })),
    invalidate: [keys.contacts],
    successMessage: t('photo.removed'),
  });
  return (
    <Stack gap={4} align="center">
      <Avatar
        size={56}
        radius="xl"
        color="teal"
        src={contact.hasPhoto ? `/api/v1/contacts/${contact.id}/photo?v=${encodeURIComponent(contact.updatedAt)}` : undefined}
        alt={t('photo.alt', { name })}
      >
        {name.slice(0, 1).toUpperCase()}
      </Avatar>
      {editable ? (
        <Group gap={2}>
          <FileButton onChange={(f) => void upload(f)} accept="image/png,image/jpeg,image/webp,image/gif">
            {(props) => (
              <ActionIcon {...props} size="sm" variant="subtle" loading={busy} aria-label={t('photo.change')} title={t('photo.change')}>
                <IconPhoto size={14} />
              </ActionIcon>
            )}
          </FileButton>
          {contact.hasPhoto ? (
            <ActionIcon size="sm" variant="subtle" color="red" onClick={() => remove.mutate()} aria-label={t('photo.remove')} title={t('photo.remove')}>
              <IconTrash size={14} />
            </ActionIcon>
          ) : null}
        </Group>
      ) : null}
    </Stack>
  );
}
