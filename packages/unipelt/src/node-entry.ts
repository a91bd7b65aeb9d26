/**
 * Node-only loading of a saved UniPELT directory (peft_type FISH_UNIPELT).
 * @module @fish-tuning/unipelt/node
 */
import { readAdapterDir } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { unipeltTuner } from './tuner.js';
import type { UnipeltAdapter } from './inject.js';

export async function loadUnipeltAdapter(model: PeftTargetModel, dir: string): Promise<UnipeltAdapter> {
  const files = await readAdapterDir(dir);
  return unipeltTuner.load(model, files.config, files.tensors, files.weightsFile);
}
