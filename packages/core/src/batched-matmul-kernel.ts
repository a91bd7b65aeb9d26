/**
 * A BatchMatMul kernel for backends whose only fast matMul is one 2-D product without transpose flags
 * (wasm: XNNPACK's fully-connected operator; everything else, including any batch dimension or a
 * transpose flag, takes a scalar triple loop at ~1.5 GFLOP/s, ~10× slower). Attention's rank-4 products
 * `[b,h,s,d]×[b,h,d,s]` and back take that loop. This kernel
 *  - applies transpose flags with explicit Transposes (memory moves, cheap next to the product),
 *  - folds a batch of `a` into rows when `b` has no batch ([B·M,K]×[K,N]: one fast product),
 *  - folds a batch of `b` into columns when `a` has none ([M,K]×[K,B·N]),
 *  - and otherwise runs one fast product per batch entry. On wasm each product reads and writes views
 *    registered on the heap at the entry's offset (no copies); elsewhere it slices and concatenates.
 * Everything calls the backend's own kernels directly and frees its intermediates.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

type Info = tf.TensorInfo;
type Backend = tf.KernelBackend;

const product = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);

/** The parts of tfjs-backend-wasm's BackendWasm used for heap views (checked at run time). */
interface WasmInternals {
  wasm: {
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
    tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
  };
  dataIdMap: { get(dataId: tf.DataId): { id: number; memoryOffset: number } | undefined };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: tf.DataType): Info;
}

function wasmInternals(backend: unknown): WasmInternals | null {
  const b = backend as Partial<WasmInternals>;
  return typeof b.wasm?.cwrap === 'function' && typeof b.wasm.tfjs?.registerTensor === 'function' && typeof b.makeOutput === 'function' && b.dataIdMap && typeof b.dataIdNextNumber === 'number'
    ? (b as WasmInternals)
    : null;
}

const int32Bytes = (xs: number[]) => new Uint8Array(new Int32Array(xs).buffer);

/**
 * out[i] = a[i]·b[i] for contiguous float32 a [n,M,K], b [n,K,N] on wasm: registers tensors that alias
 * each entry's bytes and calls wasm's BatchMatMul on them, which takes XNNPACK's path for [1,M,K]×[1,K,N].
 * Views are unregistered without freeing (the C++ side never frees; the JS side owns the allocation).
 */
function wasmPerEntry(w: WasmInternals, bmm: (...args: unknown[]) => void, a: Info, b: Info, n: number, M: number, K: number, N: number): Info {
  const out = w.makeOutput([n, M, N], 'float32');
  const aOff = w.dataIdMap.get(a.dataId)!.memoryOffset;
  const bOff = w.dataIdMap.get(b.dataId)!.memoryOffset;
  const oOff = w.dataIdMap.get(out.dataId)!.memoryOffset;
  const aShape = int32Bytes([1, M, K]);
  const bShape = int32Bytes([1, K, N]);
  for (let i = 0; i < n; i++) {
    const [ai, bi, oi] = [w.dataIdNextNumber++, w.dataIdNextNumber++, w.dataIdNextNumber++];
    w.wasm.tfjs.registerTensor(ai, M * K, aOff + 4 * i * M * K);
    w.wasm.tfjs.registerTensor(bi, K * N, bOff + 4 * i * K * N);
    w.wasm.tfjs.registerTensor(oi, M * N, oOff + 4 * i * M * N);
    bmm(ai, aShape, 3, bi, bShape, 3, false, false, oi);
    // Disposing b's view also deletes the XNNPACK operator cached for it.
    for (const id of [ai, bi, oi]) w.wasm.tfjs.disposeData(id);
  }
  return out;
}

