import { ActionIcon, Code, CopyButton, Group, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** Props of `CopyField`. */
export interface CopyFieldProps {
  value: string;
  /** Accessible name of the copy button, e.g. "Copy the invitation link". */
  label?: string;
  /** Show the value as a multi-line block (commands, long links). */
  block?: boolean;
}

/** A monospace value with a copy button (API keys, links, commands). */
export function CopyField({ value, label, block = false }: CopyFieldProps) {
  return (
    <Group gap="xs" wrap="nowrap" align={block ? 'flex-start' : 'center'}>
      <Code block={block} style={{ flex: 1, minWidth: 0, overflowWrap: 'anywhere', whiteSpace: block ? 'pre-wrap' : 'normal' }}>
        {value}
      </Code>
      <CopyIconButton value={value} label={label} />
    </Group>
  );
}

/** Just the copy button, with a "Copied" tooltip. */
export function CopyIconButton({ value, label }: { value: string; label?: string }) {
  const { t } = useTranslation();
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? t('common.copied') : (label ?? t('common.copy'))} position="left">
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={label ?? t('common.copy')}>
            {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}
