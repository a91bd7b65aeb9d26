/**
 * `fish-tune eval` on encoder classifiers (the transformers fixtures of packages/models/test/fixtures):
 * pre-tokenized rows give transformers' mean loss and argmax predictions; a GLUE task adds its metric, and
 * without --data tokenizes the split with the model's own tokenizer; bad rows are refused by file and line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensorsFile } from '@fish-tuning/core/node';
import { glueMetric, glueTask } from '@fish-tuning/datasets-glue';
import { loadGlue } from '@fish-tuning/datasets-glue/node';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { cli } from './run.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'test', 'fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-encoder-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The fixture's reference batch as JSONL rows (padding cut off, as a user would write them). */
async function referenceRows(name: string): Promise<{ file: string; logits: Float32Array; loss: number; n: number }> {
  const ref = (await readSafetensorsFile(path.join(FIXTURES, name, 'reference.safetensors'))).tensors;
  const [b, t] = ref.get('input_ids')!.shape;
  const ids = ref.get('input_ids')!.data;
  const mask = ref.get('attention_mask')!.data;
  const types = ref.get('token_type_ids')?.data;
  const labels = ref.get('labels')!.data;
  const lines: string[] = [];
  for (let i = 0; i < b; i++) {
    let len = 0;
    while (len < t && mask[i * t + len]) len++;
    const row: Record<string, unknown> = { input_ids: Array.from(ids.slice(i * t, i * t + len)), label: labels[i] };
    if (types) row.token_type_ids = Array.from(types.slice(i * t, i * t + len));
    lines.push(JSON.stringify(row));
  }
  const file = path.join(tmp, `${name}.jsonl`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return { file, logits: ref.get('logits')!.data as Float32Array, loss: ref.get('hf_loss')!.data[0], n: b };
}

describe.each(['bert', 'modernbert'])('fish-tune eval --model fixtures/%s', (name) => {
  it('rows → transformers mean loss and argmax predictions', async () => {
    const { file, logits, loss, n } = await referenceRows(name);
    const r = await cli(['eval', '--model', path.join(FIXTURES, name), '--data', file, '--batch-size', '2', '--json']);
    expect(r.err).toBe('');
    const rep = JSON.parse(r.out);
    expect(rep.examples).toBe(n);
    expect(rep.head).toBe('checkpoint');
    expect(Math.abs(rep.mean_loss - loss) / loss).toBeLessThan(1e-4);
    const k = logits.length / n;
    const argmax = Array.from({ length: n }, (_, i) => Array.from(logits.slice(i * k, (i + 1) * k)).reduce((best, v, j, a) => (v > a[best] ? j : best), 0));
    expect(rep.predictions).toEqual(argmax);
  });
});

describe.skipIf(!hasShared('data', 'sst2') || !hasShared('data', 'mrpc'))('GLUE splits tokenized with the model tokenizer', () => {
  it.each([
    ['bert', 'sst2'],
    ['modernbert', 'mrpc'],
  ])('%s on glue/%s validation: the metric of the predictions against the split labels', async (name, task) => {
    const r = await cli(['eval', '--model', path.join(FIXTURES, name), '--task', `glue/${task}`, '--split', 'validation', '--limit', '12', '--json']);
    expect(r.err).toBe('');
    const rep = JSON.parse(r.out);
    expect(rep).toMatchObject({ task: `glue/${task}`, split: 'validation', examples: 12 });
    // The fixtures' classifiers have 3 outputs; a 2-class task gets a fresh head, and the report says so.
    expect(rep.head).toMatch(/^random \(seed 0\)/);
    const rows = await loadGlue({ task: glueTask(task), split: 'validation', dataDir: sharedPath('data'), limit: 12 });
    const want = glueMetric(task, rep.predictions, rows.map((x) => x.label));
    expect(rep.score).toBeCloseTo(want.score, 12);
    expect(Object.keys(rep.metrics)).toEqual(Object.keys(want.metrics));
    expect(Number.isFinite(rep.mean_loss)).toBe(true);
  });

  it('glue/stsb rows on a regression head: Pearson/Spearman of the predictions, mean squared error', async () => {
    const file = path.join(tmp, 'stsb.jsonl');
    fs.writeFileSync(file, [[5, 9, 12], [5, 30, 31, 32], [5, 40], [5, 7, 8, 9, 10]].map((ids, i) => JSON.stringify({ input_ids: ids, label: [0.5, 3.2, 4.8, 1.1][i] })).join('\n'));
    const r = await cli(['eval', '--model', path.join(FIXTURES, 'modernbert'), '--task', 'glue/stsb', '--data', file, '--json']);
    expect(r.err).toBe('');
    const rep = JSON.parse(r.out);
    const labels = [0.5, 3.2, 4.8, 1.1];
    const mse = rep.predictions.reduce((s: number, p: number, i: number) => s + (p - labels[i]) ** 2, 0) / 4;
    expect(Math.abs(rep.mean_loss - mse) / mse).toBeLessThan(1e-5);
    expect(rep.score).toBeCloseTo(glueMetric('stsb', rep.predictions, labels).score, 12);
  });
});

describe('fish-tune eval encoder errors name the file, line or flag', () => {
  const write = (rows: readonly unknown[]) => {
    const file = path.join(tmp, `bad-${Math.random().toString(36).slice(2)}.jsonl`);
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    return file;
  };
  it.each([
    ['bert', [{ input_ids: [2, 5, 3], label: 0 }, { input_ids: [2, 5, 3], label: 7 }], /line 2: label 7 is not a class id in \[0, 3\)/],
    ['bert', [{ input_ids: [2, 500, 3], label: 0 }], /line 1: token id 500 is outside the vocabulary \[0, 128\)/],
    ['bert', [{ input_ids: [2, 5, 3], label: 1, attention_mask: [1, 2, 1] }], /attention_mask values must be 0 or 1/],
    ['modernbert', [{ input_ids: [1, 5, 2], label: 1, token_type_ids: [0, 0, 0] }], /token_type_ids given, but modernbert has no token types/],
  ] as const)('%s: %j', async (name, rows, message) => {
    const file = write(rows as unknown as unknown[]);
    const r = await cli(['eval', '--model', path.join(FIXTURES, name), '--data', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toContain(file);
  });

  it('a GLUE task on a decoder, and a GLUE test split, are refused by flag', async () => {
    const a = await cli(['eval', '--model', path.join(FIXTURES, 'llama'), '--task', 'glue/sst2', '--data', write([{ input_ids: [1, 2], label: 0 }])]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/option '--task'.*encoder classifiers/);
    const b = await cli(['eval', '--model', path.join(FIXTURES, 'bert'), '--task', 'glue/sst2', '--split', 'test']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/option '--split'.*unlabeled/);
  });
});
