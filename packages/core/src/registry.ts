/**
 * Named registry of PEFT methods, keyed by method name (`lora`, `dora`, …) and by PEFT's `peft_type`
 * (so a saved adapter_config.json finds its method). Like tfjs's kernel registry: explicit
 * registration (each method package exports `register<Method>()`, nothing registers on import), a
 * warning on override, no hidden defaults. Both keys are user strings, so both live in Maps: a
 * peft_type of 'constructor' is an unknown type, never an Object.prototype hit.
 * @module
 */
import type { PeftAdapter, PeftConfigBase, Tuner } from './peft.js';
import { FishTuningError } from './errors.js';

/** A registered tuner, whatever its config and options types. */
export type AnyTuner = Tuner<any, any, PeftAdapter<any>>;

const byName = new Map<string, AnyTuner>();
/** peft_type → the tuners that write it (LORA: lora and dora), in registration order. */
const byPeftType = new Map<string, AnyTuner[]>();

export function registerTuner(tuner: AnyTuner): void {
  const previous = byName.get(tuner.name);
  if (previous) {
    console.warn(`fish-tuning: tuner '${tuner.name}' registered again; the new one replaces it`);
    unregisterTuner(tuner.name);
  }
  byName.set(tuner.name, tuner);
  byPeftType.set(tuner.peftType, [...(byPeftType.get(tuner.peftType) ?? []), tuner]);
}

/** Removes a method (tests, or an application replacing one); false when it was not registered. */
export function unregisterTuner(name: string): boolean {
  const tuner = byName.get(name);
  if (!tuner) return false;
  byName.delete(name);
  const rest = (byPeftType.get(tuner.peftType) ?? []).filter((t) => t !== tuner);
  if (rest.length) byPeftType.set(tuner.peftType, rest);
  else byPeftType.delete(tuner.peftType);
  return true;
}

export function getTuner(name: string): AnyTuner {
  const t = byName.get(name);
  if (!t) throw new FishTuningError(`unknown method '${name}'; registered: ${[...byName.keys()].join(', ') || '(none)'}`, { option: 'method' });
  return t;
}

export function registeredTuners(): string[] {
  return [...byName.keys()];
}

/**
 * The method that reads a saved adapter_config.json: its `peft_type` picks the tuners, and among tuners
 * sharing one (LORA) the one that `claims` it (DoRA for `use_dora: true`), else the one without `claims`.
 * Errors name `file` and the `peft_type` option.
 */
export function tunerForConfig(json: PeftConfigBase, file?: string): AnyTuner {
  const peftType: unknown = json !== null && typeof json === 'object' && Object.prototype.hasOwnProperty.call(json, 'peft_type') ? json.peft_type : undefined;
  if (typeof peftType !== 'string') throw new FishTuningError(`missing or non-string 'peft_type' (got ${JSON.stringify(peftType)})`, { file, option: 'peft_type' });
  const candidates = byPeftType.get(peftType) ?? [];
  const tuner = candidates.find((t) => t.claims?.(json)) ?? candidates.find((t) => !t.claims);
  if (!tuner) {
    const known = [...byPeftType].map(([type, ts]) => `${type} (${ts.map((t) => t.name).join(', ')})`).join(', ') || '(none)';
    const why = candidates.length ? `no registered method takes this ${peftType} config (${candidates.map((t) => t.name).join(', ')} refuse it)` : `peft_type '${peftType}' has no registered method`;
    throw new FishTuningError(`${why}; registered: ${known}. Call the method package's register function (e.g. registerLora()) first`, { file, option: 'peft_type' });
  }
  return tuner;
}
