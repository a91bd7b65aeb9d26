/**
 * Parses a Hugging Face `glue` split stored as JSON Lines (one row object per line).
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import type { GlueExample } from '../example.js';
import type { GlueTaskSpec } from '../tasks.js';
import { exampleFromHfRow } from './row.js';

/** Every example in the JSONL `text`, in order; `file` names the source in errors. Blank lines are skipped. */
export function parseGlueJsonl(spec: GlueTaskSpec, text: string, file = '<jsonl>'): GlueExample[] {
  const out: GlueExample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new FishTuningError(`line ${i + 1} is not valid JSON: ${(e as Error).message}`, { file });
    }
    out.push(exampleFromHfRow(spec, row as Record<string, unknown>, { file, row: out.length, line: i + 1 }));
  }
  return out;
}
