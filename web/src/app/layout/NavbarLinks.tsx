import { NavLink, Stack, Text } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterLink, useLocation } from 'react-router';
import { allNamespaces } from '../../i18n/index.ts';
import { type NavItem, navigation } from '../navigation.tsx';
import { useSession } from '../session.tsx';

/** The sidebar: the registry's entries the member may use, grouped into the product and settings. */
export function NavbarLinks() {
  const { t } = useTranslation();
  const { can } = useSession();
  const visible = navigation.filter((item) => !item.permission || can(item.permission));
  const main = visible.filter((item) => (item.section ?? 'main') === 'main');
  const settings = visible.filter((item) => item.section === 'settings');
  return (
    <Stack gap={2}>
      {main.map((item) => (
        <NavEntry key={item.path} item={item} />
      ))}
      {settings.length > 0 ? (
        <>
          <Text size="xs" fw={600} c="dimmed" tt="uppercase" mt="lg" mb={4} px="sm" style={{ letterSpacing: 0.4 }}>
            {t('nav.settings')}
          </Text>
          {settings.map((item) => (
            <NavEntry key={item.path} item={item} />
          ))}
        </>
      ) : null}
    </Stack>
  );
}

function NavEntry({ item }: { item: NavItem }) {
  const { t } = useTranslation(allNamespaces);
  const { pathname } = useLocation();
  const Icon = item.icon;
  const label = t(item.labelKey);
  if (item.external) {
    return (
      <NavLink
        component="a"
        href={item.path}
        target="_blank"
        rel="noopener"
        label={label}
        leftSection={<Icon size={18} stroke={1.7} aria-hidden />}
        rightSection={<IconExternalLink size={14} aria-hidden />}
        style={{ borderRadius: 'var(--mantine-radius-md)' }}
      />
    );
  }
  const active = item.end ? pathname === item.path : pathname === item.path || pathname.startsWith(`${item.path}/`);
  return (
    <NavLink
      component={RouterLink}
      to={item.path}
      end={item.end}
      label={label}
      active={active}
      leftSection={<Icon size={18} stroke={1.7} aria-hidden />}
      style={{ borderRadius: 'var(--mantine-radius-md)' }}
    />
  );
}
