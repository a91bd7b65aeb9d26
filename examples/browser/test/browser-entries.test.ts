/**
 * Every library package's browser entry (its "." export under the `browser` and `@fish-tuning/source`
 * conditions) must bundle for platform=browser without Node built-ins: the page and any browser user import
 * them. The Node-only packages are listed here, private ones skipped; test-utils' browserBundleProblems does the bundling.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { browserBundleProblems, repoRoot } from '@fish-tuning/test-utils';

/** Node-only by design: a CLI, test helpers, native TensorFlow backends and the Node backend chooser. */
const NODE_ONLY = new Set(['@fish-tuning/cli', '@fish-tuning/test-utils', '@fish-tuning/backend-node', '@fish-tuning/backend-node-gpu', '@fish-tuning/backend-auto']);

interface Pkg {
  name: string;
  private?: boolean;
  exports?: Record<string, unknown>;
}

/** The source file a bundler targeting browsers picks for the package's "." export (repo-relative). */
function browserEntry(dir: string, pkg: Pkg): string {
  let e = pkg.exports?.['.'] as Record<string, unknown> | string | undefined;
  if (e && typeof e === 'object' && e.browser) e = e.browser as Record<string, unknown>;
  const file = typeof e === 'string' ? e : (e?.['@fish-tuning/source'] as string | undefined);
  if (!file) throw new Error(`${pkg.name}: no "." export with a @fish-tuning/source condition`);
  return path.relative(repoRoot(), path.join(dir, file));
}

const packages = fs
  .readdirSync(path.join(repoRoot(), 'packages'))
  .map((d) => path.join(repoRoot(), 'packages', d))
  .filter((d) => fs.existsSync(path.join(d, 'package.json')))
  .map((d) => ({ dir: d, pkg: JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')) as Pkg }))
  // Private packages (test helpers, the conformance table) are never imported by users.
  .filter(({ pkg }) => !NODE_ONLY.has(pkg.name) && !pkg.private);

describe('browser entries of the library packages', () => {
  it('covers the library packages and leaves out only the Node-only ones', () => {
    const names = packages.map(({ pkg }) => pkg.name);
    for (const p of ['core', 'lora', 'fisher', 'mask', 'models', 'trainer', 'pipeline', 'backend-webgpu', 'backend-wasm']) expect(names).toContain(`@fish-tuning/${p}`);
    expect(names).not.toContain('@fish-tuning/cli');
  });

  it.each(packages.map(({ dir, pkg }) => [pkg.name, browserEntry(dir, pkg)]))('%s (%s) bundles for platform=browser without node:/fs/path imports', async (_name, entry) => {
    expect(await browserBundleProblems(entry)).toEqual([]);
  });
});
