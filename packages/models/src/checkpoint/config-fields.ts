/**
 * Typed reads of a Hugging Face `config.json`: each value is checked for type and range and an error names
 * the file and the field. Only own properties count (a field called `constructor` or `__proto__` is never
 * resolved through the prototype).
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';

export type Json = Record<string, unknown>;

export class ConfigFields {
  constructor(
    readonly json: Json,
    readonly file?: string,
  ) {
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new FishTuningError('config.json must hold a JSON object', { file });
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.json, key) && this.json[key] !== null && this.json[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.has(key) ? this.json[key] : undefined;
  }

  fail(key: string, message: string): never {
    throw new FishTuningError(message, { file: this.file, option: key });
  }

  /** An integer ≥ `min` (default 1); `fallback` when absent (absent and no fallback: an error). */
  int(key: string, fallback?: number, min = 1): number {
    const v = this.has(key) ? this.json[key] : fallback;
    if (v === undefined) this.fail(key, `missing required field '${key}'`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(key, `'${key}' must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return v;
  }

  /** A finite number with `check` (e.g. x > 0) described by `range`. */
  number(key: string, fallback: number | undefined, range: string, check: (x: number) => boolean): number {
    const v = this.has(key) ? this.json[key] : fallback;
    if (v === undefined) this.fail(key, `missing required field '${key}'`);
    if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) this.fail(key, `'${key}' must be a number ${range}, got ${JSON.stringify(v)}`);
    return v;
  }

  positive(key: string, fallback?: number): number {
    return this.number(key, fallback, '> 0', (x) => x > 0);
  }

  /** A dropout probability that must be 0: these models run dropout-free (the paper's settings are 0). */
  zeroDropout(key: string): void {
    if (!this.has(key)) return;
    const v = this.json[key];
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) this.fail(key, `'${key}' must be a probability in [0, 1), got ${JSON.stringify(v)}`);
    if (v !== 0) this.fail(key, `'${key}' = ${v} is not supported (this architecture is implemented without that dropout; set it to 0.0)`);
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.has(key) ? this.json[key] : fallback;
    if (typeof v !== 'boolean') this.fail(key, `'${key}' must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  /** A string among `allowed`. */
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const v = this.has(key) ? this.json[key] : fallback;
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.fail(key, `'${key}' = ${JSON.stringify(v)} is not supported (supported: ${allowed.map((a) => JSON.stringify(a)).join(', ')})`);
    }
    return v as T;
  }

  /** A field that must be absent or equal to `expected` (a feature this implementation does not have). */
  only(key: string, expected: unknown, why: string): void {
    if (!this.has(key)) return;
    if (this.json[key] !== expected) this.fail(key, `'${key}' = ${JSON.stringify(this.json[key])} is not supported (${why})`);
  }

  numberList(value: unknown, key: string, length: number): number[] {
    if (!Array.isArray(value) || value.length !== length || value.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x <= 0)) {
      this.fail(key, `'${key}' must be a list of ${length} positive numbers, got ${JSON.stringify(value)?.slice(0, 80)}`);
    }
    return value as number[];
  }
}