/** The kernel config; `stock` is the kernel it wraps (for benchmarks that compare the two). */
export function batchedMatMulKernel(backendName: string, stock: tf.KernelConfig): tf.KernelConfig & { stock: tf.KernelConfig } {
  const kernel = (name: string) => {
    const k = tf.getKernel(name, backendName);
    if (!k) throw new Error(`batched matMul fix: backend '${backendName}' lacks the ${name} kernel`);
    return k.kernelFunc;
  };
  let wasmBmm: ((...args: unknown[]) => void) | null = null;
  const kernelFunc: tf.KernelFunc = ({ inputs, attrs, backend }) => {
    const { a, b } = inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const ra = a.shape.length;
    const rb = b.shape.length;
    const aBatch = a.shape.slice(0, -2);
    const bBatch = b.shape.slice(0, -2);
    const nA = product(aBatch);
    const nB = product(bBatch);
    if (!transposeA && !transposeB && nA <= 1 && nB <= 1) return stock.kernelFunc({ inputs, attrs, backend });
    // Broadcast between two real batches (different shapes, both > 1) keeps the stock kernel.
    if (nA > 1 && nB > 1 && (ra !== rb || aBatch.some((d, i) => d !== bBatch[i]))) return stock.kernelFunc({ inputs, attrs, backend });

    const be = backend as Backend;
    const temps: Info[] = [];
    const call = (name: string, ins: tf.NamedTensorInfoMap, at: tf.NamedAttrMap = {}) => {
      const out = kernel(name)({ inputs: ins, attrs: at, backend }) as Info;
      temps.push(out);
      return out;
    };
    const reshape = (x: Info, shape: number[]) => call(tf.Reshape, { x }, { shape });
    const transpose = (x: Info, perm: number[]) => call(tf.Transpose, { x }, { perm });
    const matMul = (x: Info, y: Info) => {
      const out = stock.kernelFunc({ inputs: { a: x, b: y }, attrs: { transposeA: false, transposeB: false }, backend }) as Info;
      temps.push(out);
      return out;
    };
    const swapLast = (r: number) => {
      const perm = Array.from({ length: r }, (_, i) => i);
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      return perm;
    };

    const a2 = transposeA ? transpose(a, swapLast(ra)) : a;
    const b2 = transposeB ? transpose(b, swapLast(rb)) : b;
    const [M, K] = a2.shape.slice(-2);
    const N = b2.shape[rb - 1];
    const outBatch = nA >= nB ? aBatch : bBatch;
    let out: Info;
    if (nB <= 1) {
      out = matMul(reshape(a2, [1, nA * M, K]), reshape(b2, [1, K, N]));
    } else if (nA <= 1) {
      // [K, B·N] with column block i = b_i; the result's column block i is a·b_i.
      const bCols = reshape(transpose(reshape(b2, [nB, K, N]), [1, 0, 2]), [1, K, nB * N]);
      const wide = matMul(reshape(a2, [1, M, K]), bCols);
      out = transpose(reshape(wide, [M, nB, N]), [1, 0, 2]);
    } else {
      const a3 = reshape(a2, [nA, M, K]);
      const b3 = reshape(b2, [nB, K, N]);
      const w = a3.dtype === 'float32' && b3.dtype === 'float32' ? wasmInternals(backend) : null;
      if (w) {
        wasmBmm ??= w.wasm.cwrap(tf.BatchMatMul, null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
        out = wasmPerEntry(w, wasmBmm, a3, b3, nA, M, K, N);
        temps.push(out);
      } else {
      const parts: Info[] = [];
      for (let i = 0; i < nA; i++) {
        const ai = call(tf.Slice, { x: a3 }, { begin: [i, 0, 0], size: [1, M, K] });
        const bi = call(tf.Slice, { x: b3 }, { begin: [i, 0, 0], size: [1, K, N] });
        parts.push(matMul(ai, bi));
      }
      out = parts.length === 1 ? parts[0] : call(tf.Concat, parts as unknown as tf.NamedTensorInfoMap, { axis: 0 });
      }
    }
    const result = kernel(tf.Reshape)({ inputs: { x: out }, attrs: { shape: [...outBatch, M, N] }, backend }) as Info;
    for (const t of temps) be.disposeData(t.dataId);
    return result;
  };
  // The stock kernel binds its wasm function in setupFunc, run when the backend initialises.
  return { kernelName: tf.BatchMatMul, backendName, kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc, stock };
}
