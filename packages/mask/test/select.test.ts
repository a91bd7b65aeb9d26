import { describe, expect, it } from 'vitest';
import { Rng } from '@fish-tuning/core';
import { countSelected, randomMask, selectMask, sortKey, type ScoreMap } from '../src/index.js';

/** Scores with many ties (values quantised to a few levels), including zeros, -0 and negatives. */
function tiedScores(seed: number, shapes: Record<string, number[]>, levels = 4): Map<string, { shape: number[]; data: Float32Array }> {
  const rng = new Rng(seed);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of Object.entries(shapes)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const q = rng.int(levels) - 1; // -1..levels-2
      data[i] = q === 0 && rng.next() < 0.5 ? -0 : q * 0.25;
    }
    out.set(name, { shape, data });
  }
  return out;
}

/** Reference: sort all (value, global index) pairs — value descending, index ascending — and take k. */
function referenceTopK(scores: ScoreMap, k: number): Set<string> {
  const entries: Array<[number, number, string]> = [];
  let g = 0;
  for (const name of [...scores.keys()].sort()) {
    scores.get(name)!.data.forEach((v, i) => entries.push([v === 0 ? 0 : v, g++, `${name}#${i}`]));
  }
  entries.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return new Set(entries.slice(0, k).map((e) => e[2]));
}

function selectedSet(mask: { tensors: Map<string, { data: Uint8Array }> }): Set<string> {
  const s = new Set<string>();
  for (const [name, t] of mask.tensors) t.data.forEach((b, i) => b && s.add(`${name}#${i}`));
  return s;
}

const SHAPES = { 'base_model.model.layers.1.q.lora_B.weight': [7, 3], 'base_model.model.layers.0.q.lora_A.weight': [3, 9], 'base_model.model.layers.0.v.ia3_l': [11] };

