import { EmptyState as MantineEmptyState } from '@mantine/core';
import type { TablerIcon } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** Props of `EmptyState`. */
export interface EmptyStateProps {
  icon: TablerIcon;
  title: ReactNode;
  description?: ReactNode;
  /** What to do next (usually one button). */
  action?: ReactNode;
}

/** What a list or page shows when there is nothing yet: an icon, a sentence and the next step. */
export function EmptyState({ icon: Icon, title, description, action }: EmptyStateProps) {
  return (
    <MantineEmptyState
      py="xl"
      px="md"
      variant="light"
      icon={<Icon size={26} stroke={1.6} aria-hidden />}
      title={title}
      description={description}
    >
      {action ? <MantineEmptyState.Actions>{action}</MantineEmptyState.Actions> : null}
    </MantineEmptyState>
  );
}
