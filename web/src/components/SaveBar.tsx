import { Button, Group, Paper, Text, Transition } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Props of `SaveBar`. */
export interface SaveBarProps {
  /** Show the bar (the form has unsaved changes). */
  visible: boolean;
  saving: boolean;
  onDiscard: () => void;
  /** The bar's save button submits this form (by id). */
  formId: string;
}

/** A bar stuck to the bottom of a long settings form while it has unsaved changes. */
export function SaveBar({ visible, saving, onDiscard, formId }: SaveBarProps) {
  const { t } = useTranslation();
  return (
    <Transition mounted={visible} transition="slide-up" duration={150}>
      {(style) => (
        <Paper
          withBorder
          shadow="md"
          p="sm"
          radius="md"
          style={{ ...style, position: 'sticky', bottom: 16, zIndex: 5 }}
          role="region"
          aria-label={t('common.unsavedChanges')}
        >
          <Group justify="space-between" gap="sm">
            <Text size="sm" fw={500}>
              {t('common.unsavedChanges')}
            </Text>
            <Group gap="xs">
              <Button variant="default" onClick={onDiscard} disabled={saving}>
                {t('common.discard')}
              </Button>
              <Button type="submit" form={formId} loading={saving}>
                {t('common.saveChanges')}
              </Button>
            </Group>
          </Group>
        </Paper>
      )}
    </Transition>
  );
}
