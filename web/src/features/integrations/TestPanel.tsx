import { Alert, Badge, Blockquote, Box, Button, Code, Group, Paper, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { jsonPath, MONO, type ParameterRow } from './tool-form.ts';
import type { ToolTestResult } from './types.ts';

/** Sample values of a test run. */
export interface TestValues {
  args: Record<string, string>;
  contact: { firstName: string; phone: string; email: string };
}

/**
 * The Test panel: sample values for each input and a sample contact, then the exact request (secrets
 * masked) and response. Clicking a value of the JSON response picks it into the response mapping.
 */
export function TestPanel({
  parameters,
  running,
  result,
  onRun,
  onPick,
}: {
  parameters: ParameterRow[];
  running: boolean;
  result: ToolTestResult | null;
  onRun: (values: TestValues) => void;
  onPick: (steps: (string | number)[]) => void;
}) {
  const { t } = useTranslation('integrations');
  const [args, setArgs] = useState<Record<string, string>>({});
  const [contact, setContact] = useState({ firstName: '', phone: '', email: '' });
  const named = parameters.filter((p) => p.name.trim());
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h5">
            {t('test.title')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('test.hint')}
          </Text>
        </div>
        {named.map((p) => (
          <TextInput
            key={p.name}
            label={p.name}
            styles={MONO}
            placeholder={p.example || undefined}
            value={args[p.name] ?? ''}
            onChange={(e) => setArgs({ ...args, [p.name]: e.currentTarget.value })}
          />
        ))}
        <Text size="sm" fw={500}>
          {t('test.sampleContact')}
        </Text>
        <Group grow gap="xs">
          <TextInput aria-label={t('test.firstName')} placeholder={t('test.firstName')} value={contact.firstName} onChange={(e) => setContact({ ...contact, firstName: e.currentTarget.value })} />
          <TextInput aria-label={t('test.phone')} placeholder={t('test.phone')} value={contact.phone} onChange={(e) => setContact({ ...contact, phone: e.currentTarget.value })} />
        </Group>
        <TextInput aria-label={t('test.email')} placeholder={t('test.email')} value={contact.email} onChange={(e) => setContact({ ...contact, email: e.currentTarget.value })} />
        <Button leftSection={<IconPlayerPlay size={16} aria-hidden />} loading={running} onClick={() => onRun({ args, contact })}>
          {t('test.run')}
        </Button>
        {result ? <TestResult result={result} onPick={onPick} /> : null}
      </Stack>
    </Paper>
  );
}

function TestResult({ result, onPick }: { result: ToolTestResult; onPick: (steps: (string | number)[]) => void }) {
  const { t } = useTranslation('integrations');
  const color = { ok: 'teal', error: 'red', timeout: 'orange', circuit_open: 'yellow' }[result.status];
  return (
    <Stack gap="sm" data-testid="tool-test-result">
      <Group gap="xs">
        <Badge color={color} variant="light">
          {t(`test.status.${result.status}`)}
          {result.httpStatus ? ` · ${result.httpStatus}` : ''}
        </Badge>
        <Text size="xs" c="dimmed">
          {t('test.latency', { ms: result.latencyMs })}
          {result.attempts > 1 ? ` · ${t('test.attempts', { count: result.attempts })}` : ''}
        </Text>
      </Group>
      {result.error ? (
        <Alert color="red" variant="light" p="xs">
          <Text size="sm">{result.error.message}</Text>
        </Alert>
      ) : null}
      {result.request ? (
        <div>
          <Text size="sm" fw={600}>
            {t('test.request')}
          </Text>
          <Code block>
            {[`${result.request.method} ${result.request.url}`, ...result.request.headers.map((h) => `${h.name}: ${h.value}`), ...(result.request.body ? ['', result.request.body] : [])].join('\n')}
          </Code>
        </div>
      ) : null}
      <div>
        <Text size="sm" fw={600}>
          {t('test.response')}
          {result.response ? ` · ${result.response.status}` : ''}
        </Text>
        {!result.response ? (
          <Text size="sm" c="dimmed">
            {t('test.noResponse')}
          </Text>
        ) : result.response.json !== null && result.response.json !== undefined ? (
          <>
            <Text size="xs" c="dimmed">
              {t('test.pickHint')}
            </Text>
            <Box p="xs" bg="var(--mantine-color-default-hover)" style={{ borderRadius: 6, overflowX: 'auto' }}>
              <JsonTree value={result.response.json} steps={[]} onPick={onPick} />
            </Box>
          </>
        ) : (
          <Code block>{result.response.body}</Code>
        )}
        {result.response?.truncated ? (
          <Text size="xs" c="dimmed">
            {t('test.truncated')}
          </Text>
        ) : null}
      </div>
      {Object.keys(result.variables).length ? (
        <div>
          <Text size="sm" fw={600}>
            {t('test.variables')}
          </Text>
          <Code block>{JSON.stringify(result.variables, null, 2)}</Code>
        </div>
      ) : null}
      {result.reply ? (
        <div>
          <Text size="sm" fw={600}>
            {t('test.reply')}
          </Text>
          <Blockquote p="sm" data-testid="tool-test-reply">
            {result.reply}
          </Blockquote>
        </div>
      ) : null}
      {result.fallbackMessage ? (
        <Text size="sm" c="dimmed">
          {t('test.fallback', { message: result.fallbackMessage })}
        </Text>
      ) : null}
    </Stack>
  );
}

/** A JSON value as an indented tree whose leaves are buttons that pick their path. */
function JsonTree({ value, steps, onPick }: { value: unknown; steps: (string | number)[]; onPick: (steps: (string | number)[]) => void }) {
  if (value !== null && typeof value === 'object') {
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.slice(0, 50).map((v, i) => [i, v]) : Object.entries(value).slice(0, 100);
    return (
      <Stack gap={2} pl={steps.length ? 'md' : 0}>
        {entries.map(([key, child]) => (
          <div key={String(key)}>
            {child !== null && typeof child === 'object' ? (
              <>
                <Text size="xs" ff="monospace" c="dimmed">
                  {typeof key === 'number' ? `[${key}]` : key}
                </Text>
                <JsonTree value={child} steps={[...steps, key]} onPick={onPick} />
              </>
            ) : (
              <Group gap={6} wrap="nowrap">
                <Text size="xs" ff="monospace" c="dimmed">
                  {typeof key === 'number' ? `[${key}]` : key}:
                </Text>
                <UnstyledButton onClick={() => onPick([...steps, key])} title={jsonPath([...steps, key])} aria-label={jsonPath([...steps, key])}>
                  <Text size="xs" ff="monospace" c="blue" style={{ wordBreak: 'break-all' }}>
                    {JSON.stringify(child)}
                  </Text>
                </UnstyledButton>
              </Group>
            )}
          </div>
        ))}
      </Stack>
    );
  }
  return (
    <UnstyledButton onClick={() => onPick(steps)}>
      <Text size="xs" ff="monospace">
        {JSON.stringify(value)}
      </Text>
    </UnstyledButton>
  );
}
