/**
 * Named registry of PEFT methods, so that the CLI and user code can look a method up by name.
 * Like tfjs's kernel registry: explicit registration, a warning on override, no hidden defaults.
 * @module
 */
import type { Tuner } from './peft.js';
import { FishTuningError } from './errors.js';

const tuners = new Map<string, Tuner<any, any>>();

export function registerTuner(tuner: Tuner<any, any>): void {
  if (tuners.has(tuner.name)) console.warn(`fish-tuning: tuner '${tuner.name}' registered again; the new one replaces it`);
  tuners.set(tuner.name, tuner);
}

export function getTuner(name: string): Tuner<any, any> {
  const t = tuners.get(name);
  if (!t) throw new FishTuningError(`unknown method '${name}'; registered: ${[...tuners.keys()].join(', ') || '(none)'}`, { option: 'method' });
  return t;
}

export function registeredTuners(): string[] {
  return [...tuners.keys()];
}
