import path from 'node:path';
import react from '@vitejs/plugin-react';
import postcssPresetMantine from 'postcss-preset-mantine';
import { defineConfig } from 'vite';

const here = import.meta.dirname;
const apiTarget = 'http://localhost:3000';

/**
 * The dashboard: sources in web/, built into dist/web (served by the Charla server at `/`).
 * `npx vite --config web/vite.config.ts` runs a dev server that proxies the API to a server on :3000.
 */
export default defineConfig({
  root: here,
  plugins: [react()],
  css: {
    // Mantine's PostCSS preset: `rem()`, `light-dark()` and the `$mantine-breakpoint-*` media queries.
    postcss: { plugins: [postcssPresetMantine()] },
  },
  build: {
    outDir: path.resolve(here, '../dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': apiTarget,
      '/docs': apiTarget,
      '/webhooks': apiTarget,
    },
  },
});
