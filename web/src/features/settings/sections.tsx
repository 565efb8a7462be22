import { ActionIcon, Button, Group, NumberInput, SegmentedControl, Select, SimpleGrid, Slider, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconPlayerPlay, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { NOTIFICATION_SOUNDS, playNotificationSound } from '../../components/notification-sound.ts';
import { CountrySelect, LanguageSelect, TimezoneSelect } from '../../components/pickers.tsx';
import { SettingsSection } from '../../components/SettingsSection.tsx';
import type { GeneralForm } from './GeneralSettingsPage.tsx';
import { useGroupOptions } from './groups.ts';

/** Name, address, time zone, language and phone country. */
export function OrganizationSections({ form }: { form: GeneralForm }) {
  const { t } = useTranslation('settings');
  return (
    <>
      <SettingsSection title={t('organization.title')} description={t('organization.description')}>
        <TextInput label={t('organization.name')} required autoComplete="organization" {...form.getInputProps('name')} />
      </SettingsSection>
      <SettingsSection title={t('regional.title')} description={t('regional.description')}>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TimezoneSelect label={t('regional.timezone')} required allowDeselect={false} {...form.getInputProps('timezone')} />
          <LanguageSelect label={t('regional.locale')} {...form.getInputProps('locale')} />
        </SimpleGrid>
        <CountrySelect label={t('regional.country')} description={t('regional.countryHint')} clearable {...form.getInputProps('country')} />
      </SettingsSection>
      <SettingsSection title={t('address.title')} description={t('address.description')}>
        <TextInput label={t('address.street')} autoComplete="street-address" {...form.getInputProps('address.street')} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('address.city')} autoComplete="address-level2" {...form.getInputProps('address.city')} />
          <TextInput label={t('address.state')} autoComplete="address-level1" {...form.getInputProps('address.state')} />
          <TextInput label={t('address.postalCode')} autoComplete="postal-code" {...form.getInputProps('address.postalCode')} />
          <TextInput label={t('address.country')} autoComplete="country-name" {...form.getInputProps('address.country')} />
        </SimpleGrid>
      </SettingsSection>
    </>
  );
}

/** Sound on/off, which sound, volume and a preview. */
export function NotificationSection({ form }: { form: GeneralForm }) {
  const { t } = useTranslation('settings');
  const { soundEnabled, sound, volume } = form.getValues().settings.notifications;
  return (
    <SettingsSection title={t('notifications.title')} description={t('notifications.description')}>
      <Switch label={t('notifications.enabled')} {...form.getInputProps('settings.notifications.soundEnabled', { type: 'checkbox' })} />
      <Stack gap="md" opacity={soundEnabled ? 1 : 0.55}>
        <Stack gap={6}>
          <Text size="sm" fw={500} id="sound-label">
            {t('notifications.sound')}
          </Text>
          <Group gap="sm" wrap="wrap">
            <SegmentedControl
              aria-labelledby="sound-label"
              disabled={!soundEnabled}
              data={NOTIFICATION_SOUNDS.map((value) => ({ value, label: t(`notifications.sounds.${value}`) }))}
              {...form.getInputProps('settings.notifications.sound')}
            />
            <Button
              variant="light"
              leftSection={<IconPlayerPlay size={16} aria-hidden />}
              onClick={() => void playNotificationSound(sound, volume)}
              aria-label={t('notifications.playLabel')}
            >
              {t('notifications.play')}
            </Button>
          </Group>
        </Stack>
        <Stack gap={6}>
          <Text size="sm" fw={500} id="volume-label">
            {t('notifications.volume')}
          </Text>
          <Slider
            aria-labelledby="volume-label"
            disabled={!soundEnabled}
            min={0}
            max={1}
            step={0.05}
            label={(value) => `${Math.round(value * 100)}%`}
            marks={[{ value: 0, label: '0%' }, { value: 0.5, label: '50%' }, { value: 1, label: '100%' }]}
            mb="md"
            {...form.getInputProps('settings.notifications.volume')}
          />
        </Stack>
      </Stack>
    </SettingsSection>
  );
}

