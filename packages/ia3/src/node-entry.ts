/**
 * Node-only loading of a saved (IA)^3 adapter directory (kept apart so that browsers never see node:fs).
 * @module @fish-tuning/ia3/node
 */
import { readAdapterDir } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { ia3Tuner } from './tuner.js';
import type { Ia3Adapter } from './inject.js';

/** Reads `dir/adapter_config.json` + `adapter_model.safetensors` (PEFT format) and injects it into `model`. */
export async function loadIa3Adapter(model: PeftTargetModel, dir: string): Promise<Ia3Adapter> {
  const files = await readAdapterDir(dir);
  return ia3Tuner.load(model, files.config, files.tensors, files.weightsFile);
}
