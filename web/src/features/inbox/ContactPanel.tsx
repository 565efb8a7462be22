import { Anchor, Avatar, Badge, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconBrandWhatsapp, IconMail, IconMessageCircle, IconPhone } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, isApiError, unwrap } from '../../api/client.ts';
import { useFormatters } from '../../components/format.ts';
import type { Conversation } from './api.ts';

/** The contact's groups and notes from the contacts module, or null when it is not available. */
function useContactDetails(id: string) {
  return useQuery({
    queryKey: ['contacts', 'one', id],
    queryFn: async () => {
      try {
        return await unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } }));
      } catch (error) {
        if (isApiError(error, 404) || isApiError(error, 403)) return null;
        throw error;
      }
    },
    staleTime: 30_000,
  });
}

/** The right pane: who the customer is (name, phone, e-mail, groups, notes) and the channel. */
export function ContactPanel({ conversation: c }: { conversation: Conversation }) {
  const { t } = useTranslation('inbox');
  const { relative } = useFormatters();
  const details = useContactDetails(c.contact.id);
  const contact = details.data;
  return (
    <Stack p="md" gap="md">
      <Title order={2} size="h6" c="dimmed" tt="uppercase">
        {t('contact.title')}
      </Title>
      <Group gap="sm" wrap="nowrap">
        <Avatar radius="xl" size={48} color="teal">
          {(c.contact.name || '?').slice(0, 1).toUpperCase()}
        </Avatar>
        <div style={{ minWidth: 0 }}>
          <Text fw={600} truncate>
            {c.contact.name || t('contact.visitor')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('contact.started', { when: relative(c.createdAt) })}
          </Text>
        </div>
      </Group>
      <Stack gap={6}>
        {c.contact.phone ? (
          <Group gap={6} wrap="nowrap">
            <IconPhone size={16} aria-label={t('contact.phone')} />
            <Anchor href={`tel:${c.contact.phone}`} size="sm">
              {c.contact.phone}
            </Anchor>
          </Group>
        ) : null}
        {c.contact.email ? (
          <Group gap={6} wrap="nowrap">
            <IconMail size={16} aria-label={t('contact.email')} />
            <Anchor href={`mailto:${c.contact.email}`} size="sm" style={{ overflowWrap: 'anywhere' }}>
              {c.contact.email}
            </Anchor>
          </Group>
        ) : null}
        <Group gap={6} wrap="nowrap">
          {c.channel.type === 'whatsapp' ? <IconBrandWhatsapp size={16} aria-label={t('contact.channel')} /> : <IconMessageCircle size={16} aria-label={t('contact.channel')} />}
          <Text size="sm">{c.channel.name}</Text>
        </Group>
      </Stack>
      {contact ? (
        <>
          <Divider />
          <div>
            <Text size="sm" fw={600} mb={4}>
              {t('contact.groups')}
            </Text>
            {contact.groups.length ? (
              <Group gap={4}>
                {contact.groups.map((g) => (
                  <Badge key={g.id} variant="light">
                    {g.name}
                  </Badge>
                ))}
              </Group>
            ) : (
              <Text size="sm" c="dimmed">
                {t('contact.noGroups')}
              </Text>
            )}
          </div>
          <div>
            <Text size="sm" fw={600} mb={4}>
              {t('contact.notes')}
            </Text>
            <Text size="sm" c={contact.notes ? undefined : 'dimmed'} style={{ whiteSpace: 'pre-wrap' }}>
              {contact.notes || t('contact.noNotes')}
            </Text>
          </div>
        </>
      ) : null}
    </Stack>
  );
}
