/** @module @fish-tuning/dora/node — loads a PEFT LoRA/DoRA adapter directory (Node only). */
import { readAdapterDir } from '@fish-tuning/core/node';
import type { PeftTargetModel } from '@fish-tuning/core';
import type { LoraAdapter } from '@fish-tuning/lora';
import { applyLoraOrDoraFiles } from './files.js';

/** Loads `dir` onto `model` as DoRA when its config says `use_dora: true`, else as plain LoRA. */
export async function loadDoraAdapter(model: PeftTargetModel, dir: string): Promise<LoraAdapter> {
  return applyLoraOrDoraFiles(model, await readAdapterDir(dir));
}
