/**
 * A checkpoint's files must agree with each other before resume trusts them: a hand-edited
 * `trainer_state.json` (a step the optimizer never took, another optimizer) or tensors from another
 * run would otherwise resume into numbers no run produces. Each disagreement names the file and field.
 * @module
 */
import * as path from 'node:path';
import { FishTuningError, MASK_SIDECAR_NAME, type DecodedTensor } from '@fish-tuning/core';
import { OPTIMIZER_NAME, TRAINABLE_NAME, TRAINER_STATE_NAME, type TrainerState } from '../state.js';

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export interface CheckpointFiles {
  state: TrainerState;
  trainable: ReadonlyMap<string, DecodedTensor>;
  optimizer: ReadonlyMap<string, DecodedTensor>;
  optimizerMetadata: Readonly<Record<string, string>>;
  masks: ReadonlyMap<string, DecodedTensor> | null;
}

/** Throws a FishTuningError naming the file and field (or tensor) where the checkpoint in `dir` disagrees with itself. */
export function checkCheckpointConsistency(dir: string, c: CheckpointFiles): void {
  const stateFile = path.join(dir, TRAINER_STATE_NAME);
  const optFile = path.join(dir, OPTIMIZER_NAME);
  const maskFile = path.join(dir, MASK_SIDECAR_NAME);
  const s = c.state;
  const bad = (field: string, why: string) => new FishTuningError(`field '${field}' ${why}`, { file: stateFile });

  for (const field of ['step', 'totalSteps', 'stepsPerEpoch', 'seed', 'tokens', 'badEvals'] as const) {
    if (!isCount(s[field])) throw bad(field, `must be a whole number ≥ 0 (found ${JSON.stringify(s[field])})`);
  }
  if (s.stepsPerEpoch === 0) throw bad('stepsPerEpoch', 'must be ≥ 1');
  if (typeof s.optimizer !== 'object' || s.optimizer === null || !isCount(s.optimizer.updates) || typeof s.optimizer.kind !== 'string') {
    throw bad('optimizer', `must be { kind, updates, sparseState } (found ${JSON.stringify(s.optimizer)})`);
  }
  // One optimizer update per step: a step the optimizer state never saw would resume with wrong bias corrections and data position.
  if (s.optimizer.updates !== s.step) throw bad('step', `is ${s.step} but optimizer.updates is ${s.optimizer.updates} (one update per step)`);
  if (c.optimizerMetadata.updates !== undefined && c.optimizerMetadata.updates !== String(s.optimizer.updates)) {
    throw bad('optimizer.updates', `is ${s.optimizer.updates} but ${OPTIMIZER_NAME} was written after ${c.optimizerMetadata.updates} updates`);
  }
  if (c.optimizerMetadata.kind !== undefined && c.optimizerMetadata.kind !== s.optimizer.kind) {
    throw bad('optimizer.kind', `is '${s.optimizer.kind}' but ${OPTIMIZER_NAME} holds '${c.optimizerMetadata.kind}' state`);
  }
  if (!Array.isArray(s.evals)) throw bad('evals', 'must be a list');
  for (const [i, e] of s.evals.entries()) {
    if (!e || !isCount(e.step) || e.step > s.step) throw bad(`evals[${i}].step`, `must be a step ≤ ${s.step} (found ${JSON.stringify(e?.step)})`);
  }
  if (s.best !== null && s.best !== undefined && (!isCount(s.best.step) || s.best.step > s.step)) throw bad('best.step', `must be a step ≤ ${s.step} (found ${JSON.stringify(s.best.step)})`);

  // Masks: one per trained tensor of the same shape, 0/1.
  if (c.masks) {
    for (const [name, m] of c.masks) {
      const t = c.trainable.get(name);
      if (!t) throw new FishTuningError(`mask for a tensor that ${TRAINABLE_NAME} does not hold`, { file: maskFile, tensor: name });
      if (!sameShape(m.shape, t.shape)) throw new FishTuningError(`mask shape ${JSON.stringify(m.shape)} differs from the trained tensor's ${JSON.stringify(t.shape)} in ${TRAINABLE_NAME}`, { file: maskFile, tensor: name });
      if (m.data.some((v) => v !== 0 && v !== 1)) throw new FishTuningError('mask values must be 0 or 1', { file: maskFile, tensor: name });
    }
  }

  // Optimizer moments: only for trained tensors, dense (the tensor's shape) or sparse ([selected entries]).
  for (const [key, m] of c.optimizer) {
    const name = key.replace(/\.exp_avg(_sq)?$/, '');
    if (name === key) throw new FishTuningError('not an optimizer moment (<name>.exp_avg or <name>.exp_avg_sq)', { file: optFile, tensor: key });
    const t = c.trainable.get(name);
    if (!t) throw new FishTuningError(`moment of a tensor that ${TRAINABLE_NAME} does not hold`, { file: optFile, tensor: key });
    const mask = c.masks?.get(name);
    const selected = mask ? Array.from(mask.data).reduce((n, v) => n + v, 0) : null;
    const ok = sameShape(m.shape, t.shape) || (s.optimizer.sparseState !== false && selected !== null && sameShape(m.shape, [selected]));
    if (!ok) {
      throw new FishTuningError(
        `shape ${JSON.stringify(m.shape)} matches neither the trained tensor ${JSON.stringify(t.shape)} in ${TRAINABLE_NAME}${selected !== null ? ` nor the ${selected} entries its mask in ${MASK_SIDECAR_NAME} selects` : ''}`,
        { file: optFile, tensor: key },
      );
    }
  }
}
