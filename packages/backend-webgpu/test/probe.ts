/** The computations compared across backends (no backend import here: the caller picks one). */
import type * as tfType from '@tensorflow/tfjs-core';

export async function trainingKernelsProbe(tf: typeof tfType): Promise<Record<string, number[]>> {
  const a = tf.tensor2d([0.5, -1, 2, 3, 1, -2, 0.25, 4, -0.5, 1.5, 2.5, -3], [3, 4]);
  const b = tf.tensor2d([1, 2, -1, 0.5, 0, 1, 2, -2], [4, 2]);
  const [da, db] = tf.grads((x: tfType.Tensor, y: tfType.Tensor) => tf.sum(tf.square(tf.matMul(x, y))))([a, b]);
  const table = tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2]));
  const ids = tf.tensor1d([4, 1, 4, 0], 'int32');
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, ids), tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]))), [table]);
  const erf = tf.erf(tf.tensor1d([-2, -0.5, 0, 0.3, 1.7]));
  // One masked AdamW step (bias-corrected, decoupled decay), as the trainer applies it.
  const w = tf.tensor1d([1, -2, 3, -4]);
  const g = tf.tensor1d([0.1, 0.2, -0.3, 0.4]);
  const mask = tf.tensor1d([1, 0, 1, 0]);
  const lr = 0.01;
  const m = tf.mul(tf.mul(g, mask), 0.1);
  const v = tf.mul(tf.square(tf.mul(g, mask)), 0.001);
  const update = tf.div(tf.div(m, 0.1), tf.add(tf.sqrt(tf.div(v, 0.001)), 1e-8));
  const stepped = tf.sub(w, tf.mul(tf.add(update, tf.mul(w, 0.01)), tf.mul(mask, lr)));
  return {
    da: Array.from(await da.data()),
    db: Array.from(await db.data()),
    gatherGrad: Array.from(await grads[table.name].data()),
    erf: Array.from(await erf.data()),
    adamw: Array.from(await stepped.data()),
  };
}
