/**
 * Frozen-prefix activation cache. When every PEFT parameter lives in layers ≥ k (the paper trains the
 * top n layers), the input of layer k depends only on the example: the embeddings and layers [0, k)
 * are frozen and run without dropout. It is computed once per example (through the model's optional
 * `forwardBottom`), kept in a bounded store (memory here; disk in the Node entry), and each step runs only `forwardTop`.
 *
 * Rows are stored per example at its own length (not the batch's padded length), so an example can
 * join any batch; padding rows are zeros (masked in attention / causal, never in the loss).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, collate, disposeBatch, type Example, type ModelBatch, type PeftTargetModel, type TrainableParameter } from '@fish-tuning/core';
import { microBatches } from './batching.js';

/** Where cached rows live. `set` returns false (and stores nothing) when the byte budget is spent. */
export interface ActivationStore {
  get(index: number): Float32Array | undefined;
  set(index: number, rows: Float32Array): boolean;
  readonly bytes: number;
  readonly size: number;
  clear(): void;
}

/** In memory (JS heap, outside the 4 GiB wasm heap), up to `maxBytes`. */
export class MemoryActivationStore implements ActivationStore {
  private readonly rows = new Map<number, Float32Array>();
  bytes = 0;
  constructor(readonly maxBytes: number) {}
  get(index: number): Float32Array | undefined {
    return this.rows.get(index);
  }
  set(index: number, rows: Float32Array): boolean {
    if (this.rows.has(index)) return true;
    if (this.bytes + rows.byteLength > this.maxBytes) return false;
    this.rows.set(index, rows);
    this.bytes += rows.byteLength;
    return true;
  }
  get size(): number {
    return this.rows.size;
  }
  clear(): void {
    this.rows.clear();
    this.bytes = 0;
  }
}

/**
 * The first layer that holds a trainable parameter, when the cache is usable: the model has both hooks,
 * no attention prefix, and every non-head parameter has a layer ≥ 1. Otherwise null.
 */
export function frozenPrefixLayer(model: PeftTargetModel, params: readonly TrainableParameter[]): number | null {
  if (!model.forwardBottom || !model.forwardTop || model.prefix) return null;
  const head = new Set(model.headParameters().map((p) => p.name));
  let k = Infinity;
  for (const p of params) {
    if (head.has(p.name)) continue;
    if (p.layer === null) return null;
    k = Math.min(k, p.layer);
  }
  return Number.isFinite(k) && k > 0 ? k : null;
}

export class FrozenPrefixCache {
  /** Requests served from the store. */
  hits = 0;
  /** Rows computed by forwardBottom, and the number of forwardBottom passes. */
  computed = 0;
  passes = 0;
  /** Canonical groups of dataset indices that are always computed together (see {@link hidden}). */
  private readonly chunks: number[][];
  private readonly chunkOf: Int32Array;

  /**
   * @param dataset every training example (index = id used by {@link hidden})
   * @param maxTokens token budget of one bottom pass (padded count × longest)
   */
  constructor(
    readonly model: PeftTargetModel,
    readonly fromLayer: number,
    readonly store: ActivationStore,
    readonly dataset: readonly Example[],
    maxTokens: number,
    readonly padTokenId = 0,
  ) {
    if (!model.forwardBottom || !model.forwardTop) throw new FishTuningError('the model has no forwardBottom/forwardTop hooks', { option: 'activationCache' });
    this.chunks = microBatches(
      dataset.map((e, id) => ({ inputIds: e.inputIds, id })),
      maxTokens,
    ).map((group) => group.map((e) => e.id));
    this.chunkOf = new Int32Array(dataset.length);
    this.chunks.forEach((c, i) => c.forEach((id) => (this.chunkOf[id] = i)));
  }

  /** Bottom rows of every example of canonical chunk `c`, each at its own length. */
  private computeChunk(c: number): Map<number, Float32Array> {
    const ids = this.chunks[c];
    this.passes += 1;
    this.computed += ids.length;
    const batch: ModelBatch = collate(ids.map((id) => ({ ...this.dataset[id], labels: undefined })), this.model.task, { padTokenId: this.padTokenId });
    let flat: Float32Array;
    let t: number;
    let d: number;
    try {
      const h = this.model.forwardBottom!(batch, this.fromLayer);
      [, t, d] = h.shape as [number, number, number];
      flat = h.dataSync() as Float32Array;
      h.dispose();
    } finally {
      disposeBatch(batch);
    }
    const out = new Map<number, Float32Array>();
    ids.forEach((id, j) => {
      const rows = flat.slice(j * t * d, (j * t + this.dataset[id].inputIds.length) * d);
      out.set(id, rows);
      this.store.set(id, rows);
    });
    return out;
  }

  /**
   * Input of layer `fromLayer` for the dataset examples `ids`, padded to the longest: [b, t, d].
   * A missing example is computed with its whole canonical chunk (fixed at construction, independent of
   * the batch it arrives in), so its cached bits never depend on data order — a resumed run that refills
   * the cache at a different step gets exactly the rows of the uninterrupted run.
   */
  hidden(ids: readonly number[]): tf.Tensor3D {
    const rows: Float32Array[] = new Array(ids.length);
    const fresh = new Map<number, Float32Array>();
    ids.forEach((id, i) => {
      const cached = this.store.get(id) ?? fresh.get(id);
      if (cached) {
        rows[i] = cached;
        this.hits += 1;
        return;
      }
      for (const [k, v] of this.computeChunk(this.chunkOf[id])) fresh.set(k, v);
      rows[i] = fresh.get(id)!;
    });
    const d = this.model.dims.hiddenSize;
    const T = Math.max(...ids.map((id) => this.dataset[id].inputIds.length));
    const out = new Float32Array(ids.length * T * d);
    rows.forEach((r, i) => out.set(r, i * T * d));
    return tf.tensor3d(out, [ids.length, T, d]);
  }
}
