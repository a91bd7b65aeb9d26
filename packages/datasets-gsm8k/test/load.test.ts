import { describe, expect, it } from 'vitest';
import { referenceAnswer } from '../src/index.js';
import { loadGsm8k } from '../src/node-entry.js';
import { gsm8kDir, hasData, manifestRows } from './helpers.js';

describe.skipIf(!hasData)('loadGsm8k', () => {
  const rows = hasData ? manifestRows() : new Map<string, number>();

  for (const split of ['train', 'test'] as const) {
    it(`${split} has the MANIFEST.tsv row count and a '#### N' answer on every row`, async () => {
      const ex = await loadGsm8k({ split, dataDir: gsm8kDir });
      expect(rows.get(`gsm8k/${split}.jsonl`)).toBeGreaterThan(0);
      expect(ex.length).toBe(rows.get(`gsm8k/${split}.jsonl`));
      expect(ex.map((e) => e.idx)).toEqual(ex.map((_, i) => i));
      expect(ex.filter((e) => !Number.isFinite(referenceAnswer(e))).map((e) => e.idx)).toEqual([]);
    });
  }

  it('the first test question is the ducks one, answer 18', async () => {
    const [first] = await loadGsm8k({ split: 'test', dataDir: gsm8kDir, limit: 1 });
    expect(first.question.startsWith('Janet\u2019s ducks lay 16 eggs per day.')).toBe(true);
    expect(referenceAnswer(first)).toBe(18);
  });
});

describe('errors', () => {
  it('a missing directory names the file and dataDir', async () => {
    await expect(loadGsm8k({ split: 'test', dataDir: '/nonexistent/gsm8k' })).rejects.toThrow(
      /file '\/nonexistent\/gsm8k\/test\.jsonl', option 'dataDir': cannot read \(ENOENT\).*--data-dir/,
    );
  });
  it('an unknown split names the option', async () => {
    await expect(loadGsm8k({ split: 'validation' as 'test', dataDir: gsm8kDir })).rejects.toThrow(/option 'split'/);
  });
});
