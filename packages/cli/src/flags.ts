/**
 * Parsing of flag values, one place for every command: errors name the flag, the value and what
 * was accepted.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';

/** An integer ≥ `min` (default 1). */
export function int(text: string, option: string, min = 1): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min) throw new FishTuningError(`expected an integer ≥ ${min}, got '${text}'`, { option });
  return n;
}

export function positiveInt(text: string, option: string): number {
  return int(text, option, 1);
}

/** A finite number passing `check` (described by `what` in the error). */
export function num(text: string, option: string, check: (n: number) => boolean = Number.isFinite, what = 'a finite number'): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new FishTuningError(`expected ${what}, got '${text}'`, { option });
  return n;
}

export function finiteNumber(text: string, option: string): number {
  return num(text, option);
}

export function oneOf<T extends string>(value: string, accepted: readonly T[], option: string): T {
  if (!(accepted as readonly string[]).includes(value)) throw new FishTuningError(`unknown value '${value}'; accepted: ${accepted.join(', ')}`, { option });
  return value as T;
}
