import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconBook2, IconKey, IconSettings, IconUserCircle, IconUserPlus, type TablerIcon } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Permission, useMember } from '../../app/session.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';

interface Step {
  key: 'team' | 'apiKey' | 'docs' | 'settings' | 'profile';
  icon: TablerIcon;
  to: string;
  external?: boolean;
  permission?: Permission;
}

const STEPS: Step[] = [
  { key: 'team', icon: IconUserPlus, to: '/settings/team?invite=1', permission: 'team.invite' },
  { key: 'apiKey', icon: IconKey, to: '/settings/developer', permission: 'apiKeys.manage' },
  { key: 'docs', icon: IconBook2, to: '/docs', external: true },
  { key: 'settings', icon: IconSettings, to: '/settings/general', permission: 'organization.update' },
  { key: 'profile', icon: IconUserCircle, to: '/profile' },
];

/** The home page: a welcome and the next steps the member can take. */
export function HomePage() {
  const { t } = useTranslation(['home', 'app']);
  const { session, me, can } = useMember();
  const steps = STEPS.filter((step) => !step.permission || can(step.permission));
  return (
    <Stack gap="xl">
      <PageHeader
        title={t('title', { name: session.user.name.split(' ')[0] })}
        description={t('description', { organization: me.organization.name })}
        actions={<Badge variant="light" size="lg" tt="none">{t('role', { role: t(`app:roles.${me.role}`) })}</Badge>}
      />
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('nextSteps')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          {steps.map(({ key, icon: Icon, to, external }) => (
            <Card key={key} padding="lg" shadow="xs" style={{ display: 'flex', flexDirection: 'column' }}>
              <Group gap="sm" wrap="nowrap" mb="xs">
                <ThemeIcon variant="light" size={38} radius="md">
                  <Icon size={20} aria-hidden />
                </ThemeIcon>
                <Text fw={600}>{t(`steps.${key}.title`)}</Text>
              </Group>
              <Text size="sm" c="dimmed" style={{ flex: 1 }}>
                {t(`steps.${key}.description`)}
              </Text>
              {external ? (
                <Button component="a" href={to} target="_blank" rel="noopener" variant="light" mt="md" style={{ alignSelf: 'flex-start' }}>
                  {t(`steps.${key}.action`)}
                </Button>
              ) : (
                <Button component={Link} to={to} variant="light" mt="md" style={{ alignSelf: 'flex-start' }}>
                  {t(`steps.${key}.action`)}
                </Button>
              )}
            </Card>
          ))}
        </SimpleGrid>
      </Stack>
    </Stack>
  );
}
