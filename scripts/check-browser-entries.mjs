// Bundles every library package's browser entry (its "." export with the `browser` and `@fish-tuning/source`
// conditions) for platform=browser with esbuild and fails when a bundle needs a Node built-in (node:*, fs,
// path, …). The Node-only packages are listed below; everything else must run in a browser.
//   node scripts/check-browser-entries.mjs [package-dir …]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Packages that are Node-only by design (a CLI, test helpers, native TensorFlow backends). */
export const NODE_ONLY = new Set(['@fish-tuning/cli', '@fish-tuning/test-utils', '@fish-tuning/backend-node', '@fish-tuning/backend-node-gpu']);
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The source file a bundler targeting browsers picks for the package's "." export. */
function browserEntry(dir, pkg) {
  let e = pkg.exports?.['.'];
  if (e && typeof e === 'object' && e.browser) e = e.browser;
  const file = typeof e === 'string' ? e : e?.['@fish-tuning/source'];
  if (!file) throw new Error(`${pkg.name}: no "." export with a @fish-tuning/source condition`);
  return path.join(dir, file);
}

/**
 * Bundles one package for browsers; resolves to the Node built-ins it needs (empty when clean). Built-ins
 * that a dependency's `browser` field maps away (tfjs' guarded `require('util')`, seedrandom's `crypto`)
 * resolve to nothing and are fine; any other one is an unresolvable import for esbuild, reported here.
 */
export async function nodeImportsOf(dir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  try {
    await esbuild.build({
      entryPoints: [browserEntry(dir, pkg)],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      conditions: ['@fish-tuning/source'],
      logLevel: 'silent',
    });
    return { name: pkg.name, nodeImports: [] };
  } catch (e) {
    const errors = e.errors ?? [];
    const nodeImports = errors
      .map((m) => {
        const spec = /Could not resolve "([^"]+)"/.exec(m.text)?.[1];
        return spec && builtins.has(spec) ? `${spec} (from ${m.location?.file ?? '?'})` : null;
      })
      .filter(Boolean);
    if (nodeImports.length === 0) throw e;
    return { name: pkg.name, nodeImports: [...new Set(nodeImports)] };
  }
}

/** Every package under packages/ that must be browser-safe. */
export function browserPackages() {
  return fs
    .readdirSync(path.join(repo, 'packages'))
    .map((d) => path.join(repo, 'packages', d))
    .filter((d) => fs.existsSync(path.join(d, 'package.json')))
    .filter((d) => !NODE_ONLY.has(JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')).name));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => path.resolve(d)) : browserPackages();
  let bad = 0;
  for (const dir of dirs) {
    const { name, nodeImports } = await nodeImportsOf(dir);
    if (nodeImports.length) bad++;
    console.log(nodeImports.length ? `FAIL ${name}: ${nodeImports.join(', ')}` : `ok   ${name}`);
  }
  process.exitCode = bad ? 1 : 0;
}
