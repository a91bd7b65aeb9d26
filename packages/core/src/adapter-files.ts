/**
 * PEFT's on-disk adapter format: `adapter_config.json` + `adapter_model.safetensors` in one directory,
 * written atomically so that a crash never leaves a half-written adapter. Python PEFT loads it as is.
 * @module
 */
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME } from './state-dict.js';
import { readJsonFile, readSafetensorsFile, writeJsonFileAtomic, writeSafetensorsFile } from './node.js';
import { toWritable } from './tensors.js';
import { FishTuningError } from './errors.js';
import type { PeftAdapter, PeftConfigBase } from './peft.js';
import type { DecodedTensor } from './safetensors.js';

export interface SaveAdapterOptions {
  dtype?: 'F32' | 'F16';
  /**
   * Written as `base_model_name_or_path` (a hub id or the model directory), so that Python's
   * `AutoPeftModel*.from_pretrained(dir)` finds the base model; default: the config's own value.
   */
  baseModelNameOrPath?: string;
}

export async function saveAdapter(dir: string, adapter: PeftAdapter, options: SaveAdapterOptions = {}): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  const tensors = await toWritable(adapter.stateDict(), options.dtype ?? 'F32');
  await writeSafetensorsFile(path.join(dir, ADAPTER_WEIGHTS_NAME), tensors, { format: 'pt' });
  const config = options.baseModelNameOrPath === undefined ? adapter.config : { ...adapter.config, base_model_name_or_path: options.baseModelNameOrPath };
  await writeJsonFileAtomic(path.join(dir, ADAPTER_CONFIG_NAME), config);
}

export interface AdapterFiles {
  config: PeftConfigBase;
  tensors: Map<string, DecodedTensor>;
  configFile: string;
  weightsFile: string;
}

export async function readAdapterDir(dir: string): Promise<AdapterFiles> {
  const configFile = path.join(dir, ADAPTER_CONFIG_NAME);
  const weightsFile = path.join(dir, ADAPTER_WEIGHTS_NAME);
  const config = await readJsonFile<PeftConfigBase>(configFile);
  if (typeof config.peft_type !== 'string') throw new FishTuningError(`missing 'peft_type'`, { file: configFile, option: 'peft_type' });
  const { tensors } = await readSafetensorsFile(weightsFile);
  return { config, tensors, configFile, weightsFile };
}
