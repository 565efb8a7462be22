import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoSeeder } from '../demo/demo.service.ts';
import { createDocument } from './documents.service.ts';
import { processVersion } from './jobs/process-document.job.ts';

/** The sample knowledge base of the demo shop (Tienda Aurora): Q&A documents in Spanish, Portuguese and English. */
export const DEMO_KNOWLEDGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo');

/**
 * Uploads the demo documents and processes them right away (not through the queue), so the demo
 * workspace's assistant and test panel answer from the first minute.
 */
export const knowledgeDemoSeeder: DemoSeeder = {
  name: 'knowledge',
  async seed(deps, organizationId) {
    const actor = { userId: null, label: 'demo' };
    for (const file of fs.readdirSync(DEMO_KNOWLEDGE_DIR).sort()) {
      const data = fs.readFileSync(path.join(DEMO_KNOWLEDGE_DIR, file));
      const doc = await createDocument(deps, organizationId, { source: 'file', fileName: file, contentType: null, data }, actor);
      await processVersion(deps, organizationId, doc.latestVersionId!, { attempt: 1 });
    }
  },
};
