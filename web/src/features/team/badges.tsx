import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../app/session.tsx';

const ROLE_COLORS: Record<Role, string> = { owner: 'grape', manager: 'blue', agent: 'gray' };
const STATUS_COLORS = { active: 'teal', invited: 'yellow', disabled: 'red' } as const;

/** A member's role as a colored badge. */
export function RoleBadge({ role }: { role: Role }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={ROLE_COLORS[role]} radius="sm" miw="max-content">
      {t(`roles.${role}`)}
    </Badge>
  );
}

/** A member's status as a colored badge. */
export function StatusBadge({ status }: { status: keyof typeof STATUS_COLORS }) {
  const { t } = useTranslation('team');
  return (
    <Badge variant="dot" color={STATUS_COLORS[status]} radius="sm" miw="max-content">
      {t(`statuses.${status}`)}
    </Badge>
  );
}
