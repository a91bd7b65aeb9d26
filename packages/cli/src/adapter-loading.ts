/**
 * Saved PEFT adapters, whatever the method: adapter_config.json's peft_type picks the package that
 * loads it (LORA covers DoRA through use_dora). The method packages do not register themselves on
 * import; the CLI registers each once here.
 * @module
 */
import { FishTuningError, registeredTuners, type PeftAdapter, type PeftTargetModel } from '@fish-tuning/core';
import { readAdapterDir, type AdapterFiles } from '@fish-tuning/core/node';
import { registerLora } from '@fish-tuning/lora';
import { registerDora, applyLoraOrDoraFiles } from '@fish-tuning/dora';
import { registerIa3, ia3Tuner } from '@fish-tuning/ia3';
import { registerPrefix, prefixTuner } from '@fish-tuning/prefix';
import { registerAdapter, adapterTuner } from '@fish-tuning/adapter';
import { registerUnipelt, unipeltTuner } from '@fish-tuning/unipelt';

/** Registers every method once (a second registration would warn). */
export function ensureTuners(): void {
  const have = new Set(registeredTuners());
  const all: Array<[string, () => void]> = [
    ['lora', registerLora],
    ['dora', registerDora],
    ['ia3', registerIa3],
    ['prefix', registerPrefix],
    ['adapter', registerAdapter],
    ['unipelt', registerUnipelt],
  ];
  for (const [name, register] of all) if (!have.has(name)) register();
}

/** Adapter loaders by peft_type. */
export const ADAPTER_LOADERS: Record<string, (model: PeftTargetModel, files: AdapterFiles) => PeftAdapter> = {
  LORA: (model, f) => applyLoraOrDoraFiles(model, f),
  IA3: (model, f) => ia3Tuner.load(model, f.config, f.tensors, f.weightsFile),
  PREFIX_TUNING: (model, f) => prefixTuner.load(model, f.config, f.tensors, f.weightsFile),
  FISH_ADAPTER: (model, f) => adapterTuner.load(model, f.config, f.tensors, f.weightsFile),
  FISH_UNIPELT: (model, f) => unipeltTuner.load(model, f.config, f.tensors, f.weightsFile),
};

/** Applies already-read adapter files to `model`; the error names the config file and the peft_type. */
export function applyAdapterFiles(model: PeftTargetModel, files: AdapterFiles, option = '--init-adapter'): PeftAdapter {
  const load = ADAPTER_LOADERS[files.config.peft_type];
  if (!load) throw new FishTuningError(`peft_type '${files.config.peft_type}' has no loader; known: ${Object.keys(ADAPTER_LOADERS).join(', ')}`, { file: files.configFile, option });
  return load(model, files);
}

/** Reads a PEFT adapter directory and applies it to `model`. */
export async function loadAdapterDir(model: PeftTargetModel, dir: string, option = '--init-adapter'): Promise<PeftAdapter> {
  return applyAdapterFiles(model, await readAdapterDir(dir), option);
}
