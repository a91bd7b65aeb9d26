/**
 * UniPELT's gate: G = σ(W_G x + b_G), averaged over the sequence (as AdapterHub's gating), giving one
 * value per sample and gate output: [b, 1, out]. W_G is [out, d] in PyTorch layout; per-sample views
 * of W_G [b, out, d] and b_G [b, out] are accepted (paramValue).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { matmulWeight, ownedVariable, paramValue, perSampleBroadcast } from '@fish-tuning/core';

export class Gate {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  /** Zero init: every gate starts at σ(0) = 0.5. */
  constructor(inFeatures: number, outFeatures = 1) {
    this.weight = ownedVariable(tf.zeros([outFeatures, inFeatures]));
    this.bias = ownedVariable(tf.zeros([outFeatures]));
  }

  /** x [b, t, d] → [b, 1, out]. */
  value(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const z = matmulWeight(x, paramValue(this.weight));
      const g = tf.sigmoid(tf.add(z, perSampleBroadcast(paramValue(this.bias), z)));
      return tf.mean(g, 1, true);
    });
  }

  variables(): Array<[string, tf.Variable]> {
    return [
      ['weight', this.weight],
      ['bias', this.bias],
    ];
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}
