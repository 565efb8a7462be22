import fs from 'node:fs';
import path from 'node:path';
import type { Deps } from '../../../container.ts';
import { AppError, validationError } from '../../../shared/errors.ts';
import { resolveGroupsByName } from '../groups.service.ts';
import { analyzeUpload, type UploadAnalysis } from './analyze-upload.ts';
import { STANDARD_TARGETS } from './header-matching.ts';
import { cancelImport, startImport } from './imports.service.ts';

/** Options of a file import started from the command line or a seeder. */
export interface FileImportOptions {
  /** `auto` (suggested from the headers) or a comma-separated target per column. */
  mapping?: 'auto' | string;
  dedupe?: 'update' | 'skip' | 'create';
  /** Add every contact to this group (created when missing). */
  groupName?: string;
}

/**
 * Stores a local file as an import, maps it (automatically or as given) and queues it, exactly as the
 * API's upload + start do. The caller runs the queued job (the CLI drains the queue in-process and
 * polls the import for its progress bar), so a killed run resumes from its checkpoint like any import.
 */
export async function importContactsFromFile(
  deps: Deps,
  organizationId: string,
  filePath: string,
  options: FileImportOptions = {},
): Promise<{ analysis: UploadAnalysis; importId: string }> {
  const stat = await fs.promises.stat(filePath).catch(() => null);
  if (!stat?.isFile()) throw new AppError('validation', 'file_not_found', `No such file: ${filePath}`);
  const analysis = await analyzeUpload(
    deps,
    { kind: 'cli', organizationId },
    { filename: path.basename(filePath), stream: fs.createReadStream(filePath), truncated: () => false },
  );
  let mapping: string[] = analysis.suggestedMapping;
  if (options.mapping && options.mapping !== 'auto') {
    mapping = options.mapping.split(',').map((m) => m.trim() || 'ignore');
    const unknown = mapping.find((m) => m !== 'ignore' && !m.startsWith('field:') && !(STANDARD_TARGETS as readonly string[]).includes(m));
    if (unknown) {
      await cancelImport(deps, organizationId, analysis.id);
      throw validationError(`Unknown mapping target "${unknown}"`, [{ path: 'mapping', message: unknown }], 'mapping_invalid');
    }
  }
  let groupId: string | null = null;
  if (options.groupName?.trim()) {
    const groups = await resolveGroupsByName(deps.database.db, organizationId, [options.groupName.trim()], true);
    groupId = groups.get(options.groupName.trim().toLowerCase()) ?? null;
  }
  try {
    await startImport(deps, organizationId, analysis.id, { mapping, dedupe: options.dedupe ?? 'update', groupId, createMissingGroups: true });
  } catch (err) {
    await cancelImport(deps, organizationId, analysis.id);
    throw err;
  }
  return { analysis, importId: analysis.id };
}
