/**
 * @module @fish-tuning/lora/node — PEFT adapter directories on disk (Node only; the main entry stays
 * browser-safe). Typed shorthands of core's generic loadAdapter/saveAdapter.
 */
import { readAdapterDir, saveAdapter } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { loraTuner } from './tuner.js';
import type { LoraAdapter } from './inject.js';

/** Loads `dir` (adapter_config.json + adapter_model.safetensors, PEFT format) onto `model` as plain LoRA. */
export async function loadLoraAdapter(model: PeftTargetModel, dir: string): Promise<LoraAdapter> {
  const files = await readAdapterDir(dir);
  return loraTuner.load(model, loraTuner.fromJson(files.config, model, files.configFile), files.tensors, files.weightsFile);
}

/** Saves in PEFT format; the FISH mask and Fisher go in sidecar files written by their own packages. */
export async function saveLoraAdapter(dir: string, adapter: LoraAdapter, options: { dtype?: 'F32' | 'F16' } = {}): Promise<void> {
  await saveAdapter(dir, adapter, options);
}
