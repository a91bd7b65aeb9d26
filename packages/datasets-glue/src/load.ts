/**
 * `loadGlue`: one split of one task as plain examples (Node only), from a local directory in any supported
 * format, or downloaded from the Hugging Face Hub when no directory is given.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import type { GlueExample, GlueFormat, GlueSplit } from './example.js';
import { glueTask, type GlueTaskSpec } from './tasks.js';
import { downloadGlueSplit, type GlueDownloadOptions } from './io/download.js';
import { findGlueFile } from './io/layout.js';
import { readGlueFile } from './io/read-file.js';

export interface LoadGlueOptions extends GlueDownloadOptions {
  /** Task name (`sst2`, `SST-2`, `glue/sst2`) or spec. */
  task: string | GlueTaskSpec;
  split: GlueSplit;
  /** Local data root holding `<task>/…`; when absent the split is downloaded (see GlueDownloadOptions). */
  dataDir?: string;
  /** File format under `dataDir`; default: the first of jsonl, parquet, tsv that exists. */
  format?: GlueFormat;
  /** Keep only the first `limit` examples. */
  limit?: number;
}

const SPLITS: readonly GlueSplit[] = ['train', 'validation', 'test'];

/** One split of one GLUE task, in file order. */
export async function loadGlue(options: LoadGlueOptions): Promise<GlueExample[]> {
  const spec = typeof options.task === 'string' ? glueTask(options.task) : options.task;
  const { split, dataDir, format } = options;
  if (!SPLITS.includes(split)) {
    throw new FishTuningError(`unknown split '${split}'; expected train, validation or test`, { option: 'split' });
  }
  let examples: GlueExample[];
  if (dataDir !== undefined) {
    const found = findGlueFile(dataDir, spec, split, format);
    if (!found.file || !found.format) {
      throw new FishTuningError(
        `no ${format ?? 'jsonl, parquet or tsv'} file for ${spec.name}/${split}; tried ${found.tried.join(', ')}`,
        { option: 'dataDir', file: found.tried[0] },
      );
    }
    examples = await readGlueFile(spec, found.file, found.format);
  } else {
    if (format !== undefined && format !== 'parquet') {
      throw new FishTuningError(`downloads are Parquet only; pass dataDir to read ${format} files`, { option: 'format' });
    }
    examples = await readGlueFile(spec, await downloadGlueSplit(spec, split, options), 'parquet');
  }
  return options.limit !== undefined ? examples.slice(0, options.limit) : examples;
}
