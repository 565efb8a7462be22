import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { LanguagePicker } from '../language.tsx';
import { Logo } from './Logo.tsx';

/** Props of `AuthLayout`. */
export interface AuthLayoutProps {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  /** Wider card for longer forms (onboarding). */
  wide?: boolean;
  /** Under the card (e.g. "Back to sign in"). */
  footer?: ReactNode;
}

/** The frame of the signed-out pages: logo, language picker and a centered card. */
export function AuthLayout({ title, description, children, wide = false, footer }: AuthLayoutProps) {
  return (
    <Box mih="100dvh" bg="var(--mantine-color-body)" style={{ backgroundImage: 'radial-gradient(circle at 20% 0%, var(--mantine-color-brand-light) 0, transparent 45%)' }}>
      <Group justify="space-between" px={{ base: 'md', sm: 'xl' }} py="md">
        <Logo />
        <LanguagePicker />
      </Group>
      <Center px="md" pb="xl" pt={{ base: 'md', sm: 40 }}>
        <Stack w="100%" maw={wide ? 640 : 440} gap="md">
          <Paper withBorder shadow="sm" p={{ base: 'lg', sm: 'xl' }} radius="lg">
            <Stack gap={4} mb="lg">
              <Title order={1} fz={{ base: 22, sm: 26 }}>
                {title}
              </Title>
              {description ? (
                <Text c="dimmed" size="sm">
                  {description}
                </Text>
              ) : null}
            </Stack>
            {children}
          </Paper>
          {footer ? (
            <Text ta="center" size="sm">
              {footer}
            </Text>
          ) : null}
        </Stack>
      </Center>
    </Box>
  );
}
