import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import type { DatabaseTarget } from '../../src/db/client.ts';
import { JobRunner } from '../../src/jobs/pg-queue.ts';
import { createOrganizationWithOwner } from '../../src/modules/identity/auth.service.ts';
import { createDocument, updateSettings } from '../../src/modules/knowledge/index.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../fakes/openai-server.ts';

/** A container with one organization, for scripts and benchmarks that exercise the knowledge base outside vitest. */
export interface KnowledgeWorkspace {
  container: Container;
  organizationId: string;
  /** Uploads a file as a new document (processed by `drain`). */
  addFile(fileName: string, data: Buffer, title?: string): Promise<string>;
  /** Runs every due job to completion. */
  drain(): Promise<number>;
  /** Points the organization's embeddings at a fake OpenAI-compatible server using the deterministic local embedding. */
  enableLocalEmbeddings(dimensions?: number): Promise<FakeOpenAIServer>;
  close(): Promise<void>;
}

/** Opens a workspace on a fresh database (PGlite in memory unless a target is given). */
export async function openKnowledgeWorkspace(options: { database?: DatabaseTarget; env?: Record<string, string> } = {}): Promise<KnowledgeWorkspace> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-kb-'));
  const config = loadConfig({
    CHARLA_DATA_DIR: dataDir,
    CHARLA_SECRET_KEY: 'workspace-master-key-0123456789abcdef012345',
    LOG_LEVEL: 'silent',
    CHARLA_ALLOW_PRIVATE_NETWORK: 'true',
    ...options.env,
  });
  const logger = createLogger(process.env.LOG_LEVEL ?? 'silent');
  const container = await createContainer(config, { database: options.database ?? { kind: 'pglite-memory' }, logger });
  const owner = await createOrganizationWithOwner(
    container,
    { organizationName: 'Aurora', ownerName: 'Owner', email: `owner-${Date.now()}@example.test`, password: 'correct horse battery', language: 'es', firstRunOnly: false },
    { ip: null, userAgent: 'knowledge workspace' },
  );
  const organizationId = owner.organizationId;
  const runner = new JobRunner(container.database, logger, { concurrency: 2 });
  container.registerJobs(runner);
  const actor = { userId: owner.userId, label: 'workspace' };
  let fake: FakeOpenAIServer | undefined;
  return {
    container,
    organizationId,
    async addFile(fileName, data, title) {
      const doc = await createDocument(container, organizationId, { source: 'file', fileName, contentType: null, data, title }, actor);
      return doc.id;
    },
    drain: () => runner.drain(),
    async enableLocalEmbeddings(dimensions = 256) {
      fake ??= await startFakeOpenAIServer();
      await updateSettings(container, organizationId, { embeddings: { provider: 'openai_compatible', baseUrl: fake.baseUrl, model: 'local-hash', dimensions } }, actor);
      await runner.drain();
      return fake;
    },
    async close() {
      await fake?.close();
      await container.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
