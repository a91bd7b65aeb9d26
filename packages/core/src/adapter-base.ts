/**
 * The one PeftAdapter body every method shares (LoRA, DoRA, bottleneck adapter, (IA)^3, prefix, UniPELT):
 * the task head saved as PEFT's `modules_to_save` in one place, the state dict as the method's tensors
 * plus that head, loading with every tensor used or refused, and an idempotent dispose. A method says
 * which tensors are its own (by default its trainable parameters) and how to undo its injection.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { assignStateDict, savedHeadParameters } from './assign-state.js';
import { FishTuningError } from './errors.js';
import type { PeftAdapter, PeftConfigBase } from './peft.js';
import type { PeftTargetModel } from './model.js';
import type { TrainableParameter } from './parameters.js';
import type { DecodedTensor } from './safetensors.js';

export abstract class AdapterBase<C extends PeftConfigBase> implements PeftAdapter<C> {
  private disposed = false;

  protected constructor(
    readonly config: C,
    readonly model: PeftTargetModel,
    readonly targetedModules: readonly string[],
  ) {}

  abstract trainableParameters(): TrainableParameter[];

  /** The task head, saved with the adapter when the config sets `modules_to_save` (never a FISH candidate). */
  headParameters(): TrainableParameter[] {
    return savedHeadParameters(this.config, this.model);
  }

  /** The saved name of a head tensor (prompt learning drops PEFT's `.model`, see @fish-tuning/prefix). */
  protected headTensorName(name: string): string {
    return name;
  }

  /** The method's own tensors for adapter_model.safetensors (default: the trainable parameters by PEFT name). */
  protected ownTensors(): Map<string, tf.Tensor> {
    return new Map(this.trainableParameters().map((p) => [p.name, p.variable]));
  }

  /** The variables that saved tensors load into (default: the trainable parameters); the head is optional. */
  protected loadableVariables(_file?: string): Map<string, tf.Variable> {
    return new Map(this.trainableParameters().map((p) => [p.name, p.variable]));
  }

  stateDict(): Map<string, tf.Tensor> {
    const out = this.ownTensors();
    for (const p of this.headParameters()) out.set(this.headTensorName(p.name), p.variable);
    return out;
  }

  /**
   * Every own tensor must be in the file with its shape. When the config names the head
   * (`modules_to_save`), the file must hold it too: loading without it would leave a randomly
   * initialised head and report its numbers as the adapter's.
   */
  loadStateDict(tensors: Map<string, DecodedTensor>, file?: string): void {
    const head = new Map(this.headParameters().map((p) => [this.headTensorName(p.name), p.variable]));
    const missing = [...head.keys()].find((name) => !tensors.has(name));
    if (missing !== undefined) {
      throw new FishTuningError(
        `the config lists the task head under modules_to_save (${JSON.stringify((this.config as { modules_to_save?: unknown }).modules_to_save)}) but the file lacks it; loading would leave a randomly initialised head`,
        { ...(file !== undefined ? { file } : {}), tensor: missing },
      );
    }
    assignStateDict(this.loadableVariables(file), tensors, file, head);
  }

  /** Undoes the injection and frees the adapter's tensors (once; a second call does nothing). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release();
  }

  /** The method's part of dispose(): restore the model, free tensors. */
  protected abstract release(): void;
}
