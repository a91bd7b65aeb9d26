/**
 * The options that decide a run's numbers (learning rate, data, optimizer, schedule, init, seed, mask,
 * method options), recorded in `<out>/run_options.json` at the first start and compared on resume: a
 * resumed run that silently trains with another learning rate or other data gives numbers no single
 * run produces, so a change is refused, naming every changed option with its old and new value,
 * unless the caller allows it.
 * @module
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FishTuningError } from '@fish-tuning/core';
import { readJsonFile, writeJsonFileAtomic } from '@fish-tuning/core/node';
import type { FishTuneOptions } from './options.js';

export const RUN_OPTIONS_NAME = 'run_options.json';
const RUN_OPTIONS_FORMAT = 'fish-tuning-run-options';

/** Option name (a CLI flag, or a library option path) → its value (JSON). */
export type RunOptions = Record<string, unknown>;

/** sha256 (hex) of JSON-able rows or of a file's bytes. */
export function sha256Of(value: unknown): string {
  return createHash('sha256').update(value instanceof Uint8Array ? value : JSON.stringify(value)).digest('hex');
}

/** The math-relevant options of a library call, by option path (used when the caller records none itself). */
export function runOptionsOf(o: FishTuneOptions): RunOptions {
  const t = o.training ?? {};
  return {
    method: o.method,
    config: o.config ?? {},
    train: `sha256:${sha256Of(o.train)}`,
    mask: o.mask ?? 'fish',
    ratio: o.ratio ?? null,
    count: o.count ?? null,
    budget: o.budget ?? null,
    'fisher.samples': o.fisher?.samples ?? null,
    seed: o.seed ?? 0,
    'training.lr': t.lr ?? null,
    'training.optimizer': t.optimizer ?? null,
    'training.schedule': t.schedule ?? null,
    'training.warmupRatio': t.warmupRatio ?? null,
    'training.epochs': t.epochs ?? null,
    'training.maxSteps': t.maxSteps ?? null,
    'training.batchSize': t.batchSize ?? null,
    'training.gradAccumulation': t.gradAccumulation ?? null,
    'training.weightDecay': t.weightDecay ?? null,
    'training.clipNorm': t.clipNorm ?? null,
    'training.dropout': t.dropout ?? null,
  };
}

const shown = (v: unknown): string => (v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v));

/** Every option whose value differs, as `name old → new`. */
export function changedRunOptions(recorded: RunOptions, now: RunOptions): string[] {
  const names = [...new Set([...Object.keys(recorded), ...Object.keys(now)])];
  return names.filter((n) => JSON.stringify(recorded[n] ?? null) !== JSON.stringify(now[n] ?? null)).map((n) => `${n} ${shown(recorded[n])} → ${shown(now[n])}`);
}

/**
 * At a first start: writes `options` to `<outDir>/run_options.json` (atomically). On resume: compares
 * them with the ones recorded in `fromDir` (the run being continued) and refuses a change unless
 * `allowChanged`; then records the options now in force in outDir. A run recorded before this file
 * existed is resumed as it is.
 */
export async function checkRunOptions(outDir: string, options: RunOptions, o: { resume: boolean; fromDir?: string; allowChanged?: boolean }): Promise<void> {
  const file = path.join(outDir, RUN_OPTIONS_NAME);
  let same = false;
  if (o.resume) {
    const recordedFile = path.join(o.fromDir ?? outDir, RUN_OPTIONS_NAME);
    if (fs.existsSync(recordedFile)) {
      const recorded = await readJsonFile<{ format?: string; options?: RunOptions }>(recordedFile);
      if (recorded.format !== RUN_OPTIONS_FORMAT || typeof recorded.options !== 'object' || recorded.options === null) {
        throw new FishTuningError(`not a fish-tuning run options file (format ${JSON.stringify(recorded.format)})`, { file: recordedFile });
      }
      const changed = changedRunOptions(recorded.options, options);
      if (changed.length && !o.allowChanged) {
        throw new FishTuningError(
          `the run in ${o.fromDir ?? outDir} was started with other options (${RUN_OPTIONS_NAME}); a resume with them changed would train a mix of two runs: ${changed.join('; ')}. ` +
            'Give the original values, or allow the change explicitly (--allow-changed-flags)',
          { option: 'resume' },
        );
      }
      same = changed.length === 0 && recordedFile === file;
    }
  }
  // An unchanged resume leaves the file as it is (a finished run's files stay untouched).
  if (!same) await writeJsonFileAtomic(file, { format: RUN_OPTIONS_FORMAT, options });
}
