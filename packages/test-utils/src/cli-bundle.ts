/**
 * The `fish-tune` CLI as one Node ESM file built from the TypeScript sources (esbuild), for tests that
 * must run it as a separate process: killing it mid-checkpoint, two runs on one directory, a full disk.
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot } from './paths.js';

let built: Promise<string> | null = null;

/** Path of the bundled CLI (built once per test process, under node_modules/.cache so that tfjs resolves). */
export function cliBundle(): Promise<string> {
  built ??= (async () => {
    const dir = path.join(repoRoot(), 'node_modules', '.cache', 'fish-tune-test');
    fs.mkdirSync(dir, { recursive: true });
    const outfile = path.join(dir, `fish-tune-${process.pid}.mjs`);
    await esbuild.build({
      entryPoints: [path.join(repoRoot(), 'packages', 'cli', 'src', 'fish-tune.ts')],
      bundle: true,
      outfile,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      conditions: ['@fish-tuning/source'],
      // tfjs packages stay external (their wasm binaries sit next to their files); the extension-less
      // ESM files under @tensorflow/tfjs-core/dist/ (gradient and chained-op registration) are bundled —
      // they register into tfjs' global registries, shared with the external copy.
      plugins: [{ name: 'tfjs-external', setup: (b) => void b.onResolve({ filter: /^@tensorflow\/[^/]+$/ }, (a) => ({ path: a.path, external: true })) }],
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'silent',
    });
    return outfile;
  })();
  return built;
}
