// The server build: bundles src/main.ts (and every first-party module it reaches, statically or through
// `import()`) into one plain JavaScript file, dist/server/main.js, so a start loads one file instead of
// running ~340 TypeScript files through tsx's loader (most of the cold start's CPU and ~80 MB of
// memory). Packages in node_modules stay external and load from there as usual.
//
// bin/charla.js calls `ensureServerBuild()` on every start: it rebuilds only when a bundled source file
// changed (checked against dist/server/inputs.json, a few milliseconds), so `npm install && npm start`
// works on a fresh clone and after `git pull` without a separate build step. `node scripts/build-server.mjs`
// builds explicitly (e.g. in a Docker image, so the first start does not need to write to dist/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_DIST = path.join(ROOT, 'dist/server');
export const SERVER_MAIN = path.join(SERVER_DIST, 'main.js');
const INPUTS = path.join(SERVER_DIST, 'inputs.json');
/** Changing how the bundle is made (this file) makes every earlier build stale. */
const SELF = fileURLToPath(import.meta.url);

/** Whether dist/server/main.js was built from the sources as they are now. */
export function isServerBuildFresh() {
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(INPUTS, 'utf8'));
    fs.statSync(SERVER_MAIN);
  } catch {
    return false;
  }
  if (recorded.node !== process.versions.node || !Array.isArray(recorded.inputs)) return false;
  for (const [file, mtimeMs, size] of recorded.inputs) {
    try {
      const stat = fs.statSync(path.join(ROOT, file));
      if (stat.mtimeMs !== mtimeMs || stat.size !== size) return false;
    } catch {
      return false; // deleted or renamed
    }
  }
  return true;
}

/**
 * Builds dist/server/main.js. Safe when several processes build at once: each writes its own temporary
 * files and renames them into place (a rename is atomic), and the inputs are recorded last.
 */
export async function buildServer() {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, 'src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // Error types and stack traces keep their source names (pino logs `err.type` from the constructor).
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    outfile: SERVER_MAIN,
    logLevel: 'silent',
    plugins: [keepModuleUrls],
  });
  const inputs = [];
  for (const file of [...Object.keys(result.metafile.inputs), path.relative(ROOT, SELF)]) {
    const stat = fs.statSync(path.resolve(ROOT, file));
    // A file changed while it was being bundled: record it as unseen so the next start rebuilds.
    inputs.push([path.relative(ROOT, path.resolve(ROOT, file)), stat.mtimeMs > startedAt - 1000 ? -1 : stat.mtimeMs, stat.size]);
  }
  fs.mkdirSync(SERVER_DIST, { recursive: true });
  const suffix = `.${process.pid}.${Date.now()}.tmp`;
  for (const out of result.outputFiles) {
    fs.writeFileSync(out.path + suffix, out.contents);
    fs.renameSync(out.path + suffix, out.path);
  }
  fs.writeFileSync(INPUTS + suffix, `${JSON.stringify({ node: process.versions.node, inputs })}\n`);
  fs.renameSync(INPUTS + suffix, INPUTS);
}

/** Builds unless the current build is fresh; returns whether it built. */
export async function ensureServerBuild() {
  if (isServerBuildFresh()) return false;
  await buildServer();
  return true;
}

/**
 * Modules find files next to them through `import.meta.url` (migrations, the dashboard, the web chat
 * widget, demo data, the extraction worker). Bundled, that URL would be the bundle's own; this plugin
 * rewrites it, in each first-party file, to that file's original URL, computed relative to the bundle
 * so the build keeps working if the checkout moves.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = await fs.promises.readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromBundle = path.relative(SERVER_DIST, args.path).split(path.sep).join('/');
      return {
        contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js',
      };
    });
  },
};

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await buildServer();
  console.log(`Built ${path.relative(process.cwd(), SERVER_MAIN)}`);
}
