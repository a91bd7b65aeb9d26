/**
 * `fish-tune demo` on a tiny setting (tiny BERT, a few SST-2 rows): prints the FISH / random / reverse table
 * and writes report.md + chart.svg; a missing model is a clear error naming --model.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { findDemoModel } from '../src/commands/demo.js';
import { tinyBertDir } from './helpers/tiny-bert.js';
import { cli } from './run.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!hasShared('data', 'sst2'))('fish-tune demo', () => {
  it('runs Fisher → FISH/random/reverse masks → masked training → validation scores, and writes a report', async () => {
    const model = await tinyBertDir({ layers: 2 });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-'));
    dirs.push(model, out);
    const r = await cli(['demo', '--model', model, '--data-dir', sharedPath('data'), '--train-limit', '16', '--eval-limit', '16', '--epochs', '1', '--rank', '2', '--ratio', '10', '--out', out]);
    expect(r.err).not.toContain('    at ');
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^\| (fish|random|reverse) \|/.test(l));
    expect(rows.map((l) => l.split('|')[1]!.trim())).toEqual(['fish', 'random', 'reverse']);
    // The same number of trained entries for the three masks, and a score in [0, 100].
    const trained = rows.map((l) => l.split('|')[2]!.trim());
    expect(new Set(trained).size).toBe(1);
    for (const l of rows) {
      const score = Number(l.split('|')[3]);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(100);
    }
    expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toContain('| fish |');
    expect(fs.readFileSync(path.join(out, 'chart.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('says what is missing when no model is found', async () => {
    expect(() => findDemoModel('/nonexistent/model')).toThrow(/does not exist/);
    const r = await cli(['demo', '--model', '/nonexistent/model']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--model');
  });
});
