/**
 * Causal-LM loss per example: labels aligned with input_ids are shifted inside (position i predicts
 * label i+1), -100 is ignored, and each example's loss is the mean token cross-entropy over its
 * supervised positions (0 for an example with none).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { IGNORE_INDEX } from '@fish-tuning/core';

/** logits [b, t, vocab], labels int32 [b, t] → [b]. */
export function causalLmPerExampleLoss(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const [b, t, vocab] = logits.shape;
    if (t < 2) return tf.zeros([b]) as tf.Tensor1D;
    const n = b * (t - 1);
    const flat = tf.reshape(tf.slice(logits, [0, 0, 0], [b, t - 1, vocab]), [n, vocab]);
    const target = tf.reshape(tf.slice(tf.cast(labels, 'int32'), [0, 1], [b, t - 1]), [n]);
    const mask = tf.cast(tf.notEqual(target, tf.scalar(IGNORE_INDEX, 'int32')), 'float32');
    // The label's logit through a one-hot product (as large as the logits themselves): tfjs's gather
    // gradient calls the chained tensor.clone(), which fails when tfjs-core is loaded twice.
    const picked = tf.sum(tf.mul(flat, tf.oneHot(tf.maximum(target, tf.scalar(0, 'int32')), vocab)), 1);
    const ce = tf.mul(tf.sub(tf.logSumExp(flat, 1), picked), mask);
    const sums = tf.sum(tf.reshape(ce, [b, t - 1]), 1);
    const counts = tf.sum(tf.reshape(mask, [b, t - 1]), 1);
    return tf.div(sums, tf.maximum(counts, 1)) as tf.Tensor1D;
  });
}

/** Labels when a batch brings none: the input ids, with padding (attention mask 0) ignored. */
export function labelsFromInputs(inputIds: tf.Tensor, attentionMask?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const ids = tf.cast(inputIds, 'int32');
    if (!attentionMask) return ids;
    return tf.where(tf.cast(attentionMask, 'bool'), ids, tf.fill(ids.shape, IGNORE_INDEX, 'int32'));
  });
}
