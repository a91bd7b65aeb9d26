/**
 * results.json: the grid's description and every finished cell, rewritten atomically (temp file + rename)
 * after each cell, so a killed run loses at most the cell it was in.
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FishTuningError } from '@fish-tuning/core';
import type { Cell, CellResult, CellSettings } from './cell.js';

export interface CellRecord {
  cell: Cell;
  settings: CellSettings;
  result: CellResult;
  finishedAt: string;
}

export interface ResultsFile {
  format: 'fish-tuning-reproduce/1';
  protocol: string;
  model: string;
  /** The command line that made (or last continued) these results. */
  command: string;
  /** Per task: the settings its cells use. */
  settings: Record<string, CellSettings>;
  cells: Record<string, CellRecord>;
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(value, null, 1) + '\n');
  fs.renameSync(tmp, file);
}

export function writeTextAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Reads results.json (null when absent); refuses one made by a different protocol or model. */
export function readResults(file: string, expect: { protocol: string; model: string }): ResultsFile | null {
  if (!fs.existsSync(file)) return null;
  let parsed: ResultsFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FishTuningError(`not valid JSON (${(e as Error).message}); move it away to start over`, { file });
  }
  if (parsed.format !== 'fish-tuning-reproduce/1') throw new FishTuningError(`not a results file of fish-tune reproduce (format ${JSON.stringify(parsed.format)})`, { file });
  if (parsed.protocol !== expect.protocol) throw new FishTuningError(`holds protocol '${parsed.protocol}', not '${expect.protocol}'; use another --out`, { file, option: '--out' });
  if (parsed.model !== expect.model) throw new FishTuningError(`was made with --model ${parsed.model}, not ${expect.model}; use another --out`, { file, option: '--out' });
  return parsed;
}

/** Same settings? (A finished cell is reused only when it was made with the settings asked for now.) */
export function sameSettings(a: CellSettings, b: CellSettings): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());
}
