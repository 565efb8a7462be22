import '@mantine/dropzone/styles.css';
import { Group, Progress, Stack, Text } from '@mantine/core';
import { Dropzone, type FileRejection } from '@mantine/dropzone';
import { IconFileUpload, IconUpload, IconX } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { useMember } from '../../app/session.tsx';
import { keys, uploadDocument } from './api.ts';

interface Upload {
  id: number;
  name: string;
  progress: number;
}

let uploadCounter = 0;

/**
 * Drag-and-drop (or click) upload of knowledge documents, several at a time, each with its progress bar.
 * The server sniffs the format; size is checked here for a quick answer and again by the server.
 */
export function UploadDropzone({ maxFileBytes, documentId, onUploaded }: { maxFileBytes?: number; documentId?: string; onUploaded?: () => void }) {
  const { t } = useTranslation('knowledge');
  const { session } = useMember();
  const client = useQueryClient();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const maxMb = maxFileBytes ? Math.round(maxFileBytes / (1024 * 1024)) : 25;

  const send = async (file: File) => {
    const id = ++uploadCounter;
    setUploads((list) => [...list, { id, name: file.name, progress: 0 }]);
    try {
      await uploadDocument(file, {
        csrfToken: session.csrfToken,
        documentId,
        onProgress: (fraction) => setUploads((list) => list.map((u) => (u.id === id ? { ...u, progress: Math.round(fraction * 100) } : u))),
      });
      notifySuccess(t('dropzone.uploaded', { name: file.name }));
      await client.invalidateQueries({ queryKey: keys.documents });
      onUploaded?.();
    } catch (error) {
      notifyError(error, { ns: 'knowledge' });
    } finally {
      setUploads((list) => list.filter((u) => u.id !== id));
    }
  };

  return (
    <Stack gap="xs">
      <Dropzone
        onDrop={(files: File[]) => {
          for (const file of documentId ? files.slice(0, 1) : files) void send(file);
        }}
        onReject={(rejected: FileRejection[]) => {
          for (const r of rejected) notifyError(new Error(r.file.name), { title: t('failures.file_too_large', { maxMb }) });
        }}
        maxSize={maxFileBytes}
        multiple={!documentId}
        aria-label={t('actions.upload')}
      >
        <Group justify="center" gap="lg" mih={110} style={{ pointerEvents: 'none' }} wrap="nowrap">
          <Dropzone.Accept>
            <IconUpload size={40} stroke={1.5} aria-hidden />
          </Dropzone.Accept>
          <Dropzone.Reject>
            <IconX size={40} stroke={1.5} aria-hidden />
          </Dropzone.Reject>
          <Dropzone.Idle>
            <IconFileUpload size={40} stroke={1.5} aria-hidden />
          </Dropzone.Idle>
          <div>
            <Text size="lg" inline>
              {t('dropzone.title')}
            </Text>
            <Text size="sm" c="dimmed" inline mt={7} display="block">
              {t('dropzone.hint', { max: maxMb })}
            </Text>
          </div>
        </Group>
      </Dropzone>
      {uploads.map((u) => (
        <Stack key={u.id} gap={4}>
          <Text size="sm">{t('dropzone.uploading', { name: u.name })}</Text>
          <Progress value={u.progress} animated aria-label={t('dropzone.uploading', { name: u.name })} />
        </Stack>
      ))}
    </Stack>
  );
}
