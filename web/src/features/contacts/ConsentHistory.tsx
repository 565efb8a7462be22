import { Badge, Button, Group, Modal, SegmentedControl, Stack, Text, Textarea, Timeline } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconCircleCheck, IconCircleX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { useFormatters } from '../../components/format.ts';
import { type Contact, keys } from './api.ts';

type Purpose = 'marketing' | 'service';

/** Current marketing and service consent, the ledger (when, how, what was shown, who), and recording a decision. */
export function ConsentHistory({ contact }: { contact: Contact }) {
  const { t } = useTranslation('contacts');
  const { can } = useMember();
  const { dateTime } = useFormatters();
  const [recording, setRecording] = useState<'granted' | 'revoked' | null>(null);
  const ledger = useQuery({
    queryKey: keys.consents(contact.id),
    queryFn: async () => (await unwrap(api.GET('/api/v1/contacts/{id}/consents', { params: { path: { id: contact.id } } }))).items,
  });
  const badge = (state: 'granted' | 'revoked' | null) => (
    <Badge color={state === 'granted' ? 'teal' : state === 'revoked' ? 'red' : 'gray'} variant="light">
      {t(`consent.${state ?? 'unknown'}`)}
    </Badge>
  );

  return (
    <Stack gap="xs">
      <Text fw={600} size="sm">
        {t('consents.title')}
      </Text>
      <Group gap="lg">
        <Group gap={6}>
          <Text size="sm">{t('consents.marketing')}</Text>
          {badge(contact.marketingConsent)}
        </Group>
        <Group gap={6}>
          <Text size="sm">{t('consents.service')}</Text>
          {badge(contact.serviceConsent)}
        </Group>
      </Group>
      {can('contacts.write') ? (
        <Group gap="xs">
          <Button size="xs" variant="light" color="teal" onClick={() => setRecording('granted')}>
            {t('consents.grant')}
          </Button>
          <Button size="xs" variant="light" color="red" onClick={() => setRecording('revoked')}>
            {t('consents.revoke')}
          </Button>
        </Group>
      ) : null}
      <Text size="xs" fw={600} c="dimmed" mt={4}>
        {t('consents.history')}
      </Text>
      {ledger.data?.length ? (
        <Timeline bulletSize={18} lineWidth={2}>
          {ledger.data.map((c) => (
            <Timeline.Item
              key={c.id}
              bullet={c.status === 'granted' ? <IconCircleCheck size={12} aria-hidden /> : <IconCircleX size={12} aria-hidden />}
              color={c.status === 'granted' ? 'teal' : 'red'}
              title={`${t(`consents.purposes.${c.purpose}`)} · ${t(`consent.${c.status}`)}`}
            >
              <Text size="xs" c="dimmed">
                {dateTime(c.occurredAt)} · {t(`consents.sources.${c.source}`)}
                {c.actorLabel ? ` · ${t('consents.by', { who: c.actorLabel })}` : ''}
              </Text>
              {c.textShown ? (
                <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>
                  “{c.textShown}”
                </Text>
              ) : null}
            </Timeline.Item>
          ))}
        </Timeline>
      ) : (
        <Text size="xs" c="dimmed">
          {t('consents.empty')}
        </Text>
      )}
      <RecordConsentModal contactId={contact.id} status={recording} onClose={() => setRecording(null)} />
    </Stack>
  );
}

function RecordConsentModal({ contactId, status, onClose }: { contactId: string; status: 'granted' | 'revoked' | null; onClose: () => void }) {
  const { t } = useTranslation('contacts');
  const [purpose, setPurpose] = useState<Purpose>('marketing');
  const [text, setText] = useState('');
  const record = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/contacts/{id}/consents', { params: { path: { id: contactId } }, body: { purpose, status: status ?? 'granted', ...(text.trim() ? { textShown: text.trim() } : {}) } })),
    invalidate: [keys.consents(contactId), keys.contacts],
    successMessage: t('consents.recorded'),
    onSuccess: () => {
      setText('');
      onClose();
    },
  });
  return (
    <Modal opened={status !== null} onClose={onClose} title={status === 'revoked' ? t('consents.revoke') : t('consents.grant')}>
      <Stack>
        <SegmentedControl
          value={purpose}
          onChange={(v) => setPurpose(v === 'service' ? 'service' : 'marketing')}
          data={[
            { value: 'marketing', label: t('consents.purposes.marketing') },
            { value: 'service', label: t('consents.purposes.service') },
          ]}
        />
        <Textarea label={t('consents.textShown')} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} maxLength={2000} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('actions.close')}
          </Button>
          <Button color={status === 'revoked' ? 'red' : 'teal'} onClick={() => record.mutate()} loading={record.isPending}>
            {status === 'revoked' ? t('consents.revoke') : t('consents.grant')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
