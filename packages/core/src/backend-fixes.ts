/**
 * The project's fixes to tfjs backends, installed by each `@fish-tuning/backend-*` package:
 *  - a matMul gradient built from explicit transposes and plain matMuls. The stock gradient uses
 *    transposed matMuls, which the wasm backend runs ~20× slower than a plain one.
 *    Backends with native transposed products (tensorflow) keep the stock transpose flags.
 *  - `UnsortedSegmentSum` (the gradient of gather, i.e. of every embedding lookup) built on the
 *    backend's own `ScatterNd`: wasm lacks the kernel, and cpu's loops over every vocabulary row.
 *  - on wasm, a BatchMatMul kernel that turns batched and transposed products into its fast 2-D form.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchedMatMulKernel } from './batched-matmul-kernel.js';

/** Backends whose matMul gradient keeps transpose flags (installBackendFixes' explicitTranspose: false). */
const nativeTransposeBackends = new Set<string>();

function swapLastTwo(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return tf.transpose(x, perm);
}

/** Sums a broadcast gradient back down to `shape` (batch dimensions of a batched matMul may broadcast). */
function reduceTo(g: tf.Tensor, shape: number[]): tf.Tensor {
  let out = g;
  const lead = out.rank - shape.length;
  if (lead > 0) out = tf.sum(out, Array.from({ length: lead }, (_, i) => i));
  const axes: number[] = [];
  shape.forEach((d, i) => {
    if (d === 1 && out.shape[i] !== 1) axes.push(i);
  });
  if (axes.length) out = tf.sum(out, axes, true);
  return tf.reshape(out, shape);
}

const fastMatMulGradient: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [a, b] = saved;
    const g = dy as tf.Tensor;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (nativeTransposeBackends.has(tf.getBackend())) return stockMatMulGradient(a, b, g, transposeA, transposeB);
    const mm = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y);
    return {
      a: () => {
        let da: tf.Tensor;
        if (!transposeA && !transposeB) da = mm(g, swapLastTwo(b));
        else if (!transposeA && transposeB) da = mm(g, b);
        else if (transposeA && !transposeB) da = mm(b, swapLastTwo(g));
        else da = mm(swapLastTwo(b), swapLastTwo(g));
        return reduceTo(da, a.shape);
      },
      b: () => {
        let db: tf.Tensor;
        if (!transposeA && !transposeB) db = mm(swapLastTwo(a), g);
        else if (!transposeA && transposeB) db = mm(swapLastTwo(g), a);
        else if (transposeA && !transposeB) db = mm(a, g);
        else db = mm(swapLastTwo(g), swapLastTwo(a));
        return reduceTo(db, b.shape);
      },
    };
  },
};

/** tfjs-core's own BatchMatMul gradient (transpose flags instead of Transpose ops). */
function stockMatMulGradient(a: tf.Tensor, b: tf.Tensor, g: tf.Tensor, transposeA: boolean, transposeB: boolean) {
  const mm = tf.matMul;
  return {
    a: () => reduceTo(!transposeA && !transposeB ? mm(g, b, false, true) : !transposeA ? mm(g, b) : !transposeB ? mm(b, g, false, true) : mm(b, g, true, true), a.shape),
    b: () => reduceTo(!transposeA && !transposeB ? mm(a, g, true, false) : !transposeA ? mm(g, a, true, false) : !transposeB ? mm(a, g) : mm(g, a, true, true), b.shape),
  };
}

/** UnsortedSegmentSum(x, segmentIds, numSegments) as ScatterNd(segmentIds[..., None], x, shape). */
function segmentSumKernel(backendName: string): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, attrs, backend }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as { numSegments: number };
    const idRank = segmentIds.shape.length;
    const n = segmentIds.shape.reduce((p, d) => p * d, 1);
    const rest = x.shape.slice(idRank);
    const reshape = tf.getKernel(tf.Reshape, backendName)!.kernelFunc;
    const scatter = tf.getKernel(tf.ScatterNd, backendName)!.kernelFunc;
    const cast = tf.getKernel(tf.Cast, backendName)!.kernelFunc;
    const indices32 = segmentIds.dtype === 'int32' ? null : (cast({ inputs: { x: segmentIds }, attrs: { dtype: 'int32' }, backend }) as tf.TensorInfo);
    const indices = reshape({ inputs: { x: indices32 ?? segmentIds }, attrs: { shape: [n, 1] }, backend }) as tf.TensorInfo;
    const updates = reshape({ inputs: { x }, attrs: { shape: [n, ...rest] }, backend }) as tf.TensorInfo;
    const out = scatter({ inputs: { indices, updates }, attrs: { shape: [numSegments, ...rest] }, backend }) as tf.TensorInfo;
    const b = backend as tf.KernelBackend;
    b.disposeData(indices.dataId);
    b.disposeData(updates.dataId);
    if (indices32) b.disposeData(indices32.dataId);
    return out;
  };
  return { kernelName: tf.UnsortedSegmentSum, backendName, kernelFunc };
}

/**
 * An Identity that shares the input's data (reference counted, as cpu's does and as every backend's
 * Reshape does) instead of copying it. tfjs clones every tensor it saves for the backward pass, and
 * wasm's stock Identity copies the bytes each time: ~12% of a BERT training step.
 */
function sharedIdentityKernel(backendName: string): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    (backend as tf.KernelBackend & { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: tf.Identity, backendName, kernelFunc };
}

/** Which fixes {@link installBackendFixes} installs on one backend. */
export interface BackendFixOptions {
  /** Replace UnsortedSegmentSum with a ScatterNd-based one (default true). */
  segmentSum?: boolean;
  /** Replace Identity with one that shares data (for backends whose Identity copies). */
  sharedIdentity?: boolean;
  /** The matMul gradient uses Transpose + plain matMul on this backend (default true); false keeps transpose flags. */
  explicitTranspose?: boolean;
  /** Replace BatchMatMul with {@link batchedMatMulKernel} (for wasm, whose only fast product is plain 2-D). */
  batchedMatMul?: boolean;
}

const batchedInstalled = new Set<string>();

/**
 * Installs the fixes for `backendName` (after its kernels are registered). Safe to call twice.
 * The matMul gradient is global in tfjs; it looks up the active backend when it runs.
 */
export function installBackendFixes(backendName: string, options: BackendFixOptions = {}): void {
  // Replaces the stock BatchMatMul gradient on purpose (tfjs warns about the override only in DEBUG mode).
  tf.registerGradient(fastMatMulGradient);
  if (options.explicitTranspose === false) nativeTransposeBackends.add(backendName);
  else nativeTransposeBackends.delete(backendName);
  if (options.batchedMatMul && !batchedInstalled.has(backendName)) {
    const stock = tf.getKernel(tf.BatchMatMul, backendName);
    if (stock) {
      tf.unregisterKernel(tf.BatchMatMul, backendName);
      tf.registerKernel(batchedMatMulKernel(backendName, stock));
      batchedInstalled.add(backendName);
    }
  }
  if (options.segmentSum ?? true) {
    const existing = tf.getKernel(tf.UnsortedSegmentSum, backendName);
    if (existing) tf.unregisterKernel(tf.UnsortedSegmentSum, backendName);
    tf.registerKernel(segmentSumKernel(backendName));
  }
  if (options.sharedIdentity) {
    if (tf.getKernel(tf.Identity, backendName)) tf.unregisterKernel(tf.Identity, backendName);
    tf.registerKernel(sharedIdentityKernel(backendName));
  }
}
