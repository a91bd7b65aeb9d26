/**
 * Hugging Face's `longest_first` truncation: remove one token at a time from the end of whichever
 * sequence is longer (from the second one on a tie) until the pair fits.
 * @module
 */

/** Lengths the two sequences keep under `longest_first` with `budget` tokens for both. */
export function longestFirstLengths(lenA: number, lenB: number, budget: number): [number, number] {
  let a = lenA;
  let b = lenB;
  let remove = a + b - budget;
  // Shrink the longer one down to the shorter one's length first, then alternate (b first on ties).
  if (remove > 0 && a !== b) {
    const d = Math.min(Math.abs(a - b), remove);
    if (a > b) a -= d;
    else b -= d;
    remove -= d;
  }
  if (remove > 0) {
    b -= Math.ceil(remove / 2);
    a -= Math.floor(remove / 2);
  }
  return [Math.max(a, 0), Math.max(b, 0)];
}

/** Truncates `a` (and `b`, when given) so that together they hold at most `budget` tokens. */
export function truncateLongestFirst(
  a: readonly number[],
  b: readonly number[] | undefined,
  budget: number,
): [number[], number[] | undefined] {
  if (b === undefined) return [a.slice(0, Math.max(budget, 0)), undefined];
  const [la, lb] = longestFirstLengths(a.length, b.length, budget);
  return [a.slice(0, la), b.slice(0, lb)];
}
