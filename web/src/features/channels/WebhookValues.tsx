import { Button, Stack, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../../api/query.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { CopyField } from '../../components/CopyField.tsx';
import { type Channel, channelKeys, updateChannel } from './api.ts';

/** The callback URL and verify token a person pastes in Meta (WhatsApp › Configuration › Webhook). */
export function WebhookValues({ channel, allowRegenerate = false }: { channel: Channel; allowRegenerate?: boolean }) {
  const { t } = useTranslation('channels');
  const regenerate = useApiMutation({
    mutationFn: () => updateChannel(channel.id, { regenerateVerifyToken: true }),
    invalidate: [channelKeys.all],
    errorNs: 'channels',
    successMessage: t('saved'),
  });
  return (
    <Stack gap="xs">
      <div>
        <Text size="sm" fw={600}>
          {t('webhook.callbackUrl')}
        </Text>
        <CopyField value={channel.webhookUrl ?? ''} label={t('webhook.copyUrl')} />
      </div>
      <div>
        <Text size="sm" fw={600}>
          {t('webhook.verifyToken')}
        </Text>
        <CopyField value={channel.verifyToken ?? ''} label={t('webhook.copyToken')} />
      </div>
      {allowRegenerate ? (
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconRefresh size={14} aria-hidden />}
          style={{ alignSelf: 'flex-start' }}
          loading={regenerate.isPending}
          onClick={async () => {
            if (await confirmAction({ message: t('webhook.regenerateConfirm'), confirmLabel: t('webhook.regenerate') })) regenerate.mutate();
          }}
        >
          {t('webhook.regenerate')}
        </Button>
      ) : null}
    </Stack>
  );
}
