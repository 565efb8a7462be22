import { Alert, Badge, Button, Card, Grid, Group, Modal, Stack, Text, TextInput, ThemeIcon, Title, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconBook2, IconExternalLink, IconKey, IconPlus } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { CopyField } from '../../components/CopyField.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { rules } from '../../components/forms.ts';
import { PageHeader } from '../../components/PageHeader.tsx';

type ApiKey = ResponseOf<'/api/v1/api-keys', 'get'>['items'][number];
type CreatedKey = ResponseOf<'/api/v1/api-keys', 'post'>;

/** The cURL command of the first-request guide, against this installation. */
export function firstRequestCommand(origin: string, key = '$CHARLA_API_KEY'): string {
  return `curl -H "Authorization: Bearer ${key}" ${origin}/api/v1/me`;
}

/** Settings → Developer tools: API keys, the API reference and a first-request guide. */
export function DeveloperPage() {
  const { t } = useTranslation('developer');
  const [creating, { open, close }] = useDisclosure();
  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={open}>
            {t('keys.create')}
          </Button>
        }
      />
      <Stack gap="xl">
        <Stack gap="sm">
          <div>
            <Title order={2} size="h4">
              {t('keys.title')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('keys.description')}
            </Text>
          </div>
          <ApiKeysTable onCreate={open} />
        </Stack>
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <FirstRequestGuide />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Card padding="lg" h="100%">
              <Stack gap="sm" h="100%">
                <Group gap="xs">
                  <IconBook2 size={20} aria-hidden />
                  <Title order={2} size="h5">
                    {t('docs.title')}
                  </Title>
                </Group>
                <Text size="sm" c="dimmed" style={{ flex: 1 }}>
                  {t('docs.description')}
                </Text>
                <Button component="a" href="/docs" target="_blank" rel="noopener" variant="light" rightSection={<IconExternalLink size={16} aria-hidden />} style={{ alignSelf: 'flex-start' }}>
                  {t('docs.open')}
                </Button>
              </Stack>
            </Card>
          </Grid.Col>
        </Grid>
      </Stack>
      <CreateKeyModal opened={creating} onClose={close} />
    </>
  );
}

function ApiKeysTable({ onCreate }: { onCreate: () => void }) {
  const { t } = useTranslation(['developer', 'app']);
  const { dateTime, relative } = useFormatters();
  const list = useCursorList(['api-keys'], (cursor) => unwrap(api.GET('/api/v1/api-keys', { params: { query: { cursor } } })));
  const columns: Column<ApiKey>[] = [
    { key: 'name', header: t('keys.name'), render: (k) => <Text size="sm" fw={500}>{k.name}</Text> },
    { key: 'prefix', header: t('keys.prefix'), render: (k) => <Text size="sm" ff="monospace" c="dimmed">{`chk_${k.prefix}_…`}</Text> },
    {
      key: 'lastUsed',
      header: t('keys.lastUsed'),
      visibleFrom: 'sm',
      render: (k) =>
        k.lastUsedAt ? (
          <Tooltip label={dateTime(k.lastUsedAt)}>
            <Text size="sm" component="span">
              {relative(k.lastUsedAt)}
            </Text>
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            {t('app:common.never')}
          </Text>
        ),
    },
    { key: 'created', header: t('keys.created'), visibleFrom: 'md', render: (k) => <Text size="sm" c="dimmed">{dateTime(k.createdAt)}</Text> },
    {
      key: 'status',
      header: t('keys.status'),
      render: (k) =>
        k.revokedAt ? (
          <Tooltip label={dateTime(k.revokedAt)}>
            <Badge variant="light" color="gray" radius="sm" miw="max-content">
              {t('keys.revoked')}
            </Badge>
          </Tooltip>
        ) : (
          <Badge variant="light" color="teal" radius="sm" miw="max-content">
            {t('keys.active')}
          </Badge>
        ),
    },
    { key: 'actions', header: '', align: 'right', render: (k) => (k.revokedAt ? null : <RevokeButton apiKey={k} />) },
  ];
  return (
    <DataTable
      label={t('keys.label')}
      columns={columns}
      rows={list.items}
      rowKey={(k) => k.id}
      loading={list.isLoading}
      error={list.error}
      onRetry={list.refetch}
      hasMore={list.hasNextPage}
      onLoadMore={list.fetchNextPage}
      loadingMore={list.isFetchingNextPage}
      minWidth={680}
      empty={<EmptyState icon={IconKey} title={t('keys.emptyTitle')} description={t('keys.emptyDescription')} action={<Button onClick={onCreate}>{t('keys.create')}</Button>} />}
    />
  );
}

