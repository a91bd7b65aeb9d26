import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@fish-tuning/core';
import { injectLora, loraConfig } from '@fish-tuning/lora';
import { loriCalibrationMask, loriMask, loriReset, loriSnapshot } from '../src/index.js';
import { ToyModel } from '../../lora/test/toy.js';

describe('LoRI baseline', () => {
  it('masks A entirely and keeps exactly the top-|B| entries', () => {
    const model = new ToyModel(2);
    const adapter = injectLora(model, loraConfig({ r: 2, target_modules: ['q_proj', 'v_proj'] }, model), new Rng(1));
    const init = loriSnapshot(adapter);
    const calib = loriCalibrationMask(adapter);
    for (const p of adapter.trainableParameters()) expect(Array.from(calib.get(p.name)!.dataSync()).every((v) => v === (p.role === 'lora_B' ? 1 : 0))).toBe(true);
    // Pretend calibration trained B densely.
    const rng = new Rng(4);
    for (const p of adapter.trainableParameters()) if (p.role === 'lora_B') p.variable.assign(tf.tensor(Float32Array.from({ length: p.variable.size }, () => rng.normal()), p.variable.shape));
    const keep = 17;
    const mask = loriMask(adapter, keep);
    const bValues: number[] = [];
    let kept = 0;
    let minKept = Infinity;
    for (const p of adapter.trainableParameters()) {
      const mk = mask.get(p.name)!.dataSync();
      if (p.role === 'lora_A') expect(Array.from(mk).every((v) => v === 0)).toBe(true);
      else {
        const v = p.variable.dataSync();
        v.forEach((x, i) => {
          bValues.push(Math.abs(x));
          if (mk[i] === 1) { kept++; minKept = Math.min(minKept, Math.abs(x)); }
        });
      }
    }
    expect(kept).toBe(keep);
    expect(minKept).toBe(bValues.sort((a, b) => b - a)[keep - 1]);
    const perTensor = loriMask(adapter, keep, { scope: 'per-tensor' });
    expect([...perTensor.values()].reduce((n, t) => n + tf.sum(t).dataSync()[0], 0)).toBe(keep);
    expect(() => loriMask(adapter, 10_000)).toThrow(/option 'keep'/);
    loriReset(adapter, init);
    for (const p of adapter.trainableParameters()) if (p.role === 'lora_B') expect(Array.from(p.variable.dataSync()).every((v) => v === 0)).toBe(true);
    adapter.dispose();
    model.dispose();
  });
});
