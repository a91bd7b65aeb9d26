/**
 * Turns one Hugging Face `glue` row (from JSONL or Parquet) into a {@link GlueExample}.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import type { GlueExample } from '../example.js';
import type { GlueTaskSpec } from '../tasks.js';

/** Rounds a float32-decoded score back to the decimal it was stored from (3.799999952 → 3.8). */
export function float32ToDecimal(x: number): number {
  return Number.isInteger(x) ? x : Number.parseFloat(x.toPrecision(7));
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/**
 * Reads the text and label columns named by the task spec. `where` names the file and row for
 * errors. Float32 STS-B scores from Parquet are restored to their decimal value when `float32`.
 */
export function exampleFromHfRow(
  spec: GlueTaskSpec,
  row: Record<string, unknown>,
  where: { file: string; row: number },
  float32 = false,
): GlueExample {
  const bad = (msg: string): never => {
    throw new FishTuningError(`row ${where.row}: ${msg}`, { file: where.file });
  };
  const texts = spec.sentenceKeys.map((k) => {
    const v = row[k];
    return typeof v === 'string' ? v : bad(`column '${k}' is missing or not a string (got ${JSON.stringify(v)})`);
  });
  let label = toNumber(row.label);
  if (label === undefined) return bad(`column 'label' is missing or not a number (got ${String(row.label)})`);
  if (float32 && spec.regression) label = float32ToDecimal(label);
  const idx = toNumber(row.idx) ?? where.row;
  const ex: GlueExample = { idx, sentence1: texts[0], label };
  if (texts.length === 2) ex.sentence2 = texts[1];
  return ex;
}
