/**
 * Node-only loading of a saved bottleneck-adapter directory (peft_type FISH_ADAPTER).
 * @module @fish-tuning/adapter/node
 */
import { readAdapterDir } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { adapterTuner } from './tuner.js';
import type { BottleneckAdapter } from './inject.js';

export async function loadBottleneckAdapter(model: PeftTargetModel, dir: string): Promise<BottleneckAdapter> {
  const files = await readAdapterDir(dir);
  return adapterTuner.load(model, files.config, files.tensors, files.weightsFile);
}

/** Alias following the load<Method>Adapter naming. */
export const loadAdapterAdapter = loadBottleneckAdapter;