function RevokeButton({ apiKey }: { apiKey: ApiKey }) {
  const { t } = useTranslation('developer');
  const { name } = apiKey;
  const revoke = useApiMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: apiKey.id } } })),
    invalidate: [['api-keys']],
    successMessage: t('keys.revokedToast', { name }),
  });
  return (
    <Button
      size="xs"
      variant="subtle"
      color="red"
      loading={revoke.isPending}
      aria-label={t('keys.revokeLabel', { name })}
      onClick={async () => {
        if (await confirmAction({ message: t('keys.revokeConfirm', { name }), confirmLabel: t('keys.revoke'), danger: true })) revoke.mutate();
      }}
    >
      {t('keys.revoke')}
    </Button>
  );
}

function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation(['developer', 'app']);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const form = useForm({ initialValues: { name: '' }, validate: { name: rules.required } });
  const create = useApiMutation({
    mutationFn: (values: { name: string }) => unwrap(api.POST('/api/v1/api-keys', { body: { name: values.name.trim() } })),
    form,
    invalidate: [['api-keys']],
    successMessage: (key) => t('create.created', { name: key.name }),
    onSuccess: (key) => setCreated(key),
  });
  const close = () => {
    setCreated(null);
    form.reset();
    onClose();
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? t('create.createdTitle') : t('create.title')}
      size="lg"
      // The key is shown once: closing by accident would lose it.
      closeOnClickOutside={!created}
      closeOnEscape={!created}
    >
      {created ? (
        <Stack>
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
            {t('create.warning')}
          </Alert>
          <div data-testid="new-api-key">
            <CopyField value={created.key} label={t('create.copyKey')} />
          </div>
          <Text size="sm" fw={500}>
            {t('create.tryIt')}
          </Text>
          <CopyField value={firstRequestCommand(window.location.origin, created.key)} label={t('guide.copyCommand')} block />
          <Group justify="flex-end">
            <Button onClick={close}>{t('create.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
          <Stack>
            <TextInput label={t('create.name')} description={t('create.nameHint')} required data-autofocus maxLength={80} {...form.getInputProps('name')} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('app:common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('create.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function FirstRequestGuide() {
  const { t } = useTranslation('developer');
  const origin = window.location.origin;
  return (
    <Card padding="lg" h="100%">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h5">
            {t('guide.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('guide.description')}
          </Text>
        </div>
        <Stack gap="md" component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
          <GuideStep n={1} text={t('guide.step1')}>
            <CopyField value="export CHARLA_API_KEY=chk_…" label={t('guide.copyCommand')} block />
          </GuideStep>
          <GuideStep n={2} text={t('guide.step2')}>
            <CopyField value={firstRequestCommand(origin)} label={t('guide.copyCommand')} block />
          </GuideStep>
          <GuideStep n={3} text={t('guide.step3')} />
        </Stack>
      </Stack>
    </Card>
  );
}

function GuideStep({ n, text, children }: { n: number; text: string; children?: ReactNode }) {
  return (
    <Group component="li" gap="sm" align="flex-start" wrap="nowrap">
      <ThemeIcon size={24} radius="xl" variant="light" aria-hidden>
        <Text size="xs" fw={700}>
          {n}
        </Text>
      </ThemeIcon>
      <Stack gap={6} style={{ flex: 1, minWidth: 0 }}>
        <Text size="sm">{text}</Text>
        {children}
      </Stack>
    </Group>
  );
}
