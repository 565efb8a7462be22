import { Anchor, Badge, Button, Card, Group, List, Modal, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { IconArrowLeft, IconRefresh, IconReplace, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { useFormatters } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { keys } from './api.ts';
import { EntryModal, LanguagePicker } from './DocumentModals.tsx';
import { formatBytes, StatusBadge, useFailureText } from './parts.tsx';
import { UploadDropzone } from './UploadDropzone.tsx';

type Language = 'es' | 'pt' | 'en' | 'other';

/** One document: its details and status, versions, chunks; rename, language, replace, reprocess, delete. */
export function DocumentPage() {
  const { documentId = '' } = useParams();
  const { t, i18n } = useTranslation(['knowledge', 'app']);
  const navigate = useNavigate();
  const { dateTime } = useFormatters();
  const failure = useFailureText();
  const [replacing, setReplacing] = useState(false);
  const doc = useQuery({ queryKey: keys.document(documentId), queryFn: () => unwrap(api.GET('/api/v1/knowledge/documents/{id}', { params: { path: { id: documentId } } })) });
  const chunks = useCursorList(keys.chunks(documentId), (cursor) => unwrap(api.GET('/api/v1/knowledge/documents/{id}/chunks', { params: { path: { id: documentId }, query: { cursor } } })));
  const loaded = doc.data;
  const { refetch } = doc;
  const busy = loaded?.status === 'pending' || loaded?.status === 'processing';
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => void refetch().then(() => chunks.refetch()), 2000);
    return () => clearInterval(timer);
  }, [busy, refetch, chunks.refetch]);

  const invalidate = [keys.documents];
  const reprocess = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/knowledge/documents/{id}/reprocess', { params: { path: { id: documentId } } })),
    errorNs: 'knowledge',
    invalidate,
    successMessage: t('document.reprocessing'),
  });
  const remove = useApiMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/knowledge/documents/{id}', { params: { path: { id: documentId } } })),
    errorNs: 'knowledge',
    invalidate,
    successMessage: t('document.deleted'),
    onSuccess: () => navigate('/knowledge'),
  });

  if (doc.isLoading) return <PageLoader />;
  if (!loaded) return <ErrorState error={doc.error} onRetry={() => void doc.refetch()} />;
  const facts: [string, string][] = [
    [t('columns.source'), loaded.source === 'entry' ? t('sources.entry') : `${t(`sources.${loaded.source}`)} · ${loaded.sourceName ?? ''}`],
    [t('document.format'), loaded.format ?? '—'],
    [t('columns.language'), loaded.language ? t(`languages.${loaded.language}`) : '—'],
    [t('document.size'), formatBytes(loaded.sizeBytes, i18n.language)],
    [t('columns.chunks'), String(loaded.chunkCount)],
    [t('columns.updated'), dateTime(loaded.updatedAt)],
  ];
  if (loaded.pageCount) facts.splice(4, 0, [t('document.pages'), String(loaded.pageCount)]);

  return (
    <>
      <Anchor component={Link} to="/knowledge" size="sm" mb="xs" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} aria-hidden /> {t('document.back')}
      </Anchor>
      <PageHeader
        title={loaded.title}
        description={<StatusBadge doc={loaded} showReason />}
        actions={
          <>
            <Button variant="default" leftSection={<IconReplace size={18} aria-hidden />} onClick={() => setReplacing(true)}>
              {t('actions.replace')}
            </Button>
            <Button variant="default" leftSection={<IconRefresh size={18} aria-hidden />} loading={reprocess.isPending} onClick={() => reprocess.mutate()}>
              {t('actions.reprocess')}
            </Button>
            <Button
              color="red"
              variant="light"
              leftSection={<IconTrash size={18} aria-hidden />}
              loading={remove.isPending}
              onClick={async () => {
                if (await confirmAction({ message: t('document.deleteConfirm', { title: loaded.title }), confirmLabel: t('actions.delete'), danger: true })) remove.mutate();
              }}
            >
              {t('actions.delete')}
            </Button>
          </>
        }
      />
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <DocumentForm key={`${loaded.id}:${loaded.updatedAt}`} id={loaded.id} title={loaded.title} language={loaded.languageOverride ?? ''} />
          <Card withBorder padding="lg">
            <Table variant="vertical" withRowBorders={false}>
              <Table.Tbody>
                {facts.map(([label, value]) => (
                  <Table.Tr key={label}>
                    <Table.Th w={140}>{label}</Table.Th>
                    <Table.Td style={{ wordBreak: 'break-word' }}>{value}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </SimpleGrid>

        <Card withBorder padding="lg">
          <Title order={2} size="h5" mb="sm">
            {t('document.versions')}
          </Title>
          <Stack gap={6}>
            {loaded.versions.map((v) => (
              <Group key={v.id} gap="sm" wrap="wrap">
                <Text size="sm" fw={600}>
                  {t('document.version', { number: v.number })}
                </Text>
                <Text size="sm" c="dimmed">
                  {dateTime(v.createdAt)} · {v.fileName ?? v.url ?? t('sources.entry')}
                </Text>
                {v.active ? (
                  <Badge size="sm" color="teal" variant="light">
                    {t('document.active')}
                  </Badge>
                ) : null}
                {v.status === 'failed' ? (
                  <Text size="xs" c="red.7">
                    {failure(v)}
                  </Text>
                ) : null}
              </Group>
            ))}
          </Stack>
        </Card>

        <Card withBorder padding="lg">
          <Title order={2} size="h5" mb="sm">
            {t('document.chunks')}
          </Title>
          {chunks.items.length === 0 ? <Text c="dimmed">{t('document.noChunks')}</Text> : null}
          <Stack gap="md">
            {chunks.items.map((c) => (
              <Card key={c.id} withBorder padding="sm" radius="sm">
                {c.topic ? (
                  <Text size="xs" c="dimmed" tt="uppercase" mb={4}>
                    {c.topic}
                    {c.heading ? ` · ${c.heading}` : ''}
                  </Text>
                ) : null}
                {c.kind === 'qa' ? (
                  <>
                    <List size="sm" spacing={2} mb={6}>
                      {c.questions.map((q) => (
                        <List.Item key={q}>
                          <Text size="sm" fw={600}>
                            {q}
                          </Text>
                        </List.Item>
                      ))}
                    </List>
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {c.answer}
                    </Text>
                  </>
                ) : (
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {c.content}
                  </Text>
                )}
              </Card>
            ))}
            {chunks.hasNextPage ? (
              <Button variant="default" onClick={chunks.fetchNextPage} loading={chunks.isFetchingNextPage}>
                {t('app:table.loadMore')}
              </Button>
            ) : null}
          </Stack>
        </Card>
      </Stack>

      {loaded.source === 'entry' ? (
        <EntryModal opened={replacing} onClose={() => setReplacing(false)} documentId={loaded.id} initial={{ title: loaded.title, content: loaded.versions[0]?.content ?? '' }} />
      ) : (
        <Modal opened={replacing} onClose={() => setReplacing(false)} title={t('actions.replace')} size="lg">
          <UploadDropzone documentId={loaded.id} onUploaded={() => setReplacing(false)} />
        </Modal>
      )}
    </>
  );
}

/** Title and language of a document (a fresh form whenever the saved document changes). */
function DocumentForm({ id, title, language }: { id: string; title: string; language: string }) {
  const { t } = useTranslation('knowledge');
  const form = useForm({ initialValues: { title, language } });
  const save = useApiMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(api.PATCH('/api/v1/knowledge/documents/{id}', { params: { path: { id } }, body: { title: v.title.trim(), language: (v.language || null) as Language | null } })),
    form,
    errorNs: 'knowledge',
    invalidate: [keys.documents],
    successMessage: t('document.renamed'),
  });
  return (
    <Card withBorder padding="lg">
      <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
        <Stack>
          <TextInput label={t('columns.title')} required {...form.getInputProps('title')} />
          <LanguagePicker value={form.values.language} onChange={(v) => form.setFieldValue('language', v)} description={t('document.languageHint')} />
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {t('actions.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
