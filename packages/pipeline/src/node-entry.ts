/**
 * @module @fish-tuning/pipeline/node — {@link fishTuneInDir}: fishTune into a run directory, locked for
 * the run, refused when it holds another run's files (unless overwrite or resume), with the Fisher
 * (`fish_fisher.safetensors`), the mask (`fish_mask.safetensors`), checkpoints, `best/`, `log.jsonl`,
 * `metrics.json` and the PEFT adapter of the last step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FISHER_SIDECAR_NAME, FishTuningError, MASK_SIDECAR_NAME } from '@fish-tuning/core';
import { saveFisher } from '@fish-tuning/fisher/node';
import { saveMask } from '@fish-tuning/mask/node';
import { DiskActivationStore, dirStorage, findCheckpoint, openRunDir } from '@fish-tuning/trainer/node';
import { fishTune } from './fish-tune.js';
import { checkRunOptions, runOptionsOf, type RunOptions } from './run-options.js';
import type { FishTuneOptions, FishTuneResult } from './options.js';

export interface FishTuneDirOptions extends FishTuneOptions {
  /** The run directory. */
  outDir: string;
  /** Replace a previous run's outputs in outDir (default: refuse a non-empty outDir unless resuming). */
  overwrite?: boolean;
  /** With resume: the directory whose checkpoint to continue (default outDir); it is copied into outDir. */
  resumeFrom?: string;
  /** Extra string metadata of the Fisher file (e.g. model and data paths). */
  fisherMetadata?: Record<string, string>;
  /** Directory of the disk activation cache (default `<outDir>/activation-cache`). */
  cacheDir?: string;
  /**
   * The options that decide the run's numbers, recorded in `run_options.json` and compared on resume
   * (default: {@link runOptionsOf} these options, by option path). A CLI passes them by flag.
   */
  runOptions?: RunOptions;
  /** Resume even when {@link runOptions} differ from the recorded ones (default: refuse, naming each). */
  allowChangedOptions?: boolean;
}

/** {@link fishTune} into `outDir` (see the module comment). */
export async function fishTuneInDir(o: FishTuneDirOptions): Promise<FishTuneResult> {
  const { outDir, overwrite, resumeFrom, fisherMetadata, cacheDir, runOptions, allowChangedOptions, ...options } = o;
  const out = path.resolve(outDir);
  const run = openRunDir(out, { overwrite: overwrite === true, resume: o.resume === true });
  try {
    if (o.resume && resumeFrom !== undefined && path.resolve(resumeFrom) !== out) {
      const from = await findCheckpoint(path.resolve(resumeFrom));
      if (!from) throw new FishTuningError('no checkpoint (checkpoint/trainer_state.json) to resume from', { file: resumeFrom, option: 'resumeFrom' });
      fs.cpSync(from, path.join(out, 'checkpoint'), { recursive: true });
    }
    if (o.resume && !(await findCheckpoint(out))) {
      throw new FishTuningError('no checkpoint (checkpoint/trainer_state.json) to resume from', { file: out, option: 'resume' });
    }
    await checkRunOptions(out, runOptions ?? runOptionsOf(options), {
      resume: o.resume === true,
      ...(o.resume && resumeFrom !== undefined ? { fromDir: path.resolve(resumeFrom) } : {}),
      allowChanged: allowChangedOptions === true,
    });
    return await fishTune({
      ...options,
      training: {
        ...options.training,
        storage: dirStorage(out),
        diskCache: (maxBytes) => new DiskActivationStore(cacheDir ?? path.join(out, 'activation-cache'), maxBytes),
      },
      onFisher: async (fisher) => {
        await saveFisher(path.join(out, FISHER_SIDECAR_NAME), fisher, { peft_method: o.method, ...fisherMetadata });
        await options.onFisher?.(fisher);
      },
      onMask: async (mask) => {
        // A Fisher-based mask names the Fisher file beside it.
        const metadata = mask.selection === 'random' ? mask.metadata : { ...mask.metadata, source: FISHER_SIDECAR_NAME };
        await saveMask(path.join(out, MASK_SIDECAR_NAME), { ...mask, metadata });
        await options.onMask?.(mask);
      },
    });
  } finally {
    run.release();
  }
}
export { checkRunOptions, changedRunOptions, runOptionsOf, sha256Of, RUN_OPTIONS_NAME, type RunOptions } from './run-options.js';
