/**
 * Parsing of numeric flags, one place for every command: errors name the flag and the value.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';

export function positiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new FishTuningError(`expected a positive integer, got '${text}'`, { option });
  return n;
}

export function finiteNumber(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new FishTuningError(`expected a number, got '${text}'`, { option });
  return n;
}
