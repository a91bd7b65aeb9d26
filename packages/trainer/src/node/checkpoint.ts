/**
 * Training checkpoints, written so that a crash at any instant leaves a complete one: every file goes
 * into a fresh temporary directory (each file written, fsynced and renamed by core's writeFileAtomic),
 * then the directory is swapped in with two renames (`name` → `name.old`, `tmp` → `name`). A reader
 * that finds no `name` but a `name.old` (a crash between the renames) uses the old one.
 *
 * Layout of `<out>/checkpoint/`:
 *  - `adapter_config.json`, `adapter_model.safetensors`: the PEFT adapter (core saveAdapter), when there is one
 *  - `trainable.safetensors`: every trained variable (PEFT ones and the head) by name, F32 — what resume loads
 *  - `fish_mask.safetensors`: the masks (U8 0/1), when training is masked
 *  - `optimizer.safetensors`: `<name>.exp_avg` / `<name>.exp_avg_sq` (shape [k] for sparse state), F32;
 *    metadata `kind`, `updates`
 *  - `trainer_state.json`: {@link TrainerState} (step, RNG state, metrics, early-stopping counters)
 * @module
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, MASK_SIDECAR_NAME, type TensorToWrite } from '@fish-tuning/core';
import { asDiskWriteError, DiskWriteError, readJsonFile, readSafetensorsFile, saveAdapter, writeJsonFileAtomic, writeSafetensorsFile } from '@fish-tuning/core/node';
import {
  OPTIMIZER_NAME,
  TRAINABLE_NAME,
  TRAINER_STATE_FORMAT,
  TRAINER_STATE_NAME,
  type CheckpointContents,
  type LoadedCheckpoint,
  type TrainerState,
} from '../state.js';
import { checkCheckpointConsistency } from './checkpoint-consistency.js';

async function writableOf(tensors: ReadonlyMap<string, tf.Tensor>, dtype: 'F32' | 'U8'): Promise<Map<string, TensorToWrite>> {
  const out = new Map<string, TensorToWrite>();
  for (const [name, t] of tensors) {
    const data = await t.data();
    out.set(name, { shape: [...t.shape], data: dtype === 'U8' ? Uint8Array.from(data as ArrayLike<number>) : Float32Array.from(data as ArrayLike<number>), dtype });
  }
  return out;
}

/** Writes the mask sidecar (U8 0/1, PEFT names). */
export async function writeMaskFile(file: string, masks: ReadonlyMap<string, tf.Tensor>): Promise<void> {
  await writeSafetensorsFile(file, await writableOf(masks, 'U8'), { format: 'fish-mask' });
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const h = await fsp.open(dir, 'r');
    await h.sync().catch(() => undefined);
    await h.close();
  } catch {
    /* not supported everywhere */
  }
}

async function exists(p: string): Promise<boolean> {
  return fsp.stat(p).then(
    () => true,
    () => false,
  );
}

/** Writes `<parent>/<name>` as a whole (see the module comment for the swap). */
export async function writeCheckpoint(parent: string, name: string, c: CheckpointContents): Promise<string> {
  const final = path.join(parent, name);
  const tmp = `${final}.tmp-${process.pid}`;
  try {
    await fsp.rm(tmp, { recursive: true, force: true });
    await fsp.mkdir(tmp, { recursive: true });
    if (c.adapter) await saveAdapter(tmp, c.adapter);
    await writeSafetensorsFile(path.join(tmp, TRAINABLE_NAME), await writableOf(c.trainable, 'F32'), { format: 'fish-trainable' });
    await writeSafetensorsFile(path.join(tmp, OPTIMIZER_NAME), await writableOf(c.optimizer, 'F32'), {
      format: 'fish-optimizer',
      kind: c.state.optimizer.kind,
      updates: String(c.state.optimizer.updates),
    });
    if (c.masks && c.masks.size) await writeMaskFile(path.join(tmp, MASK_SIDECAR_NAME), c.masks);
    await writeJsonFileAtomic(path.join(tmp, TRAINER_STATE_NAME), c.state);
    await fsyncDir(tmp);
  } catch (e) {
    // A full disk (or any refused write) leaves the previous checkpoint untouched: say so, and drop the partial one.
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    const refused = asDiskWriteError(e, tmp);
    if (refused instanceof DiskWriteError) {
      throw refused.withIntact((await exists(path.join(final, TRAINER_STATE_NAME))) ? `the last checkpoint ${final} is intact (resume from it once there is space)` : 'no earlier checkpoint exists');
    }
    throw e;
  }
  const old = `${final}.old`;
  await fsp.rm(old, { recursive: true, force: true });
  if (await exists(final)) await fsp.rename(final, old);
  await fsp.rename(tmp, final);
  await fsyncDir(parent);
  await fsp.rm(old, { recursive: true, force: true });
  return final;
}

/** The complete checkpoint directory under `parent` (`name`, or `name.old` after a crash mid-swap), or null. */
export async function findCheckpoint(parent: string, name = 'checkpoint'): Promise<string | null> {
  for (const dir of [path.join(parent, name), path.join(parent, `${name}.old`)]) {
    if (await exists(path.join(dir, TRAINER_STATE_NAME))) return dir;
  }
  return null;
}

export async function readCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const stateFile = path.join(dir, TRAINER_STATE_NAME);
  const state = await readJsonFile<TrainerState>(stateFile);
  if (state.format !== TRAINER_STATE_FORMAT) throw new FishTuningError(`not a fish-tuning trainer state (format ${JSON.stringify(state.format)})`, { file: stateFile });
  const trainable = (await readSafetensorsFile(path.join(dir, TRAINABLE_NAME))).tensors;
  const { tensors: optimizer, metadata: optimizerMetadata } = await readSafetensorsFile(path.join(dir, OPTIMIZER_NAME));
  const maskFile = path.join(dir, MASK_SIDECAR_NAME);
  const masks = (await exists(maskFile)) ? (await readSafetensorsFile(maskFile)).tensors : null;
  checkCheckpointConsistency(dir, { state, trainable, optimizer, optimizerMetadata, masks });
  return { dir, state, trainable, optimizer, masks };
}
