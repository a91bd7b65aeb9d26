/**
 * Node-only bottleneck-adapter directories (peft_type FISH_ADAPTER); typed shorthands of core's generic
 * loadAdapter/saveAdapter.
 * @module @fish-tuning/adapter/node
 */
import { readAdapterDir, saveAdapter } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import { adapterTuner } from './tuner.js';
import type { BottleneckAdapter } from './inject.js';

export async function loadAdapterAdapter(model: PeftTargetModel, dir: string): Promise<BottleneckAdapter> {
  const files = await readAdapterDir(dir);
  return adapterTuner.load(model, adapterTuner.fromJson(files.config, model, files.configFile), files.tensors, files.weightsFile);
}

export async function saveAdapterAdapter(dir: string, adapter: BottleneckAdapter, options: { dtype?: 'F32' | 'F16' } = {}): Promise<void> {
  await saveAdapter(dir, adapter, options);
}

/** The same as {@link loadAdapterAdapter}, under the name of the adapter class. */
export const loadBottleneckAdapter = loadAdapterAdapter;
