/**
 * @module @fish-tuning/trainer/node — training runs on disk: {@link train} with `outDir` (checkpoints,
 * exact resume, log.jsonl, metrics.json, the final adapter and mask), the directory storage behind it,
 * checkpoint files and the disk activation cache.
 */
import { train as trainWith, type TrainOptions, type TrainResult } from './index.js';
import * as path from 'node:path';
import { dirStorage } from './node/storage.js';
import { DiskActivationStore } from './node/disk-store.js';

export interface DirTrainOptions extends TrainOptions {
  /** Where checkpoints, log.jsonl, metrics.json and the final adapter go (a {@link dirStorage}); ignored when `storage` is given. */
  outDir?: string;
  /** Directory for the disk activation cache (default `<outDir>/activation-cache`). */
  cacheDir?: string;
}

/** The trainer's `train`, storing the run in `outDir` when given. */
export function train(options: DirTrainOptions): Promise<TrainResult> {
  const { outDir, cacheDir, ...rest } = options;
  const storage = rest.storage ?? (outDir !== undefined ? dirStorage(outDir) : undefined);
  const diskCache = rest.diskCache ?? ((maxBytes: number) => new DiskActivationStore(cacheDir ?? path.join(outDir ?? '.', 'activation-cache'), maxBytes));
  return trainWith({ ...rest, diskCache, ...(storage ? { storage } : {}) });
}

export { dirStorage, METRICS_NAME, LOG_NAME } from './node/storage.js';
export { writeCheckpoint, readCheckpoint, findCheckpoint, writeMaskFile } from './node/checkpoint.js';
export { DiskActivationStore } from './node/disk-store.js';
export { JsonlLog } from './node/log.js';
export { openRunDir, removeStaleTemp, LOCK_NAME, RUN_OUTPUTS, type RunDir, type RunDirOptions } from './node/run-dir.js';
