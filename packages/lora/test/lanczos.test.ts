/**
 * Lanczos (the truncated SVD behind PiSSA for matrices above 128) against ml-matrix's full SVD: a decaying
 * spectrum, a flat one (random Gaussian, the slow case for iteration), a wide matrix, and a low-rank one.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '@fish-tuning/core';
import { expectAllClose } from '@fish-tuning/test-utils';
import { fullSvd, lanczosSvd, truncatedSvd, type TruncatedSvd } from '../src/index.js';

function gaussian(rows: number, cols: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: rows * cols }, () => rng.normal());
}

/** Triplets agree up to the sign of each pair (u and v flip together). */
function expectSameTriplets(got: TruncatedSvd, want: TruncatedSvd, tol: number): void {
  const { rows, cols, k } = want;
  expectAllClose(got.s, want.s, tol, 0, 'singular values');
  for (let c = 0; c < k; c++) {
    let d = 0;
    for (let j = 0; j < cols; j++) d += got.vt[c * cols + j]! * want.vt[c * cols + j]!;
    const sign = d < 0 ? -1 : 1;
    expectAllClose(Array.from({ length: cols }, (_, j) => sign * got.vt[c * cols + j]!), Array.from(want.vt.subarray(c * cols, (c + 1) * cols)), 1e-6, 1e-9, `v ${c}`);
    expectAllClose(Array.from({ length: rows }, (_, i) => sign * got.u[i * k + c]!), Array.from({ length: rows }, (_, i) => want.u[i * k + c]!), 1e-6, 1e-9, `u ${c}`);
  }
}

describe('lanczosSvd', () => {
  it('decaying spectrum (a rank-6 signal plus noise): the full SVD\'s top triplets', () => {
    const [m, n, k] = [220, 160, 8];
    const rng = new Rng(8);
    const data = gaussian(m, n, 9);
    for (let c = 0; c < 6; c++) {
      const a = Array.from({ length: m }, () => rng.normal());
      const b = Array.from({ length: n }, () => rng.normal());
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) data[i * n + j]! += (8 / (c + 1)) * a[i]! * b[j]!;
    }
    expectSameTriplets(lanczosSvd(data, m, n, k)!, fullSvd(data, m, n, k), 1e-9);
  });

  it('flat spectrum (random Gaussian 300 × 260, rank 16 as in the paper\'s runs)', () => {
    const [m, n, k] = [300, 260, 16];
    const data = gaussian(m, n, 3);
    const got = lanczosSvd(data, m, n, k);
    expect(got).not.toBeNull();
    expectSameTriplets(got!, fullSvd(data, m, n, k), 1e-9);
  });

  it('wide matrices go through W Wᵀ and give the same triplets', () => {
    const [m, n, k] = [150, 240, 5];
    const data = gaussian(m, n, 4);
    expectSameTriplets(lanczosSvd(data, m, n, k)!, fullSvd(data, m, n, k), 1e-9);
  });

  it('a rank-3 matrix: three triplets, then zeros, and U S Vᵀ still rebuilds it', () => {
    const [m, n, k] = [180, 140, 5];
    const rng = new Rng(11);
    const data = new Float64Array(m * n);
    for (let c = 0; c < 3; c++) {
      const a = Array.from({ length: m }, () => rng.normal());
      const b = Array.from({ length: n }, () => rng.normal());
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) data[i * n + j]! += a[i]! * b[j]!;
    }
    const got = lanczosSvd(data, m, n, k)!;
    const want = fullSvd(data, m, n, k);
    expectAllClose(got.s.subarray(0, 3), want.s.subarray(0, 3), 1e-9, 0, 'the three singular values');
    expect(Math.max(...got.s.subarray(3))).toBeLessThan(1e-6 * got.s[0]!);
    const rebuilt = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let c = 0; c < 3; c++) rebuilt[i * n + j]! += got.u[i * k + c]! * got.s[c]! * got.vt[c * n + j]!;
    expectAllClose(rebuilt, data, 1e-9, 1e-9, 'U S Vᵀ');
  });

  it('truncatedSvd uses it above 128 (same factors as calling it directly)', () => {
    const data = gaussian(200, 200, 5);
    expect(truncatedSvd(data, 200, 200, 4)).toEqual(lanczosSvd(data, 200, 200, 4));
  });
});
