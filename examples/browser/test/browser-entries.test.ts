import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { NODE_ONLY, browserPackages, nodeImportsOf } from '../../../scripts/check-browser-entries.mjs';

// Every library package's browser entry must bundle for browsers without Node built-ins (the page and any
// browser user import them); the check itself is scripts/check-browser-entries.mjs.
describe('browser entries of the library packages', () => {
  const dirs = browserPackages();

  it('covers the library packages and leaves out only the Node-only ones', () => {
    const names = dirs.map((d) => path.basename(d));
    for (const required of ['core', 'lora', 'fisher', 'mask', 'models', 'trainer', 'backend-webgpu', 'backend-wasm']) expect(names).toContain(required);
    expect([...NODE_ONLY]).toContain('@fish-tuning/cli');
  });

  it.each(dirs.map((d) => [path.basename(d), d]))('%s bundles for platform=browser without node:/fs/path imports', async (_name, dir) => {
    const { nodeImports } = await nodeImportsOf(dir);
    expect(nodeImports).toEqual([]);
  });
});
