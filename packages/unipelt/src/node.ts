/**
 * Node-only UniPELT directories (peft_type FISH_UNIPELT); typed shorthands of core's generic
 * loadAdapter/saveAdapter.
 * @module @fish-tuning/unipelt/node
 */
import { readAdapterDir, saveAdapter } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { unipeltTuner } from './tuner.js';
import type { UnipeltAdapter } from './inject.js';

export async function loadUnipeltAdapter(model: PeftTargetModel, dir: string): Promise<UnipeltAdapter> {
  const files = await readAdapterDir(dir);
  return unipeltTuner.load(model, unipeltTuner.fromJson(files.config, model, files.configFile), files.tensors, files.weightsFile);
}

export async function saveUnipeltAdapter(dir: string, adapter: UnipeltAdapter, options: { dtype?: 'F32' | 'F16' } = {}): Promise<void> {
  await saveAdapter(dir, adapter, options);
}
