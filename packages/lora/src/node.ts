/**
 * @module @fish-tuning/lora/node — PEFT adapter directories on disk (Node only; the main entry stays
 * browser-safe).
 */
import { readAdapterDir, saveAdapter } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { applyLoraFiles } from './files.js';
import type { LoraAdapter } from './adapter.js';

/** Loads `dir` (adapter_config.json + adapter_model.safetensors, PEFT format) onto `model`. */
export async function loadLoraAdapter(model: PeftTargetModel, dir: string): Promise<LoraAdapter> {
  return applyLoraFiles(model, await readAdapterDir(dir));
}

/** Saves in PEFT format; the FISH mask and Fisher go in sidecar files written by their own packages. */
export async function saveLoraAdapter(dir: string, adapter: LoraAdapter, options: { dtype?: 'F32' | 'F16' } = {}): Promise<void> {
  await saveAdapter(dir, adapter, options);
}