/** Automatic resends: on/off, the increasing list of intervals, and the group for failed contacts. */
export function CampaignSection({ form }: { form: GeneralForm }) {
  const { t } = useTranslation(['settings', 'app']);
  const campaigns = form.getValues().settings.campaigns;
  const intervals = campaigns.retryIntervalsHours;
  const groups = useGroupOptions();
  const unavailable = groups.data === null;
  const groupData = (groups.data ?? []).map((g) => ({ value: g.id, label: g.name }));
  // Keep a chosen group visible even before the list loads (or if it was deleted).
  if (campaigns.failedGroupId && !groupData.some((g) => g.value === campaigns.failedGroupId)) {
    groupData.push({ value: campaigns.failedGroupId, label: campaigns.failedGroupId });
  }

  return (
    <SettingsSection title={t('campaigns.title')} description={t('campaigns.description')}>
      <Switch label={t('campaigns.enabled')} {...form.getInputProps('settings.campaigns.resendEnabled', { type: 'checkbox' })} />
      <Stack gap={6} opacity={campaigns.resendEnabled ? 1 : 0.55}>
        <Text size="sm" fw={500}>
          {t('campaigns.intervals')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('campaigns.intervalsHint')}
        </Text>
        <Stack gap="xs" mt={4}>
          {intervals.map((_, i) => (
            <Group key={form.key(`settings.campaigns.retryIntervalsHours.${i}`)} gap="xs" align="flex-start" wrap="nowrap">
              <Text size="sm" c="dimmed" w={28} pt={8} ta="right" aria-hidden>
                {i + 1}.
              </Text>
              <NumberInput
                aria-label={t('campaigns.interval', { n: i + 1 })}
                min={0.1}
                max={168}
                step={1}
                decimalScale={2}
                suffix=" h"
                w={160}
                disabled={!campaigns.resendEnabled}
                {...form.getInputProps(`settings.campaigns.retryIntervalsHours.${i}`)}
              />
              <ActionIcon
                variant="subtle"
                color="gray"
                size="lg"
                mt={2}
                disabled={intervals.length <= 1 || !campaigns.resendEnabled}
                onClick={() => form.removeListItem('settings.campaigns.retryIntervalsHours', i)}
                aria-label={t('campaigns.removeInterval', { n: i + 1 })}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
        </Stack>
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconPlus size={14} aria-hidden />}
          style={{ alignSelf: 'flex-start' }}
          disabled={intervals.length >= 10 || !campaigns.resendEnabled}
          onClick={() => {
            const last = Number(intervals.at(-1) ?? 0);
            form.insertListItem('settings.campaigns.retryIntervalsHours', Math.min(168, last > 0 ? last * 2 : 1));
          }}
        >
          {t('campaigns.addInterval')}
        </Button>
      </Stack>
      <Switch
        label={t('campaigns.moveFailed')}
        {...form.getInputProps('settings.campaigns.moveFailedToGroup', { type: 'checkbox' })}
        disabled={unavailable && !campaigns.moveFailedToGroup}
      />
      <Select
        label={t('campaigns.group')}
        placeholder={t('campaigns.groupPlaceholder')}
        data={groupData}
        searchable
        clearable
        disabled={unavailable || !campaigns.moveFailedToGroup}
        description={unavailable ? t('campaigns.groupsUnavailable') : groups.data?.length === 0 ? t('campaigns.noGroups') : undefined}
        nothingFoundMessage={t('app:common.noResults')}
        {...form.getInputProps('settings.campaigns.failedGroupId')}
      />
    </SettingsSection>
  );
}

/** Ticketing on/off, automatic assignment and what agents may see. */
export function TicketSection({ form }: { form: GeneralForm }) {
  const { t } = useTranslation('settings');
  const enabled = form.getValues().settings.tickets.enabled;
  return (
    <SettingsSection title={t('tickets.title')} description={t('tickets.description')}>
      <Switch label={t('tickets.enabled')} {...form.getInputProps('settings.tickets.enabled', { type: 'checkbox' })} />
      <Stack gap={6} opacity={enabled ? 1 : 0.55}>
        <Text size="sm" fw={500} id="auto-assignment-label">
          {t('tickets.autoAssignment')}
        </Text>
        <SegmentedControl
          aria-labelledby="auto-assignment-label"
          disabled={!enabled}
          style={{ alignSelf: 'flex-start' }}
          data={[
            { value: 'off', label: t('tickets.autoAssignmentOff') },
            { value: 'round_robin', label: t('tickets.autoAssignmentRoundRobin') },
          ]}
          {...form.getInputProps('settings.tickets.autoAssignment')}
        />
        <Text size="xs" c="dimmed">
          {t('tickets.autoAssignmentHint')}
        </Text>
      </Stack>
      <Switch
        label={t('tickets.reassignReopened')}
        description={t('tickets.reassignReopenedHint')}
        disabled={!enabled}
        {...form.getInputProps('settings.tickets.reassignReopened', { type: 'checkbox' })}
      />
      <Switch label={t('tickets.agentsSeeUnassigned')} disabled={!enabled} {...form.getInputProps('settings.tickets.agentsSeeUnassigned', { type: 'checkbox' })} />
    </SettingsSection>
  );
}
