#!/usr/bin/env node
/**
 * Runs a TypeScript benchmark script with the workspace packages from source:
 *   node scripts/bench/run-ts.mjs scripts/bench/<name>.ts [args...]
 * esbuild bundles the entry (condition '@fish-tuning/source', as vitest resolves), keeping tfjs-core's main
 * entry, the tfjs backends and tfjs-node external (absolute paths, so there is one tfjs-core instance and the
 * wasm/native files load from their packages), then runs the bundle with the same arguments.
 */
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/bench/run-ts.mjs <script.ts> [args...]');
  process.exit(2);
}
const EXTERNAL = /^@tensorflow\/(tfjs-core|tfjs-backend-wasm|tfjs-backend-cpu|tfjs-node|tfjs-node-gpu)$/;
const out = join(mkdtempSync(join(tmpdir(), 'fish-bench-')), 'bundle.mjs');
await build({
  entryPoints: [resolve(entry)],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@fish-tuning/source'],
  // Workspace packages that the root does not depend on resolve through the CLI's and backend-node's node_modules.
  nodePaths: ['cli', 'backend-node'].map((p) => join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', p, 'node_modules')),
  logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  plugins: [
    {
      name: 'external-absolute',
      setup(b) {
        b.onResolve({ filter: EXTERNAL }, (a) => {
          try {
            return { path: createRequire(join(a.resolveDir, 'x.js')).resolve(a.path), external: true };
          } catch {
            return { path: a.path, external: true };
          }
        });
      },
    },
  ],
});
process.argv = [process.argv[0], entry, ...args];
try {
  await import(pathToFileURL(out).href);
} finally {
  process.on('exit', () => rmSync(join(out, '..'), { recursive: true, force: true }));
}
