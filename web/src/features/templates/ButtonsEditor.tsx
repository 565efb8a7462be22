import { ActionIcon, Button, Group, Menu, Paper, Select, Stack, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { type ButtonState, newButton } from './template-form.ts';

const TYPES = ['quick_reply', 'url', 'phone_number', 'copy_code', 'otp'] as const;

/** The builder's buttons: add by type, edit each button's fields, remove; errors under each input. */
export function ButtonsEditor(props: {
  buttons: ButtonState[];
  onChange: (buttons: ButtonState[]) => void;
  errorOf: (path: string) => string | undefined;
  authentication: boolean;
  disabled?: boolean;
}) {
  const { t } = useTranslation('templates');
  const { buttons, onChange, errorOf } = props;
  const set = (i: number, patch: Partial<ButtonState>) => onChange(buttons.map((b, j) => (j === i ? { ...b, ...patch } : b)));
  const types = props.authentication ? (['otp'] as const) : TYPES.filter((x) => x !== 'otp');
  return (
    <Stack gap="sm">
      {buttons.map((b, i) => (
        <Paper key={b.uid} withBorder p="sm">
          <Group align="flex-start" gap="sm" wrap="wrap">
            <Select
              label={t('builder.buttons')}
              data={TYPES.map((type) => ({ value: type, label: t(`builder.buttonTypes.${type}`) }))}
              value={b.type}
              onChange={(v) => v && set(i, { type: v as ButtonState['type'] })}
              w={200}
              disabled={props.disabled}
              allowDeselect={false}
            />
            {b.type !== 'copy_code' ? (
              <TextInput label={t('builder.buttonText')} value={b.text} onChange={(e) => set(i, { text: e.currentTarget.value })} error={errorOf(`buttons.${i}.text`)} w={200} disabled={props.disabled} />
            ) : null}
            {b.type === 'url' ? (
              <>
                <TextInput
                  label={t('builder.url')}
                  description={t('builder.urlHint', { v: '{{1}}' })}
                  value={b.url}
                  onChange={(e) => set(i, { url: e.currentTarget.value })}
                  error={errorOf(`buttons.${i}.url`)}
                  style={{ flex: 1, minWidth: 220 }}
                  disabled={props.disabled}
                />
                {/\{\{[^}]*\}\}$/.test(b.url) ? (
                  <TextInput label={t('builder.urlExample')} value={b.example} onChange={(e) => set(i, { example: e.currentTarget.value })} error={errorOf(`buttons.${i}.example`)} w={180} disabled={props.disabled} />
                ) : null}
              </>
            ) : null}
            {b.type === 'phone_number' ? (
              <TextInput label={t('builder.phone')} value={b.phoneNumber} onChange={(e) => set(i, { phoneNumber: e.currentTarget.value })} error={errorOf(`buttons.${i}.phoneNumber`)} w={200} disabled={props.disabled} />
            ) : null}
            {b.type === 'copy_code' ? (
              <TextInput label={t('builder.code')} value={b.example} onChange={(e) => set(i, { example: e.currentTarget.value })} error={errorOf(`buttons.${i}.example`)} w={200} disabled={props.disabled} />
            ) : null}
            <ActionIcon variant="subtle" color="red" mt={26} aria-label={t('builder.removeButton', { n: i + 1 })} onClick={() => onChange(buttons.filter((_, j) => j !== i))} disabled={props.disabled}>
              <IconTrash size={18} />
            </ActionIcon>
          </Group>
        </Paper>
      ))}
      <Menu position="bottom-start">
        <Menu.Target>
          <Button variant="light" leftSection={<IconPlus size={16} aria-hidden />} w="fit-content" disabled={props.disabled || buttons.length >= 10}>
            {t('builder.addButton')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {types.map((type) => (
            <Menu.Item key={type} onClick={() => onChange([...buttons, newButton(type)])}>
              {t(`builder.buttonTypes.${type}`)}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </Stack>
  );
}
