/**
 * Checking a mask against a model's parameters before training: every mask tensor must name a
 * parameter and have its shape, and every FISH-candidate parameter must have a mask tensor.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import type { NamedArray } from './types.js';

/** What validation needs of a parameter (TrainableParameter fits). */
export interface ParameterShape {
  name: string;
  variable: { shape: number[] };
  fishCandidate?: boolean;
}

const SHOWN = 5;

/** Throws a FishTuningError listing the first mismatches (and how many there are), naming `file`. */
export function validateMask(masks: ReadonlyMap<string, Pick<NamedArray<Uint8Array>, 'shape'>>, params: readonly ParameterShape[], file?: string): void {
  const byName = new Map(params.map((p) => [p.name, p]));
  const problems: string[] = [];
  for (const [name, m] of masks) {
    const p = byName.get(name);
    if (!p) problems.push(`'${name}' is not a parameter of the model`);
    else if (p.variable.shape.length !== m.shape.length || p.variable.shape.some((d, i) => d !== m.shape[i])) {
      problems.push(`'${name}' has shape ${JSON.stringify(m.shape)} but the parameter has ${JSON.stringify(p.variable.shape)}`);
    }
  }
  for (const p of params) if ((p.fishCandidate ?? true) && !masks.has(p.name)) problems.push(`parameter '${p.name}' has no mask tensor`);
  if (problems.length) {
    const more = problems.length > SHOWN ? ` (and ${problems.length - SHOWN} more)` : '';
    throw new FishTuningError(`mask does not match the model: ${problems.slice(0, SHOWN).join('; ')}${more}`, { file, option: 'mask' });
  }
}
