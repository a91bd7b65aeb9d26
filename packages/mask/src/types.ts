/**
 * The two host-side shapes a mask works with: named f32 scores (a Fisher file, or anything scored)
 * and the mask itself, one byte (0/1) per PEFT parameter entry, keyed by PEFT tensor name.
 * @module
 */

/** One named array with its shape (row-major). */
export interface NamedArray<T extends Float32Array | Uint8Array> {
  shape: number[];
  data: T;
}

/** Scores per PEFT tensor name, e.g. Fisher information. */
export type ScoreMap = ReadonlyMap<string, NamedArray<Float32Array>>;

export type MaskSelection = 'fish' | 'random' | 'reverse';
export const MASK_SELECTIONS: readonly MaskSelection[] = ['fish', 'random', 'reverse'];

/** How the budget k is shared: one global top-k (Eq. 4–5), or k split over tensors or over layers. */
export type MaskBudget = 'global' | 'per-tensor' | 'per-layer';
export const MASK_BUDGETS: readonly MaskBudget[] = ['global', 'per-tensor', 'per-layer'];

export interface Mask {
  /** PEFT name → 0/1 bytes, same shape as the parameter. */
  readonly tensors: Map<string, NamedArray<Uint8Array>>;
  /** Entries selected (exactly). */
  readonly k: number;
  /** Entries in all tensors. */
  readonly total: number;
  readonly selection: MaskSelection;
  readonly budget: MaskBudget;
  /** String metadata stored with the file (k, ratio, selection, seed, source Fisher file, …). */
  readonly metadata: Record<string, string>;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
