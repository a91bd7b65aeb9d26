/**
 * Where a mask falls: selected entries per transformer layer and per kind of PEFT tensor (module and
 * role, e.g. query · lora_A), read from the PEFT tensor names alone, so it works on any mask (from a
 * file, or fresh from selectMask) without the model.
 * @module
 */
import { layerOfName } from './budget.js';
import type { Mask } from './types.js';

/** The module a PEFT tensor adapts (the last segment of its path) and the tensor's role in the method. */
export interface TensorKind {
  /** e.g. `query`, `q_proj`. */
  module: string;
  /** `lora_A`, `lora_B`, `lora_magnitude_vector` (DoRA) or `ia3_l`. */
  role: string;
}

const KIND = /\.([A-Za-z0-9_]+)\.(lora_A|lora_B|lora_magnitude_vector|ia3_l)(?:\.|$)/;

/** The kind of a PEFT tensor name (`….self_attn.q_proj.lora_A.weight` → q_proj · lora_A), or null for other tensors. */
export function tensorKind(name: string): TensorKind | null {
  const m = KIND.exec(name);
  return m ? { module: m[1], role: m[2] } : null;
}

/** Selected and total entries of the tensors of one layer and one kind. */
export interface MaskShare {
  /** Transformer layer, or null for tensors outside the layers. */
  layer: number | null;
  /** null for tensors of no known kind (they are counted together per layer). */
  kind: TensorKind | null;
  selected: number;
  total: number;
}

/** Selected entries per (layer, tensor kind), in the order the mask first lists each group. */
export function maskShares(mask: Pick<Mask, 'tensors'>): MaskShare[] {
  const groups = new Map<string, MaskShare>();
  for (const [name, t] of mask.tensors) {
    const layer = layerOfName(name);
    const kind = tensorKind(name);
    const key = `${layer}|${kind?.module}|${kind?.role}`;
    let share = groups.get(key);
    if (!share) groups.set(key, (share = { layer, kind, selected: 0, total: 0 }));
    for (let i = 0; i < t.data.length; i++) share.selected += t.data[i];
    share.total += t.data.length;
  }
  return [...groups.values()];
}
