import { Badge, Button, Menu, Modal, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { IconBuildingStore, IconCheck, IconChevronDown, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { rules } from '../../components/forms.ts';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { currentLanguage } from '../../i18n/index.ts';
import { useSession } from '../session.tsx';

/** The active organization's name; a menu to switch to another one or create a new one. */
export function OrganizationSwitcher() {
  const { t } = useTranslation();
  const { session, switchOrganization, setSession } = useSession();
  const navigate = useNavigate();
  const [creating, { open, close }] = useDisclosure();
  if (!session) return null;
  const active = session.organizations.find((o) => o.id === session.activeOrganizationId);

  const choose = async (id: string, name: string) => {
    if (id === session.activeOrganizationId) return;
    try {
      await switchOrganization(id);
      navigate('/');
      notifySuccess(t('header.switched', { name }));
    } catch (error) {
      notifyError(error);
    }
  };

  return (
    <>
      <Menu position="bottom-start" width={280} shadow="md">
        <Menu.Target>
          <UnstyledButton
            aria-label={t('header.switchOrganization')}
            data-testid="organization-switcher"
            px="sm"
            py={6}
            style={{ borderRadius: 'var(--mantine-radius-md)', border: '1px solid var(--mantine-color-default-border)', display: 'flex', alignItems: 'center', gap: 8, minWidth: 0, maxWidth: 260 }}
          >
            <IconBuildingStore size={16} aria-hidden style={{ flexShrink: 0 }} />
            <Text size="sm" fw={500} truncate="end">
              {active?.name ?? '—'}
            </Text>
            <IconChevronDown size={14} aria-hidden style={{ flexShrink: 0 }} />
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('header.switchOrganization')}</Menu.Label>
          {session.organizations.map((org) => (
            <Menu.Item
              key={org.id}
              onClick={() => void choose(org.id, org.name)}
              rightSection={org.id === session.activeOrganizationId ? <IconCheck size={16} aria-hidden /> : <Badge size="xs" variant="light" color="gray">{t(`roles.${org.role}`)}</Badge>}
            >
              <Text size="sm" truncate="end">
                {org.name}
              </Text>
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item leftSection={<IconPlus size={16} aria-hidden />} onClick={open}>
            {t('header.newOrganization')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={creating} onClose={close} title={t('header.newOrganization')}>
        <NewOrganizationForm
          onCreated={(next) => {
            close();
            setSession(next);
            navigate('/');
          }}
        />
      </Modal>
    </>
  );
}

function NewOrganizationForm({ onCreated }: { onCreated: (session: Awaited<ReturnType<typeof createOrganization>>) => void }) {
  const { t } = useTranslation();
  const form = useForm({ initialValues: { name: '' }, validate: { name: rules.required } });
  const mutation = useApiMutation({
    mutationFn: createOrganization,
    form,
    successMessage: (_, values) => t('header.switched', { name: values.name }),
    onSuccess: (next) => onCreated(next),
  });
  return (
    <form onSubmit={form.onSubmit((values) => mutation.mutate(values))} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          {t('header.newOrganizationHint')}
        </Text>
        <TextInput label={t('header.organizationName')} required data-autofocus {...form.getInputProps('name')} />
        <Button type="submit" loading={mutation.isPending}>
          {t('common.create')}
        </Button>
      </Stack>
    </form>
  );
}

function createOrganization(values: { name: string }) {
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return unwrap(api.POST('/api/v1/organizations', { body: { name: values.name, language: currentLanguage(), timezone } }));
}
