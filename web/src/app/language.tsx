import { ActionIcon, Button, Menu } from '@mantine/core';
import { IconCheck, IconLanguage } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { notifyError } from '../components/notify.tsx';
import { applyLanguage, currentLanguage } from '../i18n/index.ts';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../i18n/languages.ts';
import { useSession } from './session.tsx';

/**
 * Changes the interface language: at once on screen, in this browser (localStorage) and, when signed
 * in, in the person's profile (PATCH /api/v1/me) so it follows them to other devices.
 */
export function useChangeLanguage() {
  const { session, setSession } = useSession();
  return async (language: Language) => {
    await applyLanguage(language, { remember: true });
    if (!session || session.user.locale === language) return;
    try {
      setSession(await unwrap(api.PATCH('/api/v1/me', { body: { locale: language } })));
    } catch (error) {
      notifyError(error);
    }
  };
}

/** The language menu of the header and of the sign-in pages. `compact` shows only an icon. */
export function LanguagePicker({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const change = useChangeLanguage();
  const active = currentLanguage();
  return (
    <Menu position="bottom-end" width={210} shadow="md">
      <Menu.Target>
        {compact ? (
          <ActionIcon variant="default" size="lg" aria-label={t('header.language')} data-testid="language-picker">
            <IconLanguage size={18} />
          </ActionIcon>
        ) : (
          <Button variant="subtle" color="gray" leftSection={<IconLanguage size={18} />} aria-label={t('header.language')} data-testid="language-picker">
            {LANGUAGE_NAMES[active]}
          </Button>
        )}
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('header.language')}</Menu.Label>
        {LANGUAGES.map((language) => (
          <Menu.Item
            key={language}
            lang={language}
            onClick={() => void change(language)}
            rightSection={language === active ? <IconCheck size={16} aria-hidden /> : null}
            aria-current={language === active ? 'true' : undefined}
          >
            {LANGUAGE_NAMES[language]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
