import type { Deps } from '../../container.ts';
import type { Language } from '../organizations/settings.ts';

/**
 * A demo seeder fills an existing organization with sample data of one module, in the user's
 * language. Each module contributes its own to the container's list; `loadDemo` runs them in order,
 * so later modules can rely on what earlier ones created (channels before conversations, contacts
 * before campaigns).
 */
export interface DemoSeeder {
  name: string;
  seed(deps: Deps, organizationId: string, language: Language): Promise<void>;
}

/** Fills an organization with the demo workspace. */
export async function loadDemo(deps: Deps, organizationId: string, language: Language): Promise<void> {
  for (const seeder of deps.demoSeeders) {
    deps.logger.info({ seeder: seeder.name, organizationId }, 'loading demo data');
    await seeder.seed(deps, organizationId, language);
  }
}
