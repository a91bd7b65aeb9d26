/**
 * {@link TrainStorage} on a directory: `checkpoint/` and `best/` (atomic swaps), `log.jsonl`, the PEFT
 * adapter files, `fish_mask.safetensors` and `metrics.json`.
 * @module
 */
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, MASK_SIDECAR_NAME, type PeftAdapter } from '@fish-tuning/core';
import { promises as fsp } from 'node:fs';
import { DiskWriteError, readJsonFile, saveAdapter, writeJsonFileAtomic } from '@fish-tuning/core/node';
import type { LogRecord, TrainResult } from '../options.js';
import type { CheckpointContents } from '../state.js';
import type { TrainStorage } from '../storage.js';
import { findCheckpoint, readCheckpoint, writeCheckpoint, writeMaskFile } from './checkpoint.js';
import { JsonlLog } from './log.js';

/** The metrics file the run's result is written to. */
export const METRICS_NAME = 'metrics.json';
export const LOG_NAME = 'log.jsonl';

const exists = (file: string) => fsp.stat(file).then(() => true, () => false);

/** Adds to a disk error what the user needs to know: the last complete checkpoint is intact, and how to go on. */
function keepsCheckpoint<A extends unknown[], R>(outDir: string, write: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await write(...args);
    } catch (e) {
      // A checkpoint write already says which checkpoint is intact; other run files (the log) get it said here.
      if (e instanceof DiskWriteError && !e.intact.includes('checkpoint')) {
        throw e.withIntact(`the last checkpoint ${path.join(outDir, 'checkpoint')} is intact (resume from it once there is space)`);
      }
      throw e;
    }
  };
}

/** Stores a run in `outDir` (see the module comment for the layout). */
export function dirStorage(outDir: string): TrainStorage {
  return {
    async loadCheckpoint(name = 'checkpoint') {
      const dir = await findCheckpoint(outDir, name);
      return dir ? readCheckpoint(dir) : null;
    },
    saveCheckpoint: keepsCheckpoint(outDir, (name: string, contents: CheckpointContents) => writeCheckpoint(outDir, name, contents)),
    openLog: keepsCheckpoint(outDir, async (keepUpToStep: number) => {
      const log = await JsonlLog.open(path.join(outDir, LOG_NAME), keepUpToStep);
      return { append: keepsCheckpoint(outDir, (r: LogRecord) => log.append(r)), close: () => log.close() };
    }),
    saveAdapter: keepsCheckpoint(outDir, (adapter: PeftAdapter) => saveAdapter(outDir, adapter)),
    saveMasks: keepsCheckpoint(outDir, (masks: ReadonlyMap<string, tf.Tensor>) => writeMaskFile(path.join(outDir, MASK_SIDECAR_NAME), masks)),
    saveResult: keepsCheckpoint(outDir, (result: TrainResult) => writeJsonFileAtomic(path.join(outDir, METRICS_NAME), result)),
    async loadResult() {
      const file = path.join(outDir, METRICS_NAME);
      return (await exists(file)) ? readJsonFile<TrainResult>(file) : null;
    },
  };
}
