/**
 * Node-only (IA)^3 adapter directories (kept apart so that browsers never see node:fs); typed shorthands
 * of core's generic loadAdapter/saveAdapter.
 * @module @fish-tuning/ia3/node
 */
import { readAdapterDir, saveAdapter } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { ia3Tuner } from './tuner.js';
import type { Ia3Adapter } from './inject.js';

/** Reads `dir/adapter_config.json` + `adapter_model.safetensors` (PEFT format) and injects it into `model`. */
export async function loadIa3Adapter(model: PeftTargetModel, dir: string): Promise<Ia3Adapter> {
  const files = await readAdapterDir(dir);
  return ia3Tuner.load(model, ia3Tuner.fromJson(files.config, model, files.configFile), files.tensors, files.weightsFile);
}

export async function saveIa3Adapter(dir: string, adapter: Ia3Adapter, options: { dtype?: 'F32' | 'F16' } = {}): Promise<void> {
  await saveAdapter(dir, adapter, options);
}
