import { Alert, Button, Group, Loader, Radio, ScrollArea, Select, Stack, Table, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { type ImportAnalysis, keys, useAllGroups, useContactFields } from './api.ts';

const STANDARD = ['firstName', 'lastName', 'fullName', 'phone', 'email', 'street', 'city', 'state', 'postalCode', 'country', 'notes', 'group', 'marketingConsent'] as const;
type Dedupe = 'update' | 'skip' | 'create';

/**
 * The mapping step: every column of the file with an example value and what it is imported into
 * (suggested by the server from the header names, editable; a target can be used once), what to do
 * with contacts that already exist, and an optional group for everyone.
 */
export function ImportMapping({ analysis, groupId, onStarted, onBack }: { analysis: ImportAnalysis; groupId: string | null; onStarted: (id: string) => void; onBack: () => void }) {
  const { t } = useTranslation('contacts');
  const fields = useContactFields();
  const groups = useAllGroups();
  const [mapping, setMapping] = useState<string[]>(analysis.suggestedMapping);
  const [dedupe, setDedupe] = useState<Dedupe>('update');
  const [group, setGroup] = useState<string | null>(groupId);
  const options = [
    { value: 'ignore', label: t('import.targets.ignore') },
    ...STANDARD.map((s) => ({ value: s, label: t(`import.targets.${s}`) })),
    ...(fields.data ?? []).map((f) => ({ value: `field:${f.key}`, label: t('import.customField', { label: f.label }) })),
  ];
  const hasIdentity = mapping.includes('phone') || mapping.includes('email');
  const start = useApiMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/contacts/imports/{id}/start', {
          params: { path: { id: analysis.id } },
          body: { mapping, dedupe, groupId: group, createMissingGroups: true },
        }),
      ),
    errorNs: 'contacts',
    invalidate: [keys.imports],
    onSuccess: (imp) => onStarted(imp.id),
  });
  const discard = async () => {
    await unwrap(api.POST('/api/v1/contacts/imports/{id}/cancel', { params: { path: { id: analysis.id } } })).catch(() => null);
    onBack();
  };
  // Custom fields are mapping targets: wait for them, or their suggested columns would show as empty.
  if (!fields.data) return <Loader aria-label={t('import.mappingTitle')} />;
  const detected = analysis.estimatedRows
    ? t('import.detected', { format: analysis.format.toUpperCase(), encoding: analysis.encoding, delimiter: analysis.delimiter === '\t' ? 'TAB' : analysis.delimiter, rows: analysis.estimatedRows })
    : t('import.detectedNoRows', { format: analysis.format.toUpperCase(), encoding: analysis.encoding });

  return (
    <Stack>
      <div>
        <Text fw={600}>{t('import.mappingTitle')}</Text>
        <Text size="xs" c="dimmed">
          {analysis.fileName} · {detected}
        </Text>
      </div>
      <ScrollArea.Autosize mah={360} type="auto">
        <Table striped aria-label={t('import.mappingTitle')} verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('import.column')}</Table.Th>
              <Table.Th>{t('import.sample')}</Table.Th>
              <Table.Th w={260}>{t('import.target')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {analysis.headers.map((header, i) => {
              const taken = new Set(mapping.filter((m, j) => j !== i && m !== 'ignore'));
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed by the file; their position is their identity
                <Table.Tr key={i}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {header || '—'}
                    </Text>
                    {analysis.duplicateColumns.includes(i) ? (
                      <Text size="xs" c="orange">
                        {t('import.duplicateHeader')}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed" lineClamp={2} maw={220}>
                      {analysis.sampleRows.map((r) => r[i]).filter(Boolean).slice(0, 2).join(' · ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`${t('import.target')}: ${header || String(i + 1)}`}
                      data={options.filter((o) => !taken.has(o.value))}
                      value={mapping[i] ?? 'ignore'}
                      allowDeselect={false}
                      searchable
                      size="xs"
                      onChange={(value) => setMapping((m) => m.map((x, j) => (j === i ? (value ?? 'ignore') : x)))}
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      {!hasIdentity ? (
        <Alert color="orange" variant="light" icon={<IconInfoCircle size={18} />}>
          {t('import.needIdentity')}
        </Alert>
      ) : null}
      <Radio.Group label={t('import.dedupe')} value={dedupe} onChange={(v) => setDedupe(v === 'skip' || v === 'create' ? v : 'update')}>
        <Stack gap={6} mt={6}>
          {(['update', 'skip', 'create'] as const).map((d) => (
            <Radio key={d} value={d} label={t(`import.dedupes.${d}`)} />
          ))}
        </Stack>
      </Radio.Group>
      <Select
        label={t('import.group')}
        data={[{ value: '', label: t('import.noGroup') }, ...(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))]}
        value={group ?? ''}
        onChange={(v) => setGroup(v || null)}
        searchable
        allowDeselect={false}
      />
      <Group justify="space-between">
        <Button variant="default" onClick={() => void discard()}>
          {t('import.back')}
        </Button>
        <Button onClick={() => start.mutate()} loading={start.isPending} disabled={!hasIdentity}>
          {t('import.start')}
        </Button>
      </Group>
    </Stack>
  );
}
