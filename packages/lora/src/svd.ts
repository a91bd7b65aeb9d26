/**
 * The truncated SVD PiSSA needs, in float64. Small matrices (min side ≤ 128) use ml-matrix's full SVD. Larger ones
 * use Lanczos on the smaller Gram operator (lanczos.ts) until every wanted Ritz pair's residual is ≤ 1e-10·λ₁,
 * falling back to the full SVD if that does not happen: ml-matrix's SVD takes ~55 s for one 768×768 matrix here.
 * Block subspace iteration (`subspaceSvd`, the same test) is kept as an alternative; on MiniLM's 384×384
 * projections it took 4.5 s each, Lanczos a few hundredths of that.
 * (The PiSSA residual is computed from the factors actually produced, so the model output is unchanged either way.)
 * @module
 */
import { EigenvalueDecomposition, Matrix, SVD } from 'ml-matrix';
import { fromGramPairs, lanczosSvd } from './lanczos.js';

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
  if (Math.min(rows, cols) <= 128) return fullSvd(data, rows, cols, k);
  return lanczosSvd(data, rows, cols, k) ?? fullSvd(data, rows, cols, k);
}

/** Exact top-k from ml-matrix's full SVD. */
export function fullSvd(data: ArrayLike<number>, rows: number, cols: number, k: number): TruncatedSvd {
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

/** Orthonormalises the b columns of an [n, b] row-major matrix in place (modified Gram–Schmidt, twice). */
function orthonormalise(q: Float64Array, n: number, b: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < b; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i * b + p] * q[i * b + j];
        for (let i = 0; i < n; i++) q[i * b + j] -= dot * q[i * b + p];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += q[i * b + j] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) q[i * b + j] /= norm;
    }
  }
}

/** G·Q for a symmetric [n, n] G and [n, b] Q (row-major). */
function gramTimes(g: Float64Array, q: Float64Array, n: number, b: number): Float64Array {
  const z = new Float64Array(n * b);
  for (let i = 0; i < n; i++) {
    const zi = i * b;
    for (let l = 0; l < n; l++) {
      const gil = g[i * n + l];
      if (gil === 0) continue;
      const ql = l * b;
      for (let j = 0; j < b; j++) z[zi + j] += gil * q[ql + j];
    }
  }
  return z;
}

/**
 * Top-k singular triplets from the top-k eigenpairs of the smaller Gram matrix (WᵀW or WWᵀ), found by
 * block subspace iteration with Rayleigh–Ritz; null when it does not converge in `maxIterations`.
 */
export function subspaceSvd(data: ArrayLike<number>, rows: number, cols: number, k: number, maxIterations = 500): TruncatedSvd | null {
  const byCols = cols <= rows; // eigenvectors of WᵀW are V (cols side); of WWᵀ are U
  const n = byCols ? cols : rows;
  const m = byCols ? rows : cols;
  const at = (r: number, c: number) => (byCols ? data[r * cols + c] : data[c * cols + r]); // M [m, n]
  const g = new Float64Array(n * n);
  const row = new Float64Array(n);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < n; i++) row[i] = at(r, i);
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v === 0) continue;
      const gi = i * n;
      for (let j = i; j < n; j++) g[gi + j] += v * row[j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[i * n + j] = g[j * n + i];

  const b = Math.min(n, 2 * k + 8);
  // Deterministic start (the same matrix always gives the same factors, which a reload relies on).
  let seed = 0x9e3779b9;
  const q = new Float64Array(n * b).map(() => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  });
  orthonormalise(q, n, b);
  for (let it = 0; it < maxIterations; it++) {
    const z = gramTimes(g, q, n, b);
    // Rayleigh–Ritz: T = Qᵀ G Q, T = Y Θ Yᵀ; Ritz vectors X = Q Y, G X = Z Y.
    const t = new Matrix(b, b);
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) {
      let dot = 0;
      for (let l = 0; l < n; l++) dot += q[l * b + i] * z[l * b + j];
      t.set(i, j, dot);
    }
    const sym = t.add(t.transpose()).div(2);
    const evd = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
    const theta = evd.realEigenvalues;
    const order = theta.map((_, i) => i).sort((x, y) => theta[y] - theta[x]);
    const y = evd.eigenvectorMatrix;
    const x = new Float64Array(n * b);
    const gx = new Float64Array(n * b);
    for (let l = 0; l < n; l++) for (let c = 0; c < b; c++) {
      let sx = 0;
      let sgx = 0;
      for (let p = 0; p < b; p++) {
        const ypc = y.get(p, order[c]);
        sx += q[l * b + p] * ypc;
        sgx += z[l * b + p] * ypc;
      }
      x[l * b + c] = sx;
      gx[l * b + c] = sgx;
    }
    const top = theta[order[0]];
    let converged = true;
    for (let c = 0; c < k && converged; c++) {
      let res = 0;
      for (let l = 0; l < n; l++) res += (gx[l * b + c] - theta[order[c]] * x[l * b + c]) ** 2;
      if (Math.sqrt(res) > 1e-10 * top) converged = false;
    }
    if (converged) {
      // Column c of x is already the Ritz vector of the c-th largest θ.
      const wanted = Array.from({ length: k }, (_, c) => c);
      return fromGramPairs({ theta: wanted.map((c) => theta[order[c]!]!), x: wanted.map((c) => Float64Array.from({ length: n }, (_, l) => x[l * b + c]!)) }, data, rows, cols, k, byCols);
    }
    q.set(gx);
    orthonormalise(q, n, b);
  }
  return null;
}
