/**
 * LoRI (Zhang et al. 2025, "LoRI: Reducing Cross-Task Interference in Multi-Task Low-Rank Adaptation") as a
 * comparison baseline for FISH-LoRA: A is a frozen random projection and B is sparse.
 *
 * Recipe used here (the paper's two-stage recipe, with the calibration left to the trainer):
 *  1. inject plain LoRA (PEFT's default init: A ~ Kaiming-uniform, B = 0) and train B densely for a
 *     calibration run with A frozen (mask A with `loriCalibrationMask`);
 *  2. `loriMask(adapter, keep)` keeps the `keep` largest-|B| entries (globally over all B matrices, or per
 *     tensor) and zeroes A's mask; training continues from the *initial* state with that mask, as LoRI
 *     resets to its initialisation after extracting the mask (`loriReset` restores the saved init).
 * Pass `keep` = the FISH-LoRA mask's selected count so both train the same number of parameters.
 * A mask is a {PEFT tensor name → float32 0/1 tensor} map, the format of @fish-tuning/mask.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, type TrainableParameter } from '@fish-tuning/core';

type HasParams = { trainableParameters(): TrainableParameter[] };

/** Calibration mask: every B entry trainable, A frozen (and, for DoRA, the magnitude frozen). */
export function loriCalibrationMask(adapter: HasParams): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const p of adapter.trainableParameters()) out.set(p.name, p.role === 'lora_B' ? tf.onesLike(p.variable) : tf.zerosLike(p.variable));
  return out;
}

/**
 * The LoRI mask: 1 for the `keep` largest |B| entries, 0 elsewhere and on every A (and magnitude) entry.
 * Ties at the threshold are broken by position so that exactly `keep` entries are selected.
 */
export function loriMask(adapter: HasParams, keep: number, options: { scope?: 'global' | 'per-tensor' } = {}): Map<string, tf.Tensor> {
  const params = adapter.trainableParameters();
  const bs = params.filter((p) => p.role === 'lora_B');
  const total = bs.reduce((n, p) => n + p.variable.size, 0);
  if (!Number.isInteger(keep) || keep < 0 || keep > total) throw new FishTuningError(`keep must be an integer in 0..${total} (the B entries), got ${keep}`, { option: 'keep' });
  const selected = new Map<string, Float32Array>(bs.map((p) => [p.name, new Float32Array(p.variable.size)]));
  const pick = (group: TrainableParameter[], k: number) => {
    const entries: Array<[number, string, number]> = [];
    for (const p of group) p.variable.dataSync().forEach((v, i) => entries.push([Math.abs(v), p.name, i]));
    entries.sort((x, y) => y[0] - x[0]);
    for (let j = 0; j < k; j++) selected.get(entries[j][1])![entries[j][2]] = 1;
  };
  if ((options.scope ?? 'global') === 'global') pick(bs, keep);
  else {
    // Per tensor: split `keep` in proportion to each B's size (largest remainders get the leftovers).
    const quotas = bs.map((p) => (keep * p.variable.size) / total);
    const counts = quotas.map(Math.floor);
    let left = keep - counts.reduce((a, b) => a + b, 0);
    quotas.map((q, i) => [q - counts[i], i] as const).sort((x, y) => y[0] - x[0]).forEach(([, i]) => {
      if (left > 0) { counts[i]++; left--; }
    });
    bs.forEach((p, i) => pick([p], counts[i]));
  }
  const out = new Map<string, tf.Tensor>();
  for (const p of params) out.set(p.name, p.role === 'lora_B' ? tf.tensor(selected.get(p.name)!, p.variable.shape) : tf.zerosLike(p.variable));
  return out;
}

/** A snapshot of the adapter's values (its init), to restore after calibration with `loriReset`. */
export function loriSnapshot(adapter: HasParams): Map<string, tf.Tensor> {
  return new Map(adapter.trainableParameters().map((p) => [p.name, tf.clone(p.variable)]));
}

export function loriReset(adapter: HasParams, snapshot: Map<string, tf.Tensor>): void {
  for (const p of adapter.trainableParameters()) {
    const v = snapshot.get(p.name);
    if (!v) throw new FishTuningError('missing from the snapshot', { tensor: p.name });
    p.variable.assign(v);
  }
}
