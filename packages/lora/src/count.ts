/**
 * Trainable-parameter counts from shapes alone (no tensors allocated), for reporting ratios on models
 * too large to build in a test, e.g. BERT-base-cased.
 * @module
 */

export interface LinearShape {
  inFeatures: number;
  outFeatures: number;
}

/** LoRA adds r·(in + out) per wrapped linear; DoRA adds the magnitude vector (out) on top. */
export function loraParameterCount(targets: readonly LinearShape[], r: number, options: { useDora?: boolean } = {}): number {
  return targets.reduce((n, t) => n + r * (t.inFeatures + t.outFeatures) + (options.useDora ? t.outFeatures : 0), 0);
}
