import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';

/** Loop reference for C = op(A)·op(B). */
function refMatMul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}
const T = (m: number[][]) => m[0].map((_, j) => m.map((r) => r[j]));

describe('fast matMul gradient', () => {
  for (const [ta, tb] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    it(`matches the loop reference for transposeA=${ta} transposeB=${tb}`, async () => {
      const A = [
        [1, 2, 3],
        [4, 5, 6],
      ];
      const B = [
        [0.5, -1],
        [2, 0.25],
        [-3, 1.5],
      ];
      const G = [
        [1, -2],
        [0.5, 3],
      ];
      const a = tf.tensor2d(ta ? T(A) : A);
      const b = tf.tensor2d(tb ? T(B) : B);
      const dy = tf.tensor2d(G);
      const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, ta, tb))([a, b], dy);
      // dA = G·Bᵀ, dB = Aᵀ·G in the untransposed frame.
      const dA = refMatMul(G, T(B));
      const dB = refMatMul(T(A), G);
      expect(Array.from(await da.data())).toEqual((ta ? T(dA) : dA).flat());
      expect(Array.from(await db.data())).toEqual((tb ? T(dB) : dB).flat());
      tf.dispose([a, b, dy, da, db]);
    });
  }

  it('reduces broadcast batch dimensions', async () => {
    const a = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 1);
    const b = tf.randomNormal([5, 2], 0, 1, 'float32', 2);
    const [, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y)))([a, b]);
    // d/dB Σ (A_i B) = Σ_i A_iᵀ 1
    const ref = tf.tidy(() => tf.sum(tf.matMul(tf.transpose(a, [0, 2, 1]), tf.ones([3, 4, 2])), 0));
    expect(db.shape).toEqual([5, 2]);
    const [got, want] = [await db.data(), await ref.data()];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    tf.dispose([a, b, db, ref]);
  });
});

describe('UnsortedSegmentSum (gradient of gather)', () => {
  it('scatter-adds duplicate rows like a loop', async () => {
    const table = tf.variable(tf.randomNormal([7, 3], 0, 1, 'float32', 3));
    const ids = [1, 4, 1, 6, 1, 0];
    const idx = tf.tensor1d(ids, 'int32');
    const up = tf.randomNormal([6, 3], 0, 1, 'float32', 4);
    const upData = await up.data();
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, idx), up)), [table]);
    const got = await grads[table.name].data();
    const want = new Float32Array(21);
    ids.forEach((row, i) => {
      for (let j = 0; j < 3; j++) want[row * 3 + j] += upData[i * 3 + j];
    });
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    tf.dispose([table, idx, up, grads[table.name]]);
  });
});

describe('shared-data Identity (wasm)', () => {
  it('clones share data safely: disposing either side keeps the other intact, assign does not alias', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    const v = tf.variable(tf.tensor1d([5, 6]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor1d([7, 8]));
    expect(Array.from(await snapshot.data())).toEqual([5, 6]);
    expect(Array.from(await v.data())).toEqual([7, 8]);
    const before = tf.memory().numBytes;
    const c = tf.clone(y);
    c.dispose();
    expect(tf.memory().numBytes).toBe(before);
    tf.dispose([y, v, snapshot]);
  });
});
