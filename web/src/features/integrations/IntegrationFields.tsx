import { ActionIcon, Button, Checkbox, Divider, Group, NumberInput, PasswordInput, SegmentedControl, Select, Stack, Switch, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import type { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { AUTH_TYPES, type AuthType, hintLabel, type Hint, type IntegrationFormValues } from './integration-form.ts';
import { rowKey } from './tool-form.ts';

/** Where the stored auth secret's hint comes from (edit forms). */
export interface StoredAuth {
  type: AuthType;
  secret: Hint;
}

/** Every field of an integration: connection, auth (write-only secrets), headers, secrets, allowlist, circuit breaker. */
export function IntegrationFields({ form, stored }: { form: Pick<ReturnType<typeof useForm<IntegrationFormValues>>, 'getValues' | 'getInputProps' | 'setFieldValue' | 'insertListItem' | 'removeListItem' | 'errors'>; stored?: StoredAuth }) {
  const { t } = useTranslation('integrations');
  const v = form.getValues();
  const mcp = v.kind === 'mcp';
  const storedHint = stored && stored.type === v.authType ? hintLabel(stored.secret, t) : undefined;
  const secretInput = (label: string) => (
    <PasswordInput
      label={label}
      placeholder={storedHint}
      description={storedHint ? t('form.secretKeep') : undefined}
      autoComplete="new-password"
      required={!storedHint}
      {...form.getInputProps('secret')}
    />
  );
  return (
    <Stack gap="md">
      <TextInput label={t('form.name')} required maxLength={100} {...form.getInputProps('name')} />
      <Textarea label={t('form.description')} autosize minRows={1} maxLength={1000} {...form.getInputProps('description')} />
      <TextInput
        label={mcp ? t('form.mcpUrl') : t('form.baseUrl')}
        description={mcp ? t('form.mcpUrlHint') : t('form.baseUrlHint', { example: '/orders/{{orderId}}' })}
        placeholder={mcp ? 'https://mcp.example.com/mcp' : 'https://api.example.com/v1'}
        required={mcp}
        {...form.getInputProps('baseUrl')}
      />

      <Divider />
      <Title order={3} size="h5">
        {t('form.auth')}
      </Title>
      <Select
        aria-label={t('form.auth')}
        data={AUTH_TYPES.map((value) => ({ value, label: t(`authTypes.${value}`) }))}
        allowDeselect={false}
        {...form.getInputProps('authType')}
      />
      {v.authType === 'apiKey' ? (
        <>
          <SegmentedControl
            aria-label={t('form.keyIn')}
            data={[
              { value: 'header', label: t('form.keyInHeader') },
              { value: 'query', label: t('form.keyInQuery') },
            ]}
            {...form.getInputProps('apiKeyIn')}
          />
          <TextInput label={t('form.keyName')} required {...form.getInputProps('apiKeyName')} />
          {secretInput(t('form.keyValue'))}
        </>
      ) : null}
      {v.authType === 'bearer' ? secretInput(t('form.token')) : null}
      {v.authType === 'basic' ? (
        <>
          <TextInput label={t('form.username')} required autoComplete="off" {...form.getInputProps('username')} />
          {secretInput(t('form.password'))}
        </>
      ) : null}
      {v.authType === 'oauth2' ? (
        <>
          <TextInput label={t('form.tokenUrl')} required placeholder="https://auth.example.com/oauth/token" {...form.getInputProps('tokenUrl')} />
          <TextInput label={t('form.clientId')} required autoComplete="off" {...form.getInputProps('clientId')} />
          {secretInput(t('form.clientSecret'))}
          <Group grow align="flex-start">
            <TextInput label={t('form.scope')} {...form.getInputProps('scope')} />
            <TextInput label={t('form.audience')} {...form.getInputProps('audience')} />
          </Group>
          <Select
            label={t('form.clientAuth')}
            data={[
              { value: 'basic', label: t('form.clientAuthBasic') },
              { value: 'body', label: t('form.clientAuthBody') },
            ]}
            allowDeselect={false}
            {...form.getInputProps('clientAuth')}
          />
        </>
      ) : null}

      <Divider />
      <SectionTitle title={t('form.headers')} hint={t('form.headersHint', { example: '{{secrets.name}}' })} />
      {v.headers.map((h, i) => (
        <Group key={h.key} align="flex-end" wrap="nowrap" gap="xs">
          <TextInput label={t('form.headerName')} style={{ flex: 1 }} {...form.getInputProps(`headers.${i}.name`)} />
          {h.secret ? (
            <PasswordInput label={t('form.headerValue')} style={{ flex: 2 }} placeholder={hintLabel(h.hint, t)} autoComplete="new-password" {...form.getInputProps(`headers.${i}.value`)} />
          ) : (
            <TextInput label={t('form.headerValue')} style={{ flex: 2 }} {...form.getInputProps(`headers.${i}.value`)} />
          )}
          <Checkbox label={t('form.headerSecret')} mb={8} {...form.getInputProps(`headers.${i}.secret`, { type: 'checkbox' })} />
          <ActionIcon variant="subtle" color="red" mb={4} aria-label={t('form.remove')} onClick={() => form.removeListItem('headers', i)}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} style={{ alignSelf: 'flex-start' }} onClick={() => form.insertListItem('headers', { key: rowKey(), name: '', value: '', secret: false, hint: null })}>
        {t('form.addHeader')}
      </Button>

      <Divider />
      <SectionTitle title={t('form.secrets')} hint={t('form.secretsHint', { example: '{{secrets.name}}' })} />
      {v.secrets.map((s, i) => (
        <Group key={s.key} align="flex-end" wrap="nowrap" gap="xs">
          <TextInput label={t('form.secretName')} style={{ flex: 1 }} readOnly={!!s.hint} {...form.getInputProps(`secrets.${i}.name`)} />
          <PasswordInput label={t('form.secretValue')} style={{ flex: 2 }} placeholder={hintLabel(s.hint, t)} autoComplete="new-password" {...form.getInputProps(`secrets.${i}.value`)} />
          <ActionIcon
            variant="subtle"
            color="red"
            mb={4}
            aria-label={t('form.removeSecret')}
            onClick={() => {
              if (s.hint) form.setFieldValue('removedSecrets', [...form.getValues().removedSecrets, s.name]);
              form.removeListItem('secrets', i);
            }}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} style={{ alignSelf: 'flex-start' }} onClick={() => form.insertListItem('secrets', { key: rowKey(), name: '', value: '', hint: null })}>
        {t('form.addSecret')}
      </Button>

      <Divider />
      <TagsInput label={t('form.allowedHosts')} description={t('form.allowedHostsHint')} placeholder="127.0.0.1, erp.internal" {...form.getInputProps('allowedPrivateHosts')} />
      <Group grow align="flex-start">
        <NumberInput label={t('form.failureThreshold')} min={1} max={100} allowDecimal={false} {...form.getInputProps('failureThreshold')} />
        <NumberInput label={t('form.cooldownSeconds')} min={1} max={86400} allowDecimal={false} {...form.getInputProps('cooldownSeconds')} />
      </Group>
      <Switch label={t('form.enabled')} {...form.getInputProps('enabled', { type: 'checkbox' })} />
    </Stack>
  );
}

function SectionTitle({ title, hint }: { title: string; hint: string }) {
  return (
    <div>
      <Title order={3} size="h5">
        {title}
      </Title>
      <Text size="sm" c="dimmed">
        {hint}
      </Text>
    </div>
  );
}
