/**
 * Plain SGD with (coupled) weight decay, `p ← p − lr·(g + wd·p)`, restricted to a FISH mask: masked
 * entries are written back unchanged (tf.where), so they stay bit-identical. Stateless.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, type DecodedTensor } from '@fish-tuning/core';
import { maskParameters, disposeMaskedParameters, type MaskedParameter, type OptimizedParameter } from './masked-parameter.js';
import type { Optimizer } from './optimizer.js';

export interface SgdOptions {
  weightDecay?: number;
}

export class MaskedSGD implements Optimizer {
  readonly kind = 'sgd' as const;
  readonly weightDecay: number;
  readonly params: readonly MaskedParameter[];
  private count = 0;

  constructor(params: readonly OptimizedParameter[], masks?: ReadonlyMap<string, tf.Tensor> | null, options: SgdOptions = {}) {
    this.weightDecay = options.weightDecay ?? 0;
    if (!(this.weightDecay >= 0)) throw new FishTuningError(`weight decay must be ≥ 0, got ${this.weightDecay}`, { option: 'weightDecay' });
    this.params = maskParameters(params, masks);
  }

  get updates(): number {
    return this.count;
  }

  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale = 1): void {
    this.count += 1;
    for (const param of this.params) {
      const grad = grads.get(param.name);
      if (!grad || param.k === 0) continue;
      tf.tidy(() => {
        const p = param.variable;
        let g = gradScale !== 1 ? tf.mul(grad, tf.scalar(gradScale)) : grad;
        if (this.weightDecay !== 0) g = tf.add(g, tf.mul(p, tf.scalar(this.weightDecay)));
        const next = tf.sub(p, tf.mul(g, tf.scalar(lr)));
        p.assign(param.keep ? tf.where(param.keep, next, p) : next);
      });
    }
  }

  stateTensors(): Map<string, tf.Tensor> {
    return new Map();
  }

  loadState(_tensors: ReadonlyMap<string, DecodedTensor>, updates: number): void {
    this.count = updates;
  }

  stateBytes(): number {
    return 0;
  }

  dispose(): void {
    disposeMaskedParameters(this.params);
  }
}
