import { describe, expect, it } from 'vitest';
import type { GlueFormat } from '../src/index.js';
import { loadGlue } from '../src/node-entry.js';
import { dataDir, hasData } from './helpers.js';

function counts(labels: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
}

// Published class balances of GLUE dev/test sets (HF label ids):
// SST-2 dev 444 positive / 428 negative; CoLA dev 721 acceptable (69.1%); MRPC dev 279 equivalent
// (68.4%, the majority baseline); MRPC test 1147 equivalent (66.5%); WNLI dev 40 not_entailment
// (56.3%, the famous majority baseline).
const PUBLISHED: [string, 'validation' | 'test', Record<number, number>][] = [
  ['sst2', 'validation', { 1: 444, 0: 428 }],
  ['cola', 'validation', { 1: 721, 0: 322 }],
  ['mrpc', 'validation', { 1: 279, 0: 129 }],
  ['mrpc', 'test', { 1: 1147, 0: 578 }],
  ['wnli', 'validation', { 0: 40, 1: 31 }],
];

describe.skipIf(!hasData)('label distributions', () => {
  for (const [task, split, expected] of PUBLISHED) {
    it(`${task}/${split} matches the published balance in every format`, async () => {
      const formats: GlueFormat[] = task === 'mrpc' && split === 'test' ? ['jsonl', 'parquet'] : ['jsonl', 'parquet', 'tsv'];
      for (const format of formats) {
        const ex = await loadGlue({ task, split, dataDir, format });
        expect(counts(ex.map((e) => e.label)), format).toEqual(expected);
      }
    });
  }

  it('test splits are unlabeled (-1), except MRPC', async () => {
    for (const task of ['cola', 'sst2', 'stsb', 'rte', 'wnli']) {
      const ex = await loadGlue({ task, split: 'test', dataDir });
      expect(new Set(ex.map((e) => e.label)), task).toEqual(new Set([-1]));
    }
  });

  it('STS-B scores lie in [0, 5]', async () => {
    const ex = await loadGlue({ task: 'stsb', split: 'validation', dataDir, format: 'tsv' });
    expect(Math.min(...ex.map((e) => e.label))).toBe(0);
    expect(Math.max(...ex.map((e) => e.label))).toBe(5);
  });
});
