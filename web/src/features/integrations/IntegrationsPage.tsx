import { Anchor, Badge, Button, Card, Code, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlugConnected, IconPlus, IconServer, IconWebhook } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { rules } from '../../components/forms.ts';
import { IntegrationFields } from './IntegrationFields.tsx';
import { integrationBody, type IntegrationFormValues, newIntegrationValues } from './integration-form.ts';
import { type Integration, keys } from './types.ts';

/** Automation → Integrations: every integration with its health, and the way to add one. */
export function IntegrationsPage() {
  const { t } = useTranslation('integrations');
  const [creating, setCreating] = useState<'http' | 'mcp' | null>(null);
  const list = useCursorList(keys.integrations, (cursor) => unwrap(api.GET('/api/v1/integrations', { params: { query: { cursor } } })));
  const columns: Column<Integration>[] = [
    {
      key: 'name',
      header: t('columns.name'),
      render: (i) => (
        <Anchor component={Link} to={`/automation/integrations/${i.id}`} fw={600} size="sm">
          {i.name}
        </Anchor>
      ),
    },
    { key: 'kind', header: t('columns.kind'), render: (i) => <Text size="sm">{t(`kinds.${i.kind}`)}</Text> },
    { key: 'auth', header: t('columns.auth'), visibleFrom: 'sm', render: (i) => <Text size="sm" c="dimmed">{t(`authTypes.${i.auth.type}`)}</Text> },
    { key: 'tools', header: t('columns.tools'), align: 'right', render: (i) => <Text size="sm">{i.toolCount}</Text> },
    {
      key: 'health',
      header: t('columns.health'),
      visibleFrom: 'sm',
      render: (i) => (
        <Badge variant="light" radius="sm" color={{ closed: 'teal', open: 'red', half_open: 'yellow' }[i.circuitBreaker.state]}>
          {t(`circuit.${i.circuitBreaker.state}`)}
        </Badge>
      ),
    },
    {
      key: 'status',
      header: t('columns.status'),
      render: (i) => (
        <Badge variant="light" radius="sm" color={i.enabled ? 'teal' : 'gray'}>
          {i.enabled ? t('enabled') : t('disabled')}
        </Badge>
      ),
    },
  ];
  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <>
            <Button variant="default" leftSection={<IconServer size={18} aria-hidden />} onClick={() => setCreating('mcp')}>
              {t('newMcp')}
            </Button>
            <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={() => setCreating('http')}>
              {t('newIntegration')}
            </Button>
          </>
        }
      />
      <Stack gap="xl">
        <DataTable
          label={t('title')}
          columns={columns}
          rows={list.items}
          rowKey={(i) => i.id}
          loading={list.isLoading}
          error={list.error}
          onRetry={list.refetch}
          hasMore={list.hasNextPage}
          onLoadMore={list.fetchNextPage}
          loadingMore={list.isFetchingNextPage}
          minWidth={640}
          empty={<EmptyState icon={IconPlugConnected} title={t('empty.title')} description={t('empty.description')} action={<Button onClick={() => setCreating('http')}>{t('newIntegration')}</Button>} />}
        />
        <WebhookNote />
      </Stack>
      <CreateIntegrationModal kind={creating} onClose={() => setCreating(null)} />
    </>
  );
}

/** Zapier, Make and n8n webhooks are POST tools: the note and an example. */
function WebhookNote() {
  const { t } = useTranslation('integrations');
  const example = `POST https://hooks.zapier.com/hooks/catch/123456/abcdef/
{ "name": "{{contact.name}}", "phone": "{{contact.phone}}", "interest": "{{interest}}" }`;
  return (
    <Card padding="lg" withBorder>
      <Stack gap="xs">
        <Group gap="xs">
          <IconWebhook size={20} aria-hidden />
          <Title order={2} size="h5">
            {t('webhooks.title')}
          </Title>
        </Group>
        <Text size="sm" c="dimmed">
          {t('webhooks.body')}
        </Text>
        <Code block>{example}</Code>
      </Stack>
    </Card>
  );
}

function CreateIntegrationModal({ kind, onClose }: { kind: 'http' | 'mcp' | null; onClose: () => void }) {
  const { t } = useTranslation(['integrations', 'app']);
  const navigate = useNavigate();
  const form = useForm<IntegrationFormValues>({ initialValues: newIntegrationValues(kind ?? 'http'), validate: { name: rules.required } });
  const [openedKind, setOpenedKind] = useState<'http' | 'mcp' | null>(null);
  if (kind !== openedKind) {
    setOpenedKind(kind);
    if (kind) form.setValues(newIntegrationValues(kind));
  }
  const create = useApiMutation({
    mutationFn: (v: IntegrationFormValues) => unwrap(api.POST('/api/v1/integrations', { body: integrationBody(v) })),
    form,
    rename: { 'auth.value': 'secret', 'auth.token': 'secret', 'auth.password': 'secret', 'auth.clientSecret': 'secret', 'auth.username': 'username', 'auth.tokenUrl': 'tokenUrl', 'auth.clientId': 'clientId', 'auth.name': 'apiKeyName' },
    errorNs: 'integrations',
    invalidate: [keys.integrations],
    successMessage: (i) => t('form.created', { name: i.name }),
    onSuccess: (i) => {
      onClose();
      navigate(`/automation/integrations/${i.id}`);
    },
  });
  return (
    <Modal opened={kind !== null} onClose={onClose} title={kind === 'mcp' ? t('form.createMcpTitle') : t('form.createTitle')} size="xl">
      <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
        <Stack>
          <IntegrationFields form={form} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app:common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('app:common.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
