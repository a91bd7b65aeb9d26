/**
 * The task head `classifier`: a dense layer whose weight [numLabels, hidden] and bias are trainable
 * Variables, trained next to the PEFT parameters as PEFT's `modules_to_save` does. PEFT saves such a
 * module under `base_model.model.classifier.weight` / `.bias` (its ModulesToSaveWrapper drops
 * `modules_to_save.<adapter>` from the key), so those are the names here.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, matmulWeight, paramValue, peftTensorName, type LinearLike, type TrainableParameter } from '@fish-tuning/core';

export class BertClassifier extends Module implements LinearLike {
  /** HF layout [out, in]. */
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(weight: tf.Tensor2D, bias: tf.Tensor1D) {
    super();
    this.weight = tf.variable(weight, true);
    this.bias = tf.variable(bias, true);
  }

  get inFeatures(): number {
    return this.weight.shape[1] as number;
  }

  get outFeatures(): number {
    return this.weight.shape[0] as number;
  }

  /** x [b, in] → [b, out]; the weight and bias may be per-sample views ([b, out, in], [b, out]). */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(matmulWeight(x, paramValue(this.weight)), paramValue(this.bias)));
  }

  parameters(modulePath: string): TrainableParameter[] {
    return (['weight', 'bias'] as const).map((role) => ({
      name: peftTensorName(modulePath, role),
      variable: this[role],
      module: modulePath,
      role: 'modules_to_save',
      layer: null,
      fishCandidate: false,
    }));
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}
