import { ensureTemplate } from './template.ts';

/** Prepares the migrated database template once for the whole run. */
export default async function globalSetup() {
  await ensureTemplate(process.env.TEST_DATABASE_URL || undefined);
}
