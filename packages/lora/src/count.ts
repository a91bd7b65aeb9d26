/**
 * Trainable-parameter counts from tensor shapes alone (no tensors allocated), for reporting ratios on
 * models too large to build in a test (BERT-base-cased: 108.3M parameters).
 *
 * The ratio follows PEFT's `print_trainable_parameters`: trainable = adapter + task head
 * (modules_to_save), total = base model + head + adapter. See README.md for why this reproduces the
 * FISH-Tuning paper's BERT ratios.
 * @module
 */
import { Linear, countParameters, matchesTarget, namedModules, parameterCount, savedHeadParameters, type ParameterCount, type PeftTargetModel, type TargetSpec } from '@fish-tuning/core';
import type { LoraConfig } from './config.js';

export interface LinearShape {
  inFeatures: number;
  outFeatures: number;
}

/** LoRA adds r·(in + out) per wrapped linear; DoRA adds the magnitude vector (out) on top. */
export function loraParameterCount(targets: readonly LinearShape[], r: number, options: { useDora?: boolean } = {}): number {
  return targets.reduce((n, t) => n + r * (t.inFeatures + t.outFeatures) + (options.useDora ? t.outFeatures : 0), 0);
}

export interface ParameterReport {
  /** Module paths the adapter would wrap, with their shapes. */
  targets: Array<LinearShape & { path: string }>;
  adapter: number;
  head: number;
  base: number;
  trainable: number;
  total: number;
  /** 100 · trainable / total. */
  percent: number;
}

/**
 * Counts from a checkpoint-style shape table (`<module path>.weight` → [out, in] for dense layers), the
 * head's shapes (empty for a causal LM) and the adapter's target spec. Paths must be the model's module
 * paths (e.g. `bert.encoder.layer.3.attention.self.query`) so that PEFT's matching applies unchanged.
 */
export function countLoraParameters(
  baseShapes: ReadonlyMap<string, readonly number[]>,
  headShapes: ReadonlyMap<string, readonly number[]>,
  spec: TargetSpec,
  r: number,
  options: { useDora?: boolean } = {},
): ParameterReport {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const targets: ParameterReport['targets'] = [];
  for (const [name, shape] of baseShapes) {
    if (!name.endsWith('.weight') || shape.length !== 2) continue;
    const path = name.slice(0, -'.weight'.length);
    if (matchesTarget(spec, path)) targets.push({ path, outFeatures: shape[0], inFeatures: shape[1] });
  }
  const adapter = loraParameterCount(targets, r, options);
  const head = [...headShapes.values()].reduce((n, s) => n + size(s), 0);
  const base = [...baseShapes.values()].reduce((n, s) => n + size(s), 0);
  const trainable = adapter + head;
  const total = base + head + adapter;
  return { targets, adapter, head, base, trainable, total, percent: (100 * trainable) / total };
}

/**
 * What `injectLora(model, config)` creates, from the model's layer shapes (nothing allocated): lora_A
 * (r·in) and lora_B (out·r) per wrapped Linear, lora_magnitude_vector (out) with use_dora, and the saved
 * task head. The tuner's `count`.
 */
export function countLora(config: LoraConfig, model: PeftTargetModel): ParameterCount {
  const spec = { target_modules: config.target_modules, exclude_modules: config.exclude_modules, layers_to_transform: config.layers_to_transform };
  const byRole: Record<string, number> = { lora_A: 0, lora_B: 0, ...(config.use_dora ? { lora_magnitude_vector: 0 } : {}) };
  for (const [path, module] of namedModules(model)) {
    if (!matchesTarget(spec, path) || !(module instanceof Linear)) continue;
    byRole.lora_A += config.r * module.inFeatures;
    byRole.lora_B += module.outFeatures * config.r;
    if (config.use_dora) byRole.lora_magnitude_vector += module.outFeatures;
  }
  return parameterCount(byRole, countParameters(savedHeadParameters(config, model)));
}
