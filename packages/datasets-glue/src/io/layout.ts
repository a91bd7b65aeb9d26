/**
 * Where each split lives in a local data directory, for each of the three supported formats.
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GlueFormat, GlueSplit } from '../example.js';
import type { GlueTaskSpec } from '../tasks.js';

/** Formats tried, in order, when none is given. */
export const GLUE_FORMATS: readonly GlueFormat[] = Object.freeze(['jsonl', 'parquet', 'tsv']);

const TSV_SPLIT: Record<GlueSplit, string> = { train: 'train', validation: 'dev', test: 'test' };

/**
 * Candidate paths of one split in one format under `dataDir`:
 * - jsonl: `<task>/<split>.jsonl` (HF `glue` schema)
 * - parquet: `<task>/<split>.parquet` (HF `glue` schema)
 * - tsv: `<task>/glue-tsv/{train,dev,test}.tsv`, or the GLUE download's own `<Task>/{train,dev,test}.tsv`
 */
export function glueFileCandidates(dataDir: string, spec: GlueTaskSpec, split: GlueSplit, format: GlueFormat): string[] {
  if (format === 'tsv') {
    const name = `${TSV_SPLIT[split]}.tsv`;
    return [join(dataDir, spec.name, 'glue-tsv', name), join(dataDir, spec.glueDir, name)];
  }
  return [join(dataDir, spec.name, `${split}.${format}`)];
}

/** The first existing file for `split`, trying `format` or else jsonl, parquet, tsv; with every path tried. */
export function findGlueFile(
  dataDir: string,
  spec: GlueTaskSpec,
  split: GlueSplit,
  format?: GlueFormat,
): { file?: string; format?: GlueFormat; tried: string[] } {
  const tried: string[] = [];
  for (const f of format ? [format] : GLUE_FORMATS) {
    for (const file of glueFileCandidates(dataDir, spec, split, f)) {
      tried.push(file);
      if (existsSync(file)) return { file, format: f, tried };
    }
  }
  return { tried };
}
