import { Card, Grid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** Props of `SettingsSection`. */
export interface SettingsSectionProps {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
}

/** A block of a settings page: its title and explanation on the left (above on phones), the fields in a card. */
export function SettingsSection({ title, description, children }: SettingsSectionProps) {
  return (
    <section>
    <Grid gap={{ base: 'sm', md: 'xl' }}>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack gap={4}>
          <Title order={2} size="h5">
            {title}
          </Title>
          {description ? (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          ) : null}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Card padding="lg">
          <Stack gap="md">{children}</Stack>
        </Card>
      </Grid.Col>
    </Grid>
    </section>
  );
}
