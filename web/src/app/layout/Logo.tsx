import { Group, Text } from '@mantine/core';

/** Charla's mark and name. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <Group gap={8} wrap="nowrap">
      <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true">
        <rect width="64" height="64" rx="14" fill="var(--mantine-color-brand-8)" />
        <path d="M17 22a7 7 0 0 1 7-7h16a7 7 0 0 1 7 7v12a7 7 0 0 1-7 7H30l-8 7v-7h0a5 5 0 0 1-5-5z" fill="#fff" />
        <circle cx="26" cy="28" r="2.6" fill="var(--mantine-color-brand-8)" />
        <circle cx="32" cy="28" r="2.6" fill="var(--mantine-color-brand-8)" />
        <circle cx="38" cy="28" r="2.6" fill="var(--mantine-color-brand-8)" />
      </svg>
      <Text fw={700} size="lg" visibleFrom="xs">
        Charla
      </Text>
    </Group>
  );
}
