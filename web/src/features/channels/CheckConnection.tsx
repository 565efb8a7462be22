import { Alert, Button, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconPlugConnected } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../../api/query.ts';
import { useFormatters } from '../../components/format.ts';
import { type Channel, type CheckResult, channelKeys, checkChannel } from './api.ts';

/** "Check connection": asks WhatsApp for the number with the stored credentials and shows the answer in words. */
export function CheckConnection({ channelId, last }: { channelId: string; last?: Channel['lastCheck'] }) {
  const { t } = useTranslation('channels');
  const { relative } = useFormatters();
  const [result, setResult] = useState<CheckResult | null>(null);
  const check = useApiMutation({
    mutationFn: () => checkChannel(channelId),
    invalidate: [channelKeys.all],
    errorNs: 'channels',
    onSuccess: (r) => setResult(r),
  });
  const shown = result ? { ok: result.ok, message: result.message, at: result.checkedAt } : last ? { ok: last.ok, message: last.message, at: last.at } : null;
  return (
    <Stack gap="xs">
      <Button variant="light" leftSection={<IconPlugConnected size={18} aria-hidden />} loading={check.isPending} onClick={() => check.mutate()} style={{ alignSelf: 'flex-start' }}>
        {t('check.button')}
      </Button>
      {shown ? (
        <Alert
          role="status"
          color={shown.ok ? 'teal' : 'red'}
          icon={shown.ok ? <IconCircleCheck size={18} /> : <IconAlertTriangle size={18} />}
          title={shown.ok ? t('check.ok') : t('check.failed')}
        >
          <Text size="sm">{shown.message}</Text>
          <Text size="xs" c="dimmed" mt={4}>
            {t('check.last', { when: relative(shown.at) })}
          </Text>
        </Alert>
      ) : null}
    </Stack>
  );
}
