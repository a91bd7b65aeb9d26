/**
 * Turns one Hugging Face `glue` row (from JSONL or Parquet) into a {@link GlueExample}.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import type { GlueExample } from '../example.js';
import type { GlueTaskSpec } from '../tasks.js';

/**
 * The shortest decimal that has the same float32 value as `x` (3.799999952316284 → 3.8), so that
 * STS-B scores read from Parquet (float32) print as the decimals they were written as. The result
 * always rounds back to the same float32.
 */
export function float32ToDecimal(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  const f = Math.fround(x);
  for (let p = 1; p < 10; p++) {
    const d = Number.parseFloat(x.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return x;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/**
 * Reads the text and label columns named by the task spec. `where` names the file and row for
 * errors, and the line too where the source has lines (JSONL, whose blank lines make them differ). Float32 STS-B scores from Parquet are restored to their decimal value when `float32`.
 */
export function exampleFromHfRow(
  spec: GlueTaskSpec,
  row: Record<string, unknown>,
  where: { file: string; row: number; line?: number },
  float32 = false,
): GlueExample {
  const bad = (msg: string): never => {
    throw new FishTuningError(`${where.line !== undefined ? `line ${where.line} (row ${where.row})` : `row ${where.row}`}: ${msg}`, { file: where.file });
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
