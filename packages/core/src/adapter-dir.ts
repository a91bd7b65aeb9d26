/**
 * PEFT adapter directories on disk (Node): `adapter_config.json` + `adapter_model.safetensors`, each
 * written atomically so that a crash never leaves a half-written file. `loadAdapter(model, dir)` is
 * PEFT's `PeftModel.from_pretrained(model, dir)` for every registered method; Python PEFT loads what
 * `saveAdapter` writes.
 * @module
 */
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME } from './state-dict.js';
import { readJsonFile, readSafetensorsFile, writeFileAtomic } from './node.js';
import { FishTuningError } from './errors.js';
import { adapterConfigText, adapterFromFiles, adapterWeightsBytes, type AdapterFiles } from './adapter-files.js';
import type { PeftAdapter, PeftConfigBase } from './peft.js';
import type { PeftTargetModel } from './model.js';

export interface SaveAdapterOptions {
  dtype?: 'F32' | 'F16';
  /**
   * Written as `base_model_name_or_path` (a hub id or the model directory), so that Python's
   * `AutoPeftModel*.from_pretrained(dir)` finds the base model; default: the config's own value.
   */
  baseModelNameOrPath?: string;
}

/** Writes `adapter` to `dir` in PEFT's format (the FISH mask and Fisher go in sidecar files written by their own packages). */
export async function saveAdapter(dir: string, adapter: PeftAdapter, options: SaveAdapterOptions = {}): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, ADAPTER_WEIGHTS_NAME), await adapterWeightsBytes(adapter, options));
  await writeFileAtomic(path.join(dir, ADAPTER_CONFIG_NAME), adapterConfigText(adapter, options));
}

/** Reads both files of an adapter directory (errors name the file). */
export async function readAdapterDir(dir: string): Promise<AdapterFiles & { configFile: string; weightsFile: string }> {
  const configFile = path.join(dir, ADAPTER_CONFIG_NAME);
  const weightsFile = path.join(dir, ADAPTER_WEIGHTS_NAME);
  const config = await readJsonFile<PeftConfigBase>(configFile);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new FishTuningError('expected a JSON object', { file: configFile });
  if (typeof config.peft_type !== 'string') throw new FishTuningError(`missing 'peft_type'`, { file: configFile, option: 'peft_type' });
  const { tensors } = await readSafetensorsFile(weightsFile);
  return { config, tensors, configFile, weightsFile };
}

/** Loads the adapter saved in `dir` onto `model` (in place), whatever its method; `dispose()` on the result undoes it. */
export async function loadAdapter(model: PeftTargetModel, dir: string): Promise<PeftAdapter> {
  return adapterFromFiles(model, await readAdapterDir(dir));
}
