/**
 * Loads a GSM8K split from a local directory holding `train.jsonl` and `test.jsonl` (Node only).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FishTuningError } from '@fish-tuning/core';
import type { Gsm8kExample, Gsm8kSplit } from './example.js';
import { parseGsm8kJsonl } from './parse.js';

/** Where the files come from (openai/grade-school-math, MIT). */
export const GSM8K_SOURCE_URL = 'https://github.com/openai/grade-school-math/tree/master/grade_school_math/data';

export interface LoadGsm8kOptions {
  split: Gsm8kSplit;
  /** Directory holding `<split>.jsonl` (e.g. `../shared/data/gsm8k`). */
  dataDir: string;
  /** Keep only the first `limit` examples. */
  limit?: number;
}

/** One GSM8K split, in file order. */
export async function loadGsm8k(options: LoadGsm8kOptions): Promise<Gsm8kExample[]> {
  const { split, dataDir } = options;
  if (split !== 'train' && split !== 'test') {
    throw new FishTuningError(`unknown split '${split}'; GSM8K has train and test`, { option: 'split' });
  }
  const file = join(dataDir, `${split}.jsonl`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new FishTuningError(
      `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pass dataDir (CLI: --data-dir) ` +
        `pointing at a directory with train.jsonl and test.jsonl from ${GSM8K_SOURCE_URL}`,
      { file, option: 'dataDir' },
    );
  }
  const examples = parseGsm8kJsonl(text, file);
  return options.limit !== undefined ? examples.slice(0, options.limit) : examples;
}
