import { Alert, Badge, Button, Checkbox, FileButton, Group, Modal, ScrollArea, Stack, Text, Textarea } from '@mantine/core';
import { IconInfoCircle, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { notifySuccess } from '../../components/notify.tsx';
import { MONO } from './tool-form.ts';
import { type Integration, keys } from './types.ts';

type Preview = ResponseOf<'/api/v1/integrations/{id}/import-openapi', 'post'>;

/** Paste or upload an OpenAPI document, see its operations as tools, pick some, create them. */
export function OpenApiImportModal({ integration, opened, onClose }: { integration: Integration; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation(['integrations', 'app']);
  const [document, setDocument] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const close = () => {
    setPreview(null);
    setSelected([]);
    onClose();
  };
  const load = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/integrations/{id}/import-openapi', { params: { path: { id: integration.id } }, body: { document, dryRun: false } })),
    errorNs: 'integrations',
    onSuccess: (p) => {
      setPreview(p);
      setSelected(p.operations.filter((o) => o.importable).map((o) => o.key));
    },
  });
  const create = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/integrations/{id}/import-openapi', { params: { path: { id: integration.id } }, body: { document, operations: selected, dryRun: false } })),
    errorNs: 'integrations',
    invalidate: [keys.integrations],
    onSuccess: (r) => {
      notifySuccess(t('openapi.imported', { count: r.created.length }));
      close();
    },
  });
  const readFile = async (file: File | null) => {
    if (!file) return;
    setDocument(await file.text());
    setPreview(null);
  };
  const importable = preview?.operations.filter((o) => o.importable) ?? [];
  return (
    <Modal opened={opened} onClose={close} title={t('openapi.title')} size="xl">
      <Stack>
        <Textarea
          label={t('openapi.document')}
          autosize
          minRows={6}
          maxRows={14}
          styles={MONO}
          value={document}
          onChange={(e) => {
            setDocument(e.currentTarget.value);
            setPreview(null);
          }}
        />
        <Group>
          <FileButton onChange={readFile} accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml">
            {(props) => (
              <Button variant="default" leftSection={<IconUpload size={16} aria-hidden />} {...props}>
                {t('openapi.upload')}
              </Button>
            )}
          </FileButton>
          <Button variant="light" disabled={!document.trim()} loading={load.isPending} onClick={() => load.mutate()}>
            {t('openapi.preview')}
          </Button>
        </Group>
        {preview ? (
          <>
            <Text size="sm">{preview.baseUrl ? t('openapi.server', { url: preview.baseUrl }) : t('openapi.noServer')}</Text>
            <Alert variant="light" icon={<IconInfoCircle size={18} />}>
              {t('openapi.confirmationNote')}
            </Alert>
            <Group justify="space-between">
              <Text fw={600} size="sm">
                {t('openapi.operations')}
              </Text>
              <Button variant="subtle" size="xs" onClick={() => setSelected(importable.map((o) => o.key))}>
                {t('openapi.selectAll')}
              </Button>
            </Group>
            <ScrollArea.Autosize mah={320}>
              <Checkbox.Group value={selected} onChange={setSelected} aria-label={t('openapi.operations')}>
                <Stack gap="xs">
                  {preview.operations.map((o) => (
                    <Checkbox
                      key={o.key}
                      value={o.key}
                      disabled={!o.importable}
                      label={
                        <Group gap="xs" wrap="nowrap">
                          <Badge size="sm" variant="light" radius="sm" w={64}>
                            {o.method}
                          </Badge>
                          <Text size="sm" ff="monospace">
                            {o.path}
                          </Text>
                          {o.tool?.name ? (
                            <Text size="xs" c="dimmed">
                              → {o.tool.name}
                            </Text>
                          ) : null}
                        </Group>
                      }
                      description={[o.summary, o.importable ? '' : t('openapi.notImportable'), ...o.warnings].filter(Boolean).join(' · ')}
                    />
                  ))}
                </Stack>
              </Checkbox.Group>
            </ScrollArea.Autosize>
          </>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('app:common.cancel')}
          </Button>
          <Button disabled={!preview || selected.length === 0} loading={create.isPending} onClick={() => create.mutate()}>
            {t('openapi.import', { count: selected.length })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
