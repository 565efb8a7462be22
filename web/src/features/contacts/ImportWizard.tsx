import '@mantine/dropzone/styles.css';
import { Anchor, Group, Modal, Progress, Stack, Text } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { IconFileSpreadsheet, IconUpload, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useMember } from '../../app/session.tsx';
import { notifyError } from '../../components/notify.tsx';
import { type ImportAnalysis, uploadWithProgress } from './api.ts';
import { ImportMapping } from './ImportMapping.tsx';
import { ImportProgress } from './ImportProgress.tsx';

const ACCEPT = {
  'text/csv': ['.csv'],
  'text/plain': ['.txt', '.tsv'],
  'application/vnd.ms-excel': ['.csv'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
};

type Step = { kind: 'file' } | { kind: 'mapping'; analysis: ImportAnalysis } | { kind: 'progress'; importId: string };

/**
 * "Bulk upload": drop a CSV or Excel file (sample templates offered first), match its columns (the
 * server suggests a mapping from the header names), then follow the import live and download the
 * report of rows that were not imported. With `groupId` every contact also joins that group.
 */
export function ImportWizard({ opened, onClose, groupId }: { opened: boolean; onClose: () => void; groupId?: string | null }) {
  const { t, i18n } = useTranslation('contacts');
  const { session } = useMember();
  const [step, setStep] = useState<Step>({ kind: 'file' });
  const [progress, setProgress] = useState<number | null>(null);

  const close = () => {
    // An upload whose mapping was never confirmed is discarded (its file holds personal data).
    if (step.kind === 'mapping') void unwrap(api.POST('/api/v1/contacts/imports/{id}/cancel', { params: { path: { id: step.analysis.id } } })).catch(() => null);
    setStep({ kind: 'file' });
    setProgress(null);
    onClose();
  };
  const upload = async (file: File) => {
    setProgress(0);
    try {
      const analysis = await uploadWithProgress<ImportAnalysis>('/api/v1/contacts/imports', 'POST', file, {
        csrfToken: session.csrfToken,
        expect: 202,
        onProgress: (f) => setProgress(Math.round(f * 100)),
      });
      setStep({ kind: 'mapping', analysis });
    } catch (error) {
      notifyError(error, { ns: 'contacts' });
    } finally {
      setProgress(null);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={groupId ? t('import.titleGroup') : t('import.title')} size={step.kind === 'mapping' ? 'xl' : 'lg'}>
      {step.kind === 'file' ? (
        <Stack>
          <Group gap="xs">
            <Text size="sm">{t('import.template')}:</Text>
            <Anchor href={`/api/v1/contacts/imports/template.csv?lang=${i18n.language}`} size="sm" download>
              {t('import.templateCsv')}
            </Anchor>
            <Anchor href={`/api/v1/contacts/imports/template.xlsx?lang=${i18n.language}`} size="sm" download>
              {t('import.templateXlsx')}
            </Anchor>
          </Group>
          <Dropzone
            onDrop={(files: File[]) => {
              if (files[0]) void upload(files[0]);
            }}
            onReject={() => notifyError(new Error(t('import.rejected')), { title: t('import.rejected') })}
            accept={ACCEPT}
            multiple={false}
            loading={progress !== null}
            maxSize={150 * 1024 * 1024}
            aria-label={t('import.drop')}
          >
            <Group justify="center" gap="lg" mih={140} style={{ pointerEvents: 'none' }} wrap="nowrap">
              <Dropzone.Accept>
                <IconUpload size={44} stroke={1.5} aria-hidden />
              </Dropzone.Accept>
              <Dropzone.Reject>
                <IconX size={44} stroke={1.5} aria-hidden />
              </Dropzone.Reject>
              <Dropzone.Idle>
                <IconFileSpreadsheet size={44} stroke={1.5} aria-hidden />
              </Dropzone.Idle>
              <div>
                <Text size="md">{t('import.drop')}</Text>
                <Text size="xs" c="dimmed" mt={6}>
                  {t('import.dropHint')}
                </Text>
              </div>
            </Group>
          </Dropzone>
          {progress !== null ? (
            <Stack gap={4}>
              <Text size="xs" c="dimmed">
                {t('import.uploading', { percent: progress })}
              </Text>
              <Progress value={progress} aria-label={t('import.uploading', { percent: progress })} />
            </Stack>
          ) : null}
        </Stack>
      ) : step.kind === 'mapping' ? (
        <ImportMapping
          analysis={step.analysis}
          groupId={groupId ?? null}
          onStarted={(importId) => setStep({ kind: 'progress', importId })}
          onBack={() => setStep({ kind: 'file' })}
        />
      ) : (
        <ImportProgress importId={step.importId} onAnother={() => setStep({ kind: 'file' })} onClose={close} />
      )}
    </Modal>
  );
}
