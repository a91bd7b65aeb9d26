/**
 * A PyTorch-like module tree. A module's children are its own properties that hold a Module, or arrays of
 * Modules (`layers.3`). Paths are Hugging Face module paths (`model.layers.3.self_attn.q_proj`), so that
 * PEFT's target matching and tensor names work unchanged.
 * @module
 */

export abstract class Module {
  /** Children in declaration order, keyed by property name (arrays expand to `name.i`). */
  namedChildren(): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((item, i) => {
          if (item instanceof Module) out.push([`${key}.${i}`, item]);
        });
      }
    }
    return out;
  }
}

/** Every module in the tree, depth first, with its dotted path ('' for the root). */
export function namedModules(root: Module, prefix = ''): Array<[string, Module]> {
  const out: Array<[string, Module]> = [[prefix, root]];
  for (const [name, child] of root.namedChildren()) {
    out.push(...namedModules(child, prefix ? `${prefix}.${name}` : name));
  }
  return out;
}

/** The module at `path`, or undefined. */
export function getSubmodule(root: Module, path: string): Module | undefined {
  return namedModules(root).find(([p]) => p === path)?.[1];
}

/** Replaces the module at `path` (which must exist) by `replacement`; returns the old one. */
export function setSubmodule(root: Module, path: string, replacement: Module): Module {
  const parts = path.split('.');
  let parent: any = root;
  let i = 0;
  while (i < parts.length - 1) {
    const key = parts[i];
    const next = parent[key];
    if (Array.isArray(next) && i + 1 < parts.length - 1) {
      parent = next[Number(parts[i + 1])];
      i += 2;
    } else if (Array.isArray(next) && i + 1 === parts.length - 1) {
      const old = next[Number(parts[i + 1])];
      if (!(old instanceof Module)) throw new Error(`setSubmodule: no module at '${path}'`);
      next[Number(parts[i + 1])] = replacement;
      return old;
    } else {
      parent = next;
      i += 1;
    }
    if (!(parent instanceof Module)) throw new Error(`setSubmodule: no module at '${path}'`);
  }
  const last = parts[parts.length - 1];
  const old = parent[last];
  if (!(old instanceof Module)) throw new Error(`setSubmodule: no module at '${path}'`);
  parent[last] = replacement;
  return old;
}
