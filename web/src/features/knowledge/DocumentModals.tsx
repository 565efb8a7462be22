import { Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { rules } from '../../components/forms.ts';
import { keys } from './api.ts';

type Language = 'es' | 'pt' | 'en' | 'other';

/** The language picker of documents: detect (empty) or a fixed language. */
export function LanguagePicker({ value, onChange, description }: { value: string; onChange: (value: string) => void; description?: string }) {
  const { t } = useTranslation('knowledge');
  return (
    <Select
      label={t('columns.language')}
      description={description}
      data={[
        { value: '', label: t('languages.auto') },
        ...(['es', 'pt', 'en', 'other'] as const).map((l) => ({ value: l, label: t(`languages.${l}`) })),
      ]}
      value={value}
      onChange={(v) => onChange(v ?? '')}
      allowDeselect={false}
    />
  );
}

/** Adds a web page by URL. */
export function AddUrlModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation(['knowledge', 'app']);
  const form = useForm({ initialValues: { url: '', title: '', language: '' }, validate: { url: rules.required } });
  const add = useApiMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(api.POST('/api/v1/knowledge/documents', { body: { url: v.url.trim(), title: v.title.trim() || undefined, language: (v.language || undefined) as Language | undefined } })),
    form,
    errorNs: 'knowledge',
    invalidate: [keys.documents],
    successMessage: t('url.added'),
    onSuccess: () => {
      form.reset();
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('url.title')} size="lg">
      <form onSubmit={form.onSubmit((v) => add.mutate(v))} noValidate>
        <Stack>
          <TextInput label={t('url.label')} description={t('url.hint')} placeholder="https://" required data-autofocus {...form.getInputProps('url')} />
          <TextInput label={t('url.titleLabel')} {...form.getInputProps('title')} />
          <LanguagePicker value={form.values.language} onChange={(v) => form.setFieldValue('language', v)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app:common.cancel')}
            </Button>
            <Button type="submit" loading={add.isPending}>
              {t('actions.addUrl')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Writes a new entry, or replaces the content of an existing entry document (`documentId`). */
export function EntryModal({ opened, onClose, documentId, initial }: { opened: boolean; onClose: () => void; documentId?: string; initial?: { title: string; content: string } }) {
  const { t } = useTranslation(['knowledge', 'app']);
  const form = useForm({
    initialValues: { title: initial?.title ?? '', content: initial?.content ?? t('entry.template'), language: '' },
    validate: { title: rules.required, content: rules.required },
  });
  const save = useApiMutation({
    mutationFn: (v: typeof form.values) => {
      const body = { title: v.title.trim(), content: v.content, language: (v.language || undefined) as Language | undefined };
      return documentId
        ? unwrap(api.PUT('/api/v1/knowledge/documents/{id}/content', { params: { path: { id: documentId } }, body }))
        : unwrap(api.POST('/api/v1/knowledge/documents', { body }));
    },
    form,
    errorNs: 'knowledge',
    invalidate: [keys.documents],
    successMessage: t('entry.saved'),
    onSuccess: () => {
      if (!documentId) form.reset();
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={documentId ? t('entry.editTitle') : t('entry.title')} size="xl">
      <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
        <Stack>
          <TextInput label={t('entry.titleLabel')} required data-autofocus {...form.getInputProps('title')} />
          <Textarea label={t('entry.content')} description={t('entry.contentHint')} required autosize minRows={10} maxRows={24} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} {...form.getInputProps('content')} />
          {documentId ? null : <LanguagePicker value={form.values.language} onChange={(v) => form.setFieldValue('language', v)} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app:common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('actions.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
