import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@fish-tuning/test-utils';
// @ts-expect-error: a plain .mjs script without type declarations
import { checkLayout, exportsOf, METHODS } from '../../../scripts/check-method-layout.mjs';

describe('method package layout', () => {
  it('is the same in all six method packages (scripts/check-method-layout.mjs exits 0)', () => {
    const out = execFileSync(process.execPath, [path.join(repoRoot(), 'scripts', 'check-method-layout.mjs')], { encoding: 'utf8' });
    expect(out).toMatch(/6 packages × 8 files and 10 function names agree/);
  });

  it('reports a missing file, a stray file, a missing export and an export from the wrong file', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layout-'));
    for (const pkg of Object.keys(METHODS)) fs.cpSync(path.join(repoRoot(), 'packages', pkg), path.join(root, 'packages', pkg), { recursive: true, filter: (p: string) => !p.includes('node_modules') && !p.includes(`${path.sep}dist`) });
    expect(checkLayout(root)).toEqual([]);
    fs.rmSync(path.join(root, 'packages/prefix/src/merge.ts'));
    fs.writeFileSync(path.join(root, 'packages/ia3/src/helpers.ts'), 'export const x = 1;\n');
    const index = path.join(root, 'packages/adapter/src/index.ts');
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace("export { countAdapter, adapterParameterCount } from './count.js';", "export { countAdapter } from './inject.js';"));
    const problems: string[] = checkLayout(root);
    expect(problems).toContain('prefix: src/merge.ts is missing');
    expect(problems.some((p) => p.startsWith('ia3: src/helpers.ts is not one of the common files'))).toBe(true);
    expect(problems).toContain('adapter: countAdapter comes from ./inject.js, expected ./count.js');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reads named re-exports, skipping types', () => {
    const names = exportsOf("export { a, b as c, type T } from './x.js';\nexport type { U } from './y.js';\nexport function f() {}\n");
    expect([...names]).toEqual([['a', './x.js'], ['c', './x.js'], ['f', '.']]);
  });
});
