/**
 * selectMask: which PEFT parameter entries FISH-Tuning trains. `fish` keeps the k largest scores
 * (FISH Mask Eq. 4–5), `reverse` the k smallest (Eq. 15: the complement of the top M − k, so that
 * reverse(k) ∪ fish(M − k) is everything and the two never overlap), `random` k uniformly (seeded).
 * k is given as a ratio of all entries or as a count, and is met exactly.
 * @module
 */
import { FishTuningError, Rng } from '@fish-tuning/core';
import { selectTopK, type Segment } from './topk.js';
import { selectRandom } from './random.js';
import { layerOfName, proportionalShares } from './budget.js';
import { MASK_BUDGETS, MASK_SELECTIONS, sizeOf, type Mask, type MaskBudget, type MaskSelection, type ScoreMap } from './types.js';

export interface SelectMaskOptions {
  /** Fraction of all entries to select, in (0, 1]. Exactly one of ratio / count. */
  ratio?: number;
  /** Number of entries to select, in [1, total]. */
  count?: number;
  selection?: MaskSelection;
  /** Seed of the `random` selection. */
  seed?: number;
  budget?: MaskBudget;
  /** Group of a tensor for `per-layer` budgets; default: the layer index in its PEFT name. */
  groupOf?: (name: string) => string | number | null;
  /** Extra metadata (e.g. the source Fisher file). */
  metadata?: Record<string, string>;
}

/** k from ratio or count, with errors naming the flag. */
export function budgetSize(total: number, options: Pick<SelectMaskOptions, 'ratio' | 'count'>): number {
  const { ratio, count } = options;
  if ((ratio === undefined) === (count === undefined)) throw new FishTuningError('give exactly one of ratio and count', { option: 'ratio' });
  if (ratio !== undefined) {
    if (!(ratio > 0 && ratio <= 1)) throw new FishTuningError(`ratio must be in (0, 1], got ${ratio}`, { option: 'ratio' });
    const k = Math.round(ratio * total);
    if (k < 1) throw new FishTuningError(`ratio ${ratio} of ${total} entries selects none; use a larger ratio or count`, { option: 'ratio' });
    return k;
  }
  if (!Number.isInteger(count) || count! < 1) throw new FishTuningError(`count must be a positive integer, got ${count}`, { option: 'count' });
  if (count! > total) throw new FishTuningError(`count ${count} exceeds the ${total} parameter entries`, { option: 'count' });
  return count!;
}

/** Builds a mask from `scores` (fish: the k largest, reverse: the k smallest). Tensors are taken in sorted-name order. */
export function selectMask(scores: ScoreMap, options: SelectMaskOptions): Mask {
  const selection = options.selection ?? 'fish';
  if (!MASK_SELECTIONS.includes(selection)) throw new FishTuningError(`unknown selection '${selection}'; accepted: ${MASK_SELECTIONS.join(', ')}`, { option: 'select' });
  if (scores.size === 0) throw new FishTuningError('no score tensors to select from', { option: 'fisher' });
  const shapes = new Map([...scores].map(([name, s]) => {
    if (s.data.length !== sizeOf(s.shape)) throw new FishTuningError(`data has ${s.data.length} values but shape ${JSON.stringify(s.shape)} needs ${sizeOf(s.shape)}`, { tensor: name });
    return [name, s.shape] as const;
  }));
  return buildMask(shapes, (name) => scores.get(name)!.data, selection, options);
}

export type RandomMaskOptions = Omit<SelectMaskOptions, 'selection'>;

/**
 * k entries drawn uniformly (seeded, exact k) over tensors of the given shapes, with the same budgets as
 * {@link selectMask}: no scores are needed. Equal to `selectMask(scores, { selection: 'random' })` for any
 * scores of those shapes.
 */
export function randomMask(shapes: ReadonlyMap<string, readonly number[]>, options: RandomMaskOptions): Mask {
  if (shapes.size === 0) throw new FishTuningError('no tensors to select from', { option: 'shapes' });
  return buildMask(shapes, null, 'random', options);
}

function buildMask(
  shapes: ReadonlyMap<string, readonly number[]>,
  valuesOf: ((name: string) => Float32Array) | null,
  selection: MaskSelection,
  options: SelectMaskOptions,
): Mask {
  const budget = options.budget ?? 'global';
  if (!MASK_BUDGETS.includes(budget)) throw new FishTuningError(`unknown budget '${budget}'; accepted: ${MASK_BUDGETS.join(', ')}`, { option: 'budget' });
  const names = [...shapes.keys()].sort();
  const segments: Segment[] = names.map((name) => {
    const size = sizeOf(shapes.get(name)!);
    return { name, values: valuesOf ? valuesOf(name) : new Float32Array(0), out: new Uint8Array(size) };
  });
  const total = segments.reduce((n, s) => n + s.out.length, 0);
  const k = budgetSize(total, options);
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);

  // Groups: one (global), one per tensor, or one per layer (tensors in no layer share one group).
  let groups: Segment[][];
  if (budget === 'global') groups = [segments];
  else if (budget === 'per-tensor') groups = segments.map((s) => [s]);
  else {
    const groupOf = options.groupOf ?? layerOfName;
    const byKey = new Map<string, Segment[]>();
    for (const s of segments) {
      const key = String(groupOf(s.name) ?? 'none');
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key)!.push(s);
    }
    groups = [...byKey.values()];
  }
  const sizes = groups.map((g) => g.reduce((n, s) => n + s.out.length, 0));
  const shares = proportionalShares(sizes, k);
  groups.forEach((group, gi) => {
    const kg = shares[gi];
    if (selection === 'fish') selectTopK(group, kg);
    else if (selection === 'random') selectRandom(group, kg, rng);
    else {
      // reverse: the complement of the top (size − kg), with the same tie order.
      selectTopK(group, sizes[gi] - kg);
      for (const s of group) for (let i = 0; i < s.out.length; i++) s.out[i] ^= 1;
    }
  });

  const tensors = new Map(segments.map((s) => [s.name, { shape: [...shapes.get(s.name)!], data: s.out }]));
  const metadata: Record<string, string> = {
    ...(options.metadata ?? {}),
    fish_kind: 'mask',
    k: String(k),
    total: String(total),
    ratio: String(k / total),
    selection,
    budget,
    ...(selection === 'random' ? { seed: String(seed) } : {}),
  };
  return { tensors, k, total, selection, budget, metadata };
}

/** Number of selected entries (counts the bytes; for checks and reports). */
export function countSelected(mask: Pick<Mask, 'tensors'>): number {
  let n = 0;
  for (const t of mask.tensors.values()) for (let i = 0; i < t.data.length; i++) n += t.data[i];
  return n;
}
