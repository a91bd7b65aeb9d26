/**
 * Node-only prefix-tuning adapter directories (PEFT format); typed shorthands of core's generic
 * loadAdapter/saveAdapter.
 * @module @fish-tuning/prefix/node
 */
import { readAdapterDir, saveAdapter } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { prefixTuner } from './tuner.js';
import type { PrefixAdapter } from './inject.js';

/** Reads `dir/adapter_config.json` + `adapter_model.safetensors` and attaches the prefix to `model`. */
export async function loadPrefixAdapter(model: PeftTargetModel, dir: string): Promise<PrefixAdapter> {
  const files = await readAdapterDir(dir);
  return prefixTuner.load(model, prefixTuner.fromJson(files.config, model, files.configFile), files.tensors, files.weightsFile);
}

export async function savePrefixAdapter(dir: string, adapter: PrefixAdapter, options: { dtype?: 'F32' | 'F16' } = {}): Promise<void> {
  await saveAdapter(dir, adapter, options);
}
