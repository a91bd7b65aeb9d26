import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GLUE_TASK_NAMES, type GlueExample, type GlueFormat, type GlueSplit } from '../src/index.js';
import { loadGlue } from '../src/node-entry.js';
import { dataDir, hasData, readManifest, skipReason } from './helpers.js';

const SPLITS: GlueSplit[] = ['train', 'validation', 'test'];
const TSV_NAME: Record<GlueSplit, string> = { train: 'train', validation: 'dev', test: 'test' };
const manifest = hasData ? readManifest() : new Map();
const relPath = (task: string, split: GlueSplit, format: GlueFormat) =>
  format === 'tsv' ? `${task}/glue-tsv/${TSV_NAME[split]}.tsv` : `${task}/${split}.${format}`;

/** Loads once per (task, split, format) and keeps the result for the comparisons below. */
const cache = new Map<string, Promise<GlueExample[]>>();
function load(task: string, split: GlueSplit, format: GlueFormat): Promise<GlueExample[]> {
  const key = `${task}/${split}/${format}`;
  if (!cache.has(key)) cache.set(key, loadGlue({ task, split, dataDir, format }));
  return cache.get(key) as Promise<GlueExample[]>;
}

describe.skipIf(!hasData)('row counts equal MANIFEST.tsv', () => {
  for (const task of GLUE_TASK_NAMES) {
    for (const split of SPLITS) {
      it(`${task}/${split}: jsonl, parquet and tsv`, async () => {
        // JSONL and TSV rows come straight from the manifest. The manifest leaves Parquet's row column
        // empty; its JSONL twin is derived from it row for row, so the JSONL count is the Parquet count.
        const jsonlRows = manifest.get(relPath(task, split, 'jsonl'))?.rows;
        const tsvRows = manifest.get(relPath(task, split, 'tsv'))?.rows;
        expect(jsonlRows).toBeGreaterThan(0);
        expect(tsvRows).toBeGreaterThan(0);
        expect((await load(task, split, 'jsonl')).length).toBe(jsonlRows);
        expect((await load(task, split, 'tsv')).length).toBe(tsvRows);
        if (manifest.has(relPath(task, split, 'parquet'))) {
          expect((await load(task, split, 'parquet')).length).toBe(jsonlRows);
        } else {
          // SST-2 train has no Parquet copy (see SOURCES.md).
          expect(`${task}/${split}`).toBe('sst2/train');
          await expect(loadGlue({ task, split, dataDir, format: 'parquet' })).rejects.toThrow(/option 'dataDir'.*sst2\/train\.parquet/);
        }
      });
    }
  }
});

describe.skipIf(!hasData)('the three formats hold the same examples', () => {
  for (const task of GLUE_TASK_NAMES) {
    for (const split of SPLITS) {
      it(`${task}/${split}`, async () => {
        const jsonl = await load(task, split, 'jsonl');
        if (manifest.has(relPath(task, split, 'parquet'))) {
          const parquet = await load(task, split, 'parquet');
          if (task === 'stsb') {
            // Parquet stores STS-B scores as float32; the JSONL keeps the TSV's float64 values.
            expect(parquet.map((e) => Math.fround(e.label))).toEqual(jsonl.map((e) => Math.fround(e.label)));
            expect(parquet.map((e) => ({ ...e, label: 0 }))).toEqual(jsonl.map((e) => ({ ...e, label: 0 })));
          } else {
            expect(parquet).toEqual(jsonl);
          }
        }
        const tsv = await load(task, split, 'tsv');
        let expected = jsonl;
        // GLUE's MRPC test.tsv has no labels; the HF copy carries the public ones.
        if (task === 'mrpc' && split === 'test') expected = jsonl.map((e) => ({ ...e, label: -1 }));
        // HF numbers MRPC train/dev rows by their line in msr_paraphrase_train.txt; the TSVs carry no
        // index, so the TSV reader numbers rows 0..n-1.
        if (task === 'mrpc' && split !== 'test') expected = jsonl.map((e, i) => ({ ...e, idx: i }));
        expect(tsv).toEqual(expected);
      });
    }
  }
});

describe.skipIf(!hasData)('TSV quirks', () => {
  it('SST-2 keeps trailing spaces, MRPC loses its BOM, RTE string labels map to HF ids', async () => {
    const sst2 = await load('sst2', 'train', 'tsv');
    expect(sst2[0].sentence1).toBe('hide new secretions from the parental units ');
    const mrpc = await load('mrpc', 'validation', 'tsv');
    expect(mrpc[0].sentence1.startsWith('He said')).toBe(true);
    const rte = await load('rte', 'train', 'tsv');
    expect(rte[0].label).toBe(1); // not_entailment
    expect(rte[1].label).toBe(0); // entailment
  });
});

describe.skipIf(!hasData)('files read are the files in the manifest', () => {
  it('sha256 of every split file matches', () => {
    for (const [rel, row] of manifest) {
      if (!/^(cola|sst2|mrpc|stsb|rte|wnli)\/(glue-tsv\/(train|dev|test)\.tsv|(train|validation|test)\.(jsonl|parquet))$/.test(rel)) continue;
      const bytes = readFileSync(path.join(dataDir, rel));
      expect(bytes.length, rel).toBe(row.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), rel).toBe(row.sha256);
    }
  });
});

it.runIf(!hasData)('shared data is absent', () => {
  console.warn(skipReason);
});
