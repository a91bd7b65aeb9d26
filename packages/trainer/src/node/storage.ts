/**
 * {@link TrainStorage} on a directory: `checkpoint/` and `best/` (atomic swaps), `log.jsonl`, the PEFT
 * adapter files, `fish_mask.safetensors` and `metrics.json`.
 * @module
 */
import * as path from 'node:path';
import { MASK_SIDECAR_NAME } from '@fish-tuning/core';
import { promises as fsp } from 'node:fs';
import { readJsonFile, saveAdapter, writeJsonFileAtomic } from '@fish-tuning/core/node';
import type { TrainResult } from '../options.js';
import type { TrainStorage } from '../storage.js';
import { findCheckpoint, readCheckpoint, writeCheckpoint, writeMaskFile } from './checkpoint.js';
import { JsonlLog } from './log.js';

/** The metrics file the run's result is written to. */
export const METRICS_NAME = 'metrics.json';
export const LOG_NAME = 'log.jsonl';

const exists = (file: string) => fsp.stat(file).then(() => true, () => false);

/** Stores a run in `outDir` (see the module comment for the layout). */
export function dirStorage(outDir: string): TrainStorage {
  return {
    async loadCheckpoint(name = 'checkpoint') {
      const dir = await findCheckpoint(outDir, name);
      return dir ? readCheckpoint(dir) : null;
    },
    saveCheckpoint: (name, contents) => writeCheckpoint(outDir, name, contents),
    openLog: (keepUpToStep) => JsonlLog.open(path.join(outDir, LOG_NAME), keepUpToStep),
    saveAdapter: (adapter) => saveAdapter(outDir, adapter),
    saveMasks: (masks) => writeMaskFile(path.join(outDir, MASK_SIDECAR_NAME), masks),
    saveResult: (result) => writeJsonFileAtomic(path.join(outDir, METRICS_NAME), result),
    async loadResult() {
      const file = path.join(outDir, METRICS_NAME);
      return (await exists(file)) ? readJsonFile<TrainResult>(file) : null;
    },
  };
}
