#!/usr/bin/env node
// The `charla` command. It runs dist/server/main.js, the sources bundled into one JavaScript file by
// scripts/build-server.mjs, (re)building it first when a source changed: loading one plain file is
// several times cheaper in CPU and memory than running the TypeScript through tsx (see
// docs/ARCHITECTURE.md, "Server build"). When the build cannot be made (e.g. a read-only install) or
// CHARLA_NO_BUILD=1 is set, it runs the TypeScript sources through tsx's loader as before.
import { pathToFileURL } from 'node:url';

async function loadBuilt() {
  if (process.env.CHARLA_NO_BUILD === '1') return false;
  try {
    const { ensureServerBuild, SERVER_MAIN } = await import('../scripts/build-server.mjs');
    await ensureServerBuild();
    return pathToFileURL(SERVER_MAIN).href;
  } catch (err) {
    process.stderr.write(`charla: could not build dist/server (${err instanceof Error ? err.message : String(err)}); running the TypeScript sources instead\n`);
    return false;
  }
}

const built = await loadBuilt();
if (built) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
