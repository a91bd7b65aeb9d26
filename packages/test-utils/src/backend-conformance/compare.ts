/** @module Runs the op cases on a backend and on the cpu reference and lists what disagrees. */
import { closeness } from '../numeric.js';
import { OP_CASES, runAllCases, type CaseResult } from './op-cases.js';

export interface Disagreement {
  name: string;
  /** 0 = forward output, k ≥ 1 = gradient of the k-th float input. */
  output: number;
  worst: number;
}

/** Cases whose outputs on `target` are not within each case's tolerance of `reference`'s. */
export function disagreements(target: CaseResult[], reference: CaseResult[]): Disagreement[] {
  const bad: Disagreement[] = [];
  target.forEach((t, i) => {
    const c = OP_CASES[i];
    const r = reference[i];
    if (t.outputs.length !== r.outputs.length) bad.push({ name: t.name, output: -1, worst: Infinity });
    t.outputs.forEach((o, k) => {
      const worst = closeness(o, r.outputs[k], c.rtol ?? 1e-4, c.atol ?? 1e-5);
      if (!(worst <= 1)) bad.push({ name: t.name, output: k, worst });
    });
  });
  return bad;
}

/** Runs every case on `target` and on `reference` (default cpu) in this process. */
export async function compareBackends(target: string, reference = 'cpu'): Promise<{ cases: number; outputs: number; bad: Disagreement[] }> {
  const ref = await runAllCases(reference);
  const got = await runAllCases(target);
  return { cases: got.length, outputs: got.reduce((n, r) => n + r.outputs.length, 0), bad: disagreements(got, ref) };
}
