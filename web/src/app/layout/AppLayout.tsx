import { AppShell, Burger, Group, ScrollArea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { PermissionOutlet } from '../gates.tsx';
import { LanguagePicker } from '../language.tsx';
import { Logo } from './Logo.tsx';
import { NavbarLinks } from './NavbarLinks.tsx';
import { OrganizationSwitcher } from './OrganizationSwitcher.tsx';
import { UserMenu } from './UserMenu.tsx';

/** The signed-in shell: header (organization, language, account), sidebar navigation and the page. */
export function AppLayout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();

  // On mobile the sidebar is a drawer: close it after navigating.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation on purpose
  useEffect(() => close(), [location.pathname, close]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'md', sm: 'lg', lg: 'xl' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('header.toggleNavigation')} aria-expanded={opened} />
            <Link to="/" aria-label="Charla" style={{ display: 'flex', textDecoration: 'none', color: 'inherit' }}>
              <Logo />
            </Link>
            <OrganizationSwitcher />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguagePicker compact />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t('nav.main')}>
        <AppShell.Section grow component={ScrollArea}>
          <NavbarLinks />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <div style={{ maxWidth: 1200, margin: '0 auto' }}>
          <PermissionOutlet />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
