import {
  IconAddressBook,
  IconBook2,
  IconBooks,
  IconBrandWhatsapp,
  IconCode,
  IconForms,
  IconHome,
  IconListSearch,
  IconMessageBolt,
  IconMessageChatbot,
  IconMessages,
  IconPlugConnected,
  IconRobot,
  IconSettings,
  IconSpeakerphone,
  IconTemplate,
  IconUsers,
  type TablerIcon,
} from '@tabler/icons-react';
import type { AnyKey } from '../i18n/index.ts';
import type { Permission } from './session.tsx';

/** An entry of the sidebar. */
export interface NavItem {
  /** Route path (absolute), or a full URL for `external` links. */
  path: string;
  /** Translation key of the label, e.g. `nav.home` (app namespace) or `contacts:nav`. */
  labelKey: AnyKey;
  icon: TablerIcon;
  /** Shown only to members holding this permission (see GET /api/v1/me). */
  permission?: Permission;
  /** `main` (the product's modules) or `settings` (the organization's settings). Default `main`. */
  section?: 'main' | 'settings';
  /** Active only on this exact path, not on its children. */
  end?: boolean;
  /** Opens outside the dashboard (e.g. /docs) in a new tab. */
  external?: boolean;
}

/**
 * The sidebar, in order. Each feature APPENDS its entries here (one object, one import); the shell
 * hides entries the member has no permission for. Add the route in the feature's `routes.tsx`.
 */
export const navigation: NavItem[] = [
  { path: '/', labelKey: 'nav.home', icon: IconHome, end: true },
  { path: '/inbox', labelKey: 'inbox:nav', icon: IconMessages },
  { path: '/contacts', labelKey: 'contacts:nav', icon: IconAddressBook, permission: 'contacts.read' },
  { path: '/templates', labelKey: 'templates:nav', icon: IconTemplate, permission: 'templates.read' },
  { path: '/campaigns', labelKey: 'campaigns:nav', icon: IconSpeakerphone, permission: 'campaigns.manage' },
  { path: '/automation/integrations', labelKey: 'integrations:nav', icon: IconPlugConnected, permission: 'assistant.manage' },
  { path: '/automation/assistant', labelKey: 'assistant:nav', icon: IconRobot, permission: 'assistant.manage' },
  { path: '/automation/automated-replies', labelKey: 'assistant:navRules', icon: IconMessageBolt, permission: 'assistant.manage' },
  { path: '/automation/playground', labelKey: 'assistant:navPlayground', icon: IconMessageChatbot, permission: 'assistant.manage' },
  { path: '/knowledge', labelKey: 'knowledge:nav', icon: IconBooks, permission: 'knowledge.manage' },
  { path: '/settings/general', labelKey: 'nav.general', icon: IconSettings, permission: 'organization.read', section: 'settings' },
  { path: '/settings/team', labelKey: 'nav.team', icon: IconUsers, permission: 'team.read', section: 'settings' },
  { path: '/settings/channels', labelKey: 'channels:nav', icon: IconBrandWhatsapp, permission: 'channels.manage', section: 'settings' },
  { path: '/settings/contact-fields', labelKey: 'contacts:navFields', icon: IconForms, permission: 'contacts.fields', section: 'settings' },
  { path: '/settings/developer', labelKey: 'nav.developer', icon: IconCode, permission: 'apiKeys.manage', section: 'settings' },
  { path: '/settings/audit-log', labelKey: 'nav.audit', icon: IconListSearch, permission: 'audit.read', section: 'settings' },
  { path: '/docs', labelKey: 'nav.apiReference', icon: IconBook2, section: 'settings', external: true },
];
