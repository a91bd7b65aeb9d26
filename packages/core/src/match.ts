/**
 * Which modules a PEFT method targets, with Hugging Face PEFT's rules: a string `target_modules` is a
 * (Python) regex that must match the whole module path (see python-regex.ts); a list matches a path equal to an entry or ending in
 * `.entry`; `exclude_modules` works the same way and wins; `layers_to_transform` keeps only modules
 * inside the listed transformer layers. fish-tuning adds `top:n` (the n layers nearest the output).
 * @module
 */
import { FishTuningError } from './errors.js';
import { pythonFullMatch } from './python-regex.js';

export type ModuleSelector = string | readonly string[];

export interface TargetSpec {
  target_modules: ModuleSelector;
  exclude_modules?: ModuleSelector | null;
  /** Layer indices, or a single index; null/undefined for all layers. */
  layers_to_transform?: number | readonly number[] | null;
}

const LAYER_INDEX = /(?:^|\.)(?:layers|layer|h|block|blocks)\.(\d+)(?:\.|$)/;

/** The transformer layer index a module path lies in, or null. */
export function layerIndexOf(path: string): number | null {
  const m = LAYER_INDEX.exec(path);
  return m ? Number(m[1]) : null;
}

function selects(selector: ModuleSelector, path: string, option: string): boolean {
  if (typeof selector === 'string') return pythonFullMatch(selector, option).test(path);
  return selector.some((t) => path === t || path.endsWith(`.${t}`));
}

export function matchesTarget(spec: TargetSpec, path: string): boolean {
  if (!path || !selects(spec.target_modules, path, 'target_modules')) return false;
  if (spec.exclude_modules && selects(spec.exclude_modules, path, 'exclude_modules')) return false;
  if (spec.layers_to_transform !== undefined && spec.layers_to_transform !== null) {
    const wanted = typeof spec.layers_to_transform === 'number' ? [spec.layers_to_transform] : spec.layers_to_transform;
    const layer = layerIndexOf(path);
    if (layer === null || !wanted.includes(layer)) return false;
  }
  return true;
}

/**
 * Resolves a user's layer choice to explicit indices: `'all'`, `'top:n'` (the n layers nearest the
 * output, as the paper's "top 1–5 layers"), `'0,3,5'`, or an array.
 */
export function resolveLayers(choice: string | readonly number[] | null | undefined, numLayers: number, option = 'layers'): number[] | null {
  if (choice === null || choice === undefined || choice === 'all') return null;
  let out: number[];
  if (Array.isArray(choice)) out = [...choice];
  else {
    const text = String(choice).trim();
    const top = /^top:(\d+)$/.exec(text);
    if (top) {
      const n = Number(top[1]);
      if (n < 1 || n > numLayers) throw new FishTuningError(`'${text}' asks for ${n} of ${numLayers} layers`, { option });
      return Array.from({ length: n }, (_, i) => numLayers - n + i);
    }
    if (!/^\d+(,\d+)*$/.test(text)) throw new FishTuningError(`expected 'all', 'top:N' or a comma list of layer indices, got '${text}'`, { option });
    out = text.split(',').map(Number);
  }
  for (const i of out) {
    if (!Number.isInteger(i) || i < 0 || i >= numLayers) throw new FishTuningError(`layer ${i} is outside 0..${numLayers - 1}`, { option });
  }
  return [...new Set(out)].sort((a, b) => a - b);
}
