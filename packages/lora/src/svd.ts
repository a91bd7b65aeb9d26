/**
 * The truncated SVD PiSSA needs, in float64 through ml-matrix (a one-off per layer at init time, so
 * speed does not matter; accuracy does, since the residual must cancel the adapter exactly).
 * @module
 */
import { Matrix, SVD } from 'ml-matrix';

export interface TruncatedSvd {
  /** [rows, k] left singular vectors, row-major. */
  u: Float64Array;
  /** k singular values, descending. */
  s: Float64Array;
  /** [k, cols] right singular vectors transposed (Vᵀ), row-major. */
  vt: Float64Array;
  rows: number;
  cols: number;
  k: number;
}

/** Top-k SVD of a row-major [rows, cols] matrix: W ≈ U diag(S) Vᵀ. */
export function truncatedSvd(data: ArrayLike<number>, rows: number, cols: number, k: number): TruncatedSvd {
  if (k > Math.min(rows, cols)) throw new Error(`truncatedSvd: rank ${k} exceeds min(${rows}, ${cols})`);
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, data[i * cols + j]);
  const svd = new SVD(m, { computeLeftSingularVectors: true, computeRightSingularVectors: true, autoTranspose: true });
  const sAll = svd.diagonal;
  // ml-matrix returns singular values in descending order; sort defensively anyway.
  const order = sAll.map((_, i) => i).sort((a, b) => sAll[b] - sAll[a]).slice(0, k);
  const U = svd.leftSingularVectors;
  const V = svd.rightSingularVectors;
  const u = new Float64Array(rows * k);
  const vt = new Float64Array(k * cols);
  const s = new Float64Array(k);
  order.forEach((idx, c) => {
    s[c] = sAll[idx];
    for (let i = 0; i < rows; i++) u[i * k + c] = U.get(i, idx);
    for (let j = 0; j < cols; j++) vt[c * cols + j] = V.get(j, idx);
  });
  return { u, s, vt, rows, cols, k };
}
