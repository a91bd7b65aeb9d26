/**
 * Node-only loading of a saved prefix-tuning adapter directory (PEFT format).
 * @module @fish-tuning/prefix/node
 */
import { readAdapterDir } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { prefixTuner } from './tuner.js';
import type { PrefixAdapter } from './inject.js';

/** Reads `dir/adapter_config.json` + `adapter_model.safetensors` and attaches the prefix to `model`. */
export async function loadPrefixAdapter(model: PeftTargetModel, dir: string): Promise<PrefixAdapter> {
  const files = await readAdapterDir(dir);
  return prefixTuner.load(model, files.config, files.tensors, files.weightsFile);
}
