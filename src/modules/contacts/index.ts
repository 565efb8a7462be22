/**
 * The contacts module's public face: other modules (inbox, campaigns, assistant) import only this.
 */
export { contactsRecurring, registerContactsJobs, registerContactsRoutes } from './contacts.module.ts';
export { contactsDemoSeeder } from './contacts.demo.ts';
export type { ContactFilter } from './contact-filter.ts';
export type { ContactRow } from './contacts.repository.ts';
export { getContact, listContacts, createContact, updateContact, type ContactInput, type ContactView } from './contacts.service.ts';
export { contactLockKey, findByIdentity, findOrCreateContactByPhone, findOrCreateContactsByWaId, whatsappPhoneVariants, type ChannelPerson, type WhatsappWriter } from './channel-contacts.ts';
export { applyOptOutKeywords, recordConsent, listConsents, type ConsentDecision, type ConsentSource } from './consents.service.ts';
export { audienceContacts, audiencePage, audienceWhere, countAudience, hasMarketingConsent, type Audience, type AudienceContact } from './audiences.ts';
export { listGroups, getGroup, changeGroupMembership, resolveGroupsByName, type GroupView } from './groups.service.ts';
export { normalizePhone, toRegion } from './phone.ts';
export { normalizeEmail } from './email.ts';
export { importContactsFromFile } from './imports/import-from-file.ts';
