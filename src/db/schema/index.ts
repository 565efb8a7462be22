/** The one Drizzle schema: every module's tables, re-exported for the client and drizzle-kit. */
export * from './assistant.ts';
export * from './audit.ts';
export * from './campaigns.ts';
export * from './channels.ts';
export * from './contacts.ts';
export * from './identity.ts';
export * from './inbox.ts';
export * from './integrations.ts';
export * from './jobs.ts';
export * from './knowledge.ts';
export * from './mail.ts';
export * from './organizations.ts';
export * from './templates.ts';
