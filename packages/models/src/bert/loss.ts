/**
 * Per-example losses of a sequence-classification head, as transformers computes them before its mean:
 * cross-entropy for classification, squared error for regression (MSELoss on squeezed logits).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError } from '@fish-tuning/core';

/** logits [b, n], labels int [b] → −log softmax(logits)[label], shape [b]. */
export function crossEntropyPerExample(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor1D {
  const [b, n] = logits.shape as [number, number];
  if (labels.rank !== 1 || labels.shape[0] !== b) {
    throw new FishTuningError(`classification labels must be int32 [${b}], got ${labels.dtype} ${JSON.stringify(labels.shape)}`, { option: 'labels' });
  }
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    // tf.oneHot gives int32; cast it explicitly, outside the gradient path (mul's implicit cast put a Cast
    // there, whose stock gradient failed when two tfjs-core copies are loaded). Not oneHot(..., 'float32'):
    // wasm's OneHot ignores the dtype and writes int bits (1 reads as 1.4e-45).
    const onehot = tf.cast(tf.oneHot(tf.cast(labels, 'int32'), n), 'float32');
    const picked = tf.sum(tf.mul(logp, onehot), -1);
    return tf.neg(picked) as tf.Tensor1D;
  });
}

/** predictions [b], targets [b] → (prediction − target)², shape [b]. */
export function squaredErrorPerExample(predictions: tf.Tensor, targets: tf.Tensor): tf.Tensor1D {
  const b = predictions.shape[0];
  if (targets.rank !== 1 || targets.shape[0] !== b) {
    throw new FishTuningError(`regression labels must be float32 [${b}], got ${targets.dtype} ${JSON.stringify(targets.shape)}`, { option: 'labels' });
  }
  return tf.tidy(() => tf.square(tf.sub(predictions, tf.cast(targets, 'float32'))) as tf.Tensor1D);
}
