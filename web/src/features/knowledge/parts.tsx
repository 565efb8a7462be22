import { Badge, Group, Tabs, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import type { KnowledgeDocument } from './api.ts';

const STATUS_COLOR = { pending: 'gray', processing: 'blue', ready: 'teal', failed: 'red' } as const;

/** The tabs shared by the knowledge pages. */
export function KnowledgeTabs() {
  const { t } = useTranslation('knowledge');
  const location = useLocation();
  const navigate = useNavigate();
  const tabs = [
    { value: '/knowledge', label: t('tabs.documents') },
    { value: '/knowledge/gaps', label: t('tabs.gaps') },
    { value: '/knowledge/test', label: t('tabs.test') },
    { value: '/knowledge/settings', label: t('tabs.settings') },
  ];
  const current = tabs.find((tab) => tab.value !== '/knowledge' && location.pathname.startsWith(tab.value))?.value ?? '/knowledge';
  return (
    <Tabs value={current} onChange={(value) => value && navigate(value)} mb="lg" keepMounted={false}>
      <Tabs.List>
        {tabs.map((tab) => (
          <Tabs.Tab key={tab.value} value={tab.value}>
            {tab.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
    </Tabs>
  );
}

/** Why a document failed, in the reader's language (from the stable reason code and its parameters). */
export function useFailureText() {
  const { t } = useTranslation('knowledge');
  return (doc: Pick<KnowledgeDocument, 'failureReason' | 'failureParams'>) =>
    doc.failureReason ? t(`failures.${doc.failureReason}`, { ...(doc.failureParams ?? {}) }) : '';
}

/** The status of a document as a badge; a failure shows its reason on hover and below. */
export function StatusBadge({ doc, showReason = false }: { doc: KnowledgeDocument; showReason?: boolean }) {
  const { t } = useTranslation('knowledge');
  const failure = useFailureText()(doc);
  const badge = (
    <Badge variant="light" radius="sm" color={STATUS_COLOR[doc.status]}>
      {t(`statuses.${doc.status}`)}
    </Badge>
  );
  if (!failure) return badge;
  return (
    <Group gap={6} wrap="nowrap" align="flex-start">
      <Tooltip label={failure} multiline w={320} withArrow>
        {badge}
      </Tooltip>
      {showReason ? (
        <Text size="xs" c="red.7">
          {failure}
          {doc.hasActiveVersion ? ` ${t('document.previousAnswering')}` : ''}
        </Text>
      ) : null}
    </Group>
  );
}

/** A byte count for people (KB, MB). */
export function formatBytes(bytes: number, language: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: unit ? 1 : 0 }).format(value)} ${units[unit]}`;
}
