/**
 * Where a training run keeps what outlives it — checkpoints, the log, the final adapter, mask and
 * result. The training loop only talks to this interface, so it runs
 * in a browser; `@fish-tuning/trainer/node` implements it on a directory (`dirStorage`, and `train`
 * with `outDir`).
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { PeftAdapter } from '@fish-tuning/core';
import type { CheckpointContents, LoadedCheckpoint } from './state.js';
import type { LogRecord, TrainResult } from './options.js';

/** An append-only run log. */
export interface RunLog {
  append(record: LogRecord): Promise<void>;
  close(): Promise<void>;
}

export interface TrainStorage {
  /** The complete checkpoint named `name` ('checkpoint' by default), or null when there is none. */
  loadCheckpoint(name?: string): Promise<LoadedCheckpoint | null>;
  /** Writes a whole checkpoint under `name` ('checkpoint', or 'best'); returns where it went. */
  saveCheckpoint(name: string, contents: CheckpointContents): Promise<string>;
  /** Opens the log; records after step `keepUpToStep` (all, when 0) are dropped first. */
  openLog(keepUpToStep: number): Promise<RunLog>;
  /** The final adapter (PEFT format). */
  saveAdapter(adapter: PeftAdapter): Promise<void>;
  /** The final masks (U8 0/1 by PEFT name). */
  saveMasks(masks: ReadonlyMap<string, tf.Tensor>): Promise<void>;
  /** The run's result (metrics.json on disk). */
  saveResult(result: TrainResult): Promise<void>;
  /** The stored result, if any (resuming a finished run reports it). */
  loadResult?(): Promise<TrainResult | null>;
}
