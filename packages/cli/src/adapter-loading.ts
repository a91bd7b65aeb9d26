/**
 * Saved PEFT adapters in the CLI, whatever the method: core's registry picks the method from
 * adapter_config.json's peft_type (LORA with use_dora → dora). The method packages never register on
 * import; the CLI registers each once here, and maps the library's errors onto the flag that named the
 * directory.
 * @module
 */
import { FishTuningError, adapterFromFiles, registeredTuners, type AdapterFiles, type PeftAdapter, type PeftTargetModel } from '@fish-tuning/core';
import { readAdapterDir } from '@fish-tuning/core/node';
import { registerLora } from '@fish-tuning/lora';
import { registerDora } from '@fish-tuning/dora';
import { registerIa3 } from '@fish-tuning/ia3';
import { registerPrefix } from '@fish-tuning/prefix';
import { registerAdapter } from '@fish-tuning/adapter';
import { registerUnipelt } from '@fish-tuning/unipelt';

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

/** Applies already-read adapter files to `model`; a peft_type no method takes is reported against `option` (the flag). */
export function applyAdapterFiles(model: PeftTargetModel, files: AdapterFiles, option = '--init-adapter'): PeftAdapter {
  ensureTuners();
  try {
    return adapterFromFiles(model, files);
  } catch (e) {
    if (e instanceof FishTuningError && e.option === 'peft_type') {
      throw new FishTuningError(e.message.replace(/^.*?option 'peft_type': /, ''), { file: e.file, option });
    }
    throw e;
  }
}

/** Reads a PEFT adapter directory and applies it to `model`. */
export async function loadAdapterDir(model: PeftTargetModel, dir: string, option = '--init-adapter'): Promise<PeftAdapter> {
  return applyAdapterFiles(model, await readAdapterDir(dir), option);
}