describe('selectMask', () => {
  it('sortKey preserves float order', () => {
    const vals = [-Infinity, -3.5, -1e-30, -0, 0, 1e-45, 1e-30, 2, 3.5, Infinity];
    for (let i = 1; i < vals.length; i++) expect(sortKey(vals[i])).toBeGreaterThanOrEqual(sortKey(vals[i - 1]));
    expect(sortKey(-0)).toBe(sortKey(0));
    expect(sortKey(-1)).toBeLessThan(sortKey(1e-45));
  });

  for (const seed of [1, 2, 3]) {
    it(`fish selects exactly k with ties, matching a full sort (seed ${seed})`, () => {
      const scores = tiedScores(seed, SHAPES);
      const total = 21 + 27 + 11;
      for (const k of [1, 5, 17, 30, 58, total]) {
        const mask = selectMask(scores, { count: k });
        expect(countSelected(mask)).toBe(k);
        expect(mask.k).toBe(k);
        expect(selectedSet(mask)).toEqual(referenceTopK(scores, k));
      }
    });
  }

  it('all-equal scores: exactly k, the first k in flat order', () => {
    const scores = new Map([['a', { shape: [10], data: new Float32Array(10).fill(0.5) }], ['b', { shape: [10], data: new Float32Array(10).fill(0.5) }]]);
    const mask = selectMask(scores, { count: 13 });
    expect(Array.from(mask.tensors.get('a')!.data)).toEqual(new Array(10).fill(1));
    expect(Array.from(mask.tensors.get('b')!.data)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('ratio rounds to the nearest count', () => {
    const scores = tiedScores(4, SHAPES);
    expect(selectMask(scores, { ratio: 0.5 }).k).toBe(Math.round(0.5 * 59));
    expect(selectMask(scores, { ratio: 1 }).k).toBe(59);
  });

  it('reverse ∪ fish = all and reverse ∩ fish = ∅ when k = half', () => {
    const scores = tiedScores(5, { x: [10, 4], y: [6] }); // 46 entries
    const fish = selectMask(scores, { count: 23 });
    const rev = selectMask(scores, { count: 23, selection: 'reverse' });
    expect(countSelected(rev)).toBe(23);
    for (const [name, t] of fish.tensors) {
      const r = rev.tensors.get(name)!.data;
      t.data.forEach((b, i) => expect(b + r[i]).toBe(1));
    }
    // reverse keeps the smallest: every reversed score ≤ every fish score.
    const vals = (m: typeof fish, on: number) => [...m.tensors].flatMap(([n, t]) => [...t.data].flatMap((b, i) => (b === on ? [scores.get(n)!.data[i]] : [])));
    expect(Math.max(...vals(rev, 1))).toBeLessThanOrEqual(Math.min(...vals(fish, 1)));
  });

  it('random is exact, seeded-deterministic, and differs across seeds', () => {
    const scores = tiedScores(6, SHAPES);
    const a = selectMask(scores, { count: 20, selection: 'random', seed: 9 });
    const b = selectMask(scores, { count: 20, selection: 'random', seed: 9 });
    const c = selectMask(scores, { count: 20, selection: 'random', seed: 10 });
    expect(countSelected(a)).toBe(20);
    expect(selectedSet(a)).toEqual(selectedSet(b));
    expect(selectedSet(a)).not.toEqual(selectedSet(c));
    expect(a.metadata.seed).toBe('9');
  });

  it('randomMask needs only shapes and draws the same entries as a random selectMask', () => {
    const scores = tiedScores(6, SHAPES);
    const shapes = new Map([...scores].map(([n, s]) => [n, s.shape]));
    for (const budget of ['global', 'per-tensor', 'per-layer'] as const) {
      const a = randomMask(shapes, { ratio: 0.3, seed: 4, budget });
      const b = selectMask(scores, { ratio: 0.3, seed: 4, budget, selection: 'random' });
      expect(a.k).toBe(b.k);
      expect(selectedSet(a)).toEqual(selectedSet(b));
      expect(a.metadata).toEqual(b.metadata);
    }
    expect(() => randomMask(new Map(), { count: 1 })).toThrow(/option 'shapes'/);
  });

  it('per-tensor and per-layer budgets split k exactly and proportionally', () => {
    const scores = tiedScores(7, SHAPES);
    const perTensor = selectMask(scores, { count: 30, budget: 'per-tensor' });
    expect(countSelected(perTensor)).toBe(30);
    for (const [name, t] of perTensor.tensors) {
      const share = (t.data.length * 30) / 59;
      const got = t.data.reduce((s, b) => s + b, 0);
      expect(Math.abs(got - share)).toBeLessThan(1);
      // within the tensor it is a top-k
      const ref = referenceTopK(new Map([[name, scores.get(name)!]]), got);
      expect(selectedSet({ tensors: new Map([[name, t]]) })).toEqual(ref);
    }
    const perLayer = selectMask(scores, { count: 30, budget: 'per-layer' });
    expect(countSelected(perLayer)).toBe(30);
    const layer0 = [...perLayer.tensors].filter(([n]) => n.includes('.layers.0.')).reduce((s, [, t]) => s + t.data.reduce((a, b) => a + b, 0), 0);
    expect(Math.abs(layer0 - (38 * 30) / 59)).toBeLessThan(1);
  });

  it('is exact on millions of entries (radix select, no sort)', () => {
    const n = 3_000_000;
    const data = new Float32Array(n);
    const rng = new Rng(1);
    for (let i = 0; i < n; i++) data[i] = Math.floor(rng.next() * 1000) / 1000; // heavy ties
    const mask = selectMask(new Map([['big', { shape: [n], data }]]), { ratio: 0.01 });
    expect(countSelected(mask)).toBe(30000);
    // Independent check: the threshold is the 30000-th largest value, and ties are filled from the lowest index.
    const thr = Float32Array.from(data).sort()[n - 30000];
    const out = mask.tensors.get('big')!.data;
    let need = 30000 - data.reduce((c, v) => c + (v > thr ? 1 : 0), 0);
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const want = data[i] > thr ? 1 : data[i] < thr ? 0 : need-- > 0 ? 1 : 0;
      if (out[i] !== want) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('rejects bad ratio / count / NaN scores with errors naming the option or tensor', () => {
    const scores = tiedScores(8, SHAPES);
    for (const ratio of [0, -0.1, 1.5, Number.NaN]) expect(() => selectMask(scores, { ratio })).toThrow(/option 'ratio'.*\(0, 1\]/);
    expect(() => selectMask(scores, { count: 60 })).toThrow(/option 'count'.*60 exceeds the 59/);
    expect(() => selectMask(scores, { count: 0 })).toThrow(/option 'count'/);
    expect(() => selectMask(scores, {})).toThrow(/exactly one of ratio and count/);
    expect(() => selectMask(scores, { count: 3, selection: 'best' as never })).toThrow(/option 'select'/);
    const bad = new Map(scores);
    const d = Float32Array.from(scores.get('base_model.model.layers.0.v.ia3_l')!.data);
    d[4] = Number.NaN;
    bad.set('base_model.model.layers.0.v.ia3_l', { shape: [11], data: d });
    expect(() => selectMask(bad, { count: 3 })).toThrow(/tensor 'base_model.model.layers.0.v.ia3_l'.*flat index 4 is NaN/);
  });
});
