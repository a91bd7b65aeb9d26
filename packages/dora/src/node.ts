/** @module @fish-tuning/dora/node — PEFT LoRA/DoRA adapter directories (Node only). */
import { readAdapterDir, saveAdapter } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { loraTuner, type LoraAdapter } from '@fish-tuning/lora';
import { doraTuner } from './tuner.js';
import type { DoraAdapter } from './inject.js';

/**
 * Loads `dir` onto `model` as DoRA when its config says `use_dora: true`, else as plain LoRA (any PEFT
 * LoRA directory; the same choice core's registry makes).
 */
export async function loadDoraAdapter(model: PeftTargetModel, dir: string): Promise<DoraAdapter | LoraAdapter> {
  const files = await readAdapterDir(dir);
  const tuner = doraTuner.claims!(files.config) ? doraTuner : loraTuner;
  return tuner.load(model, tuner.fromJson(files.config, model, files.configFile) as never, files.tensors, files.weightsFile);
}

export async function saveDoraAdapter(dir: string, adapter: DoraAdapter, options: { dtype?: 'F32' | 'F16' } = {}): Promise<void> {
  await saveAdapter(dir, adapter, options);
}
