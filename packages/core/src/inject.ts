/**
 * The one injection walk every method uses: find the targeted modules, ask the method for a
 * replacement, swap it in, and report what was replaced (so it can be undone).
 * @module
 */
import { Module, namedModules, setSubmodule } from './module.js';
import { matchesTarget, type TargetSpec } from './match.js';
import { FishTuningError } from './errors.js';

export interface Injection<M extends Module = Module> {
  path: string;
  original: Module;
  replacement: M;
}

/**
 * Replaces every module matched by `spec` with `create(path, module)`. `accepts` filters by module
 * kind (e.g. only Linear); a matched module of another kind is an error naming it.
 */
export function injectModules<M extends Module>(
  root: Module,
  spec: TargetSpec,
  accepts: (module: Module) => boolean,
  create: (path: string, module: Module) => M,
): Injection<M>[] {
  const matched = namedModules(root).filter(([path]) => matchesTarget(spec, path));
  if (matched.length === 0) {
    throw new FishTuningError(`no module matched ${JSON.stringify(spec.target_modules)}${spec.layers_to_transform != null ? ` in layers ${JSON.stringify(spec.layers_to_transform)}` : ''}`, { option: 'target_modules' });
  }
  const out: Injection<M>[] = [];
  for (const [path, module] of matched) {
    if (!accepts(module)) throw new FishTuningError(`module '${path}' is a ${module.constructor.name}, which this method cannot wrap`, { option: 'target_modules' });
    const replacement = create(path, module);
    setSubmodule(root, path, replacement);
    out.push({ path, original: module, replacement });
  }
  return out;
}

/** Puts the original modules back (the reverse of injectModules). */
export function restoreModules(root: Module, injections: readonly Injection[]): void {
  for (const { path, original } of [...injections].reverse()) setSubmodule(root, path, original);
}
