/**
 * Final-answer extraction and exact-match comparison. The answer is the number after the last
 * `####` (GSM8K's convention), else the number after the last "The answer is", else the last
 * number in the text. Numbers may carry a sign, `$`, thousands commas and decimals; a trailing
 * period is not part of the number. Comparison is numeric (`18.00` equals `18`).
 * @module
 */

/**
 * A number as written: an optional minus sign attached to it (not after a word character, so
 * `10-3` yields 3), an optional `$`, digits with optional thousands commas, optional decimals.
 */
const NUMBER = /(?<![\w)$])[-−]?(?:\$\s?)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|(?<![\w)$.])[-−]?\$?\.\d+/g;

export interface ExtractedAnswer {
  /** The number as written in the text. */
  raw: string;
  value: number;
}

function toValue(raw: string): number {
  return Number(raw.replace(/[\s$,]/g, '').replace('−', '-'));
}

function numbersIn(text: string): ExtractedAnswer[] {
  return [...text.matchAll(NUMBER)].map((m) => ({ raw: m[0].trim(), value: toValue(m[0]) }));
}

/** The final numeric answer in `text`, or undefined when it holds no number. */
export function extractAnswer(text: string): ExtractedAnswer | undefined {
  const hashes = text.lastIndexOf('####');
  if (hashes >= 0) {
    const first = numbersIn(text.slice(hashes + 4))[0];
    if (first) return first;
  }
  const phrase = /the (?:final )?answer is:?/gi;
  let after: string | undefined;
  for (let m = phrase.exec(text); m; m = phrase.exec(text)) after = text.slice(m.index + m[0].length);
  if (after !== undefined) {
    const first = numbersIn(after)[0];
    if (first) return first;
  }
  const all = numbersIn(text);
  return all[all.length - 1];
}

/** True when both are numbers and equal (relative tolerance 1e-9 for decimals). */
export function answersMatch(predicted: number | undefined, reference: number | undefined): boolean {
  if (predicted === undefined || reference === undefined || Number.isNaN(predicted) || Number.isNaN(reference)) return false;
  return Math.abs(predicted - reference) <= 1e-9 * Math.max(1, Math.abs(reference));
}
