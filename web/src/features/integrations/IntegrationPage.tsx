import { Anchor, Badge, Button, Group, Stack, Tabs, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { IconArrowLeft, IconFileImport, IconPlugConnected, IconPlus, IconRefresh, IconTool, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, isApiError, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { IntegrationFields } from './IntegrationFields.tsx';
import { integrationBody, type IntegrationFormValues, integrationValues } from './integration-form.ts';
import { OpenApiImportModal } from './OpenApiImportModal.tsx';
import { type Integration, keys, type Tool } from './types.ts';

/** One integration: its tools (create, import, MCP sync) and its connection settings. */
export function IntegrationPage() {
  const { t } = useTranslation('integrations');
  const { integrationId = '' } = useParams();
  const query = useQuery({ queryKey: keys.integration(integrationId), queryFn: () => unwrap(api.GET('/api/v1/integrations/{id}', { params: { path: { id: integrationId } } })) });
  if (query.isLoading) return <PageLoader />;
  if (query.error || !query.data) {
    if (!isApiError(query.error, 404)) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
    return (
      <EmptyState
        icon={IconPlugConnected}
        title={t('detail.notFound')}
        action={
          <Button component={Link} to="/automation/integrations" variant="default">
            {t('detail.back')}
          </Button>
        }
      />
    );
  }
  const integration = query.data;
  return (
    <>
      <Anchor component={Link} to="/automation/integrations" size="sm" mb="xs" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} aria-hidden /> {t('detail.back')}
      </Anchor>
      <PageHeader
        title={integration.name}
        description={
          <Group gap="xs" component="span">
            <Badge variant="light" radius="sm">
              {t(`kinds.${integration.kind}`)}
            </Badge>
            <Badge variant="light" radius="sm" color={{ closed: 'teal', open: 'red', half_open: 'yellow' }[integration.circuitBreaker.state]}>
              {t(`circuit.${integration.circuitBreaker.state}`)}
            </Badge>
            {integration.description ? <Text span size="sm">{integration.description}</Text> : null}
          </Group>
        }
        actions={<DeleteIntegrationButton integration={integration} />}
      />
      <Tabs defaultValue="tools" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="tools">{t('detail.tools')}</Tabs.Tab>
          <Tabs.Tab value="settings">{t('detail.settings')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="tools">
          <ToolsPanel integration={integration} />
        </Tabs.Panel>
        <Tabs.Panel value="settings">
          {/* Remounted after each save, so typed secrets clear and fresh hints show. */}
          <SettingsPanel key={integration.updatedAt} integration={integration} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function ToolsPanel({ integration }: { integration: Integration }) {
  const { t } = useTranslation('integrations');
  const navigate = useNavigate();
  const { relative } = useFormatters();
  const [importing, importModal] = useDisclosure();
  const mcp = integration.kind === 'mcp';
  const list = useCursorList(keys.tools(integration.id), (cursor) => unwrap(api.GET('/api/v1/integrations/{id}/tools', { params: { path: { id: integration.id }, query: { cursor } } })));
  const sync = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/integrations/{id}/sync-tools', { params: { path: { id: integration.id } } })),
    errorNs: 'integrations',
    invalidate: [keys.integrations],
    successMessage: (r) => t('detail.synced', { added: r.added.length, removed: r.removed.length }),
  });
  const newTool = () => navigate(`/automation/integrations/${integration.id}/tools/new`);
  const columns: Column<Tool>[] = [
    {
      key: 'name',
      header: t('detail.toolColumns.name'),
      render: (tool) => (
        <Anchor component={Link} to={`/automation/integrations/${integration.id}/tools/${tool.id}`} ff="monospace" size="sm" fw={600}>
          {tool.name}
        </Anchor>
      ),
    },
    { key: 'description', header: t('detail.toolColumns.description'), render: (tool) => <Text size="sm" lineClamp={2}>{tool.description}</Text> },
    {
      key: 'request',
      header: t('detail.toolColumns.request'),
      visibleFrom: 'md',
      render: (tool) => (
        <Text size="xs" ff="monospace" c="dimmed" lineClamp={1}>
          {tool.request ? `${tool.request.method} ${tool.request.url}` : `MCP ${tool.mcpToolName ?? ''}`}
        </Text>
      ),
    },
    {
      key: 'flags',
      header: t('detail.toolColumns.flags'),
      visibleFrom: 'sm',
      render: (tool) => (
        <Group gap={4}>
          {tool.requiresConfirmation ? <Badge size="sm" variant="light" color="orange">{t('detail.confirmation')}</Badge> : null}
          {!tool.enabled ? <Badge size="sm" variant="light" color="gray">{t('detail.disabledTool')}</Badge> : null}
        </Group>
      ),
    },
  ];
  const actions = mcp ? (
    <Button leftSection={<IconRefresh size={16} aria-hidden />} loading={sync.isPending} onClick={() => sync.mutate()}>
      {t('detail.syncMcp')}
    </Button>
  ) : (
    <>
      <Button variant="default" leftSection={<IconFileImport size={16} aria-hidden />} onClick={importModal.open}>
        {t('detail.importOpenApi')}
      </Button>
      <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={newTool}>
        {t('detail.newTool')}
      </Button>
    </>
  );
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed">
          {mcp && integration.lastSyncedAt ? t('detail.lastSynced', { when: relative(integration.lastSyncedAt) }) : null}
        </Text>
        <Group gap="sm">{actions}</Group>
      </Group>
      <DataTable
        label={t('detail.tools')}
        columns={columns}
        rows={list.items}
        rowKey={(tool) => tool.id}
        loading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        hasMore={list.hasNextPage}
        onLoadMore={list.fetchNextPage}
        loadingMore={list.isFetchingNextPage}
        minWidth={560}
        empty={<EmptyState icon={IconTool} title={t('detail.noTools')} description={mcp ? t('detail.noMcpToolsHint') : t('detail.noToolsHint')} action={actions} />}
      />
      {!mcp ? <OpenApiImportModal integration={integration} opened={importing} onClose={importModal.close} /> : null}
    </Stack>
  );
}

function SettingsPanel({ integration }: { integration: Integration }) {
  const { t } = useTranslation(['integrations', 'app']);
  const form = useForm<IntegrationFormValues>({ initialValues: integrationValues(integration) });
  const save = useApiMutation({
    mutationFn: (v: IntegrationFormValues) => {
      const { kind: _kind, ...body } = integrationBody(v);
      return unwrap(api.PATCH('/api/v1/integrations/{id}', { params: { path: { id: integration.id } }, body }));
    },
    form,
    rename: { 'auth.value': 'secret', 'auth.token': 'secret', 'auth.password': 'secret', 'auth.clientSecret': 'secret', 'auth.username': 'username', 'auth.tokenUrl': 'tokenUrl', 'auth.clientId': 'clientId', 'auth.name': 'apiKeyName' },
    errorNs: 'integrations',
    invalidate: [keys.integrations],
    successMessage: t('form.saved'),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack maw={760}>
        <IntegrationFields form={form} stored={{ type: integration.auth.type, secret: integration.auth.secret }} />
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('app:common.saveChanges')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DeleteIntegrationButton({ integration }: { integration: Integration }) {
  const { t } = useTranslation('integrations');
  const navigate = useNavigate();
  const remove = useApiMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/integrations/{id}', { params: { path: { id: integration.id } } })),
    invalidate: [keys.integrations],
    successMessage: t('detail.deleted'),
    onSuccess: () => navigate('/automation/integrations'),
  });
  return (
    <Button
      variant="subtle"
      color="red"
      leftSection={<IconTrash size={16} aria-hidden />}
      loading={remove.isPending}
      onClick={async () => {
        if (await confirmAction({ message: t('detail.deleteConfirm', { name: integration.name, count: integration.toolCount }), confirmLabel: t('detail.delete'), danger: true })) remove.mutate();
      }}
    >
      {t('detail.delete')}
    </Button>
  );
}
