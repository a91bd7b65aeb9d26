/**
 * Attaching prefix-tuning to a model: the encoder becomes the model's PrefixSource (the models prepend
 * its keys/values in every layer and start real tokens' RoPE positions at l). Saved as PEFT does: one
 * tensor `prompt_embeddings` [l, num_layers·2·token_dim] (in the projection form, the MLP's output).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdapterBase, FishTuningError, PEFT_PREFIX, type PeftTargetModel, type Rng, type TrainableParameter } from '@fish-tuning/core';
import type { PrefixConfig } from './config.js';
import { PrefixEncoder } from './layer.js';

export const PROMPT_EMBEDDINGS = 'prompt_embeddings';

/**
 * PEFT's key for a saved head under prompt learning: there the PeftModel's base_model *is* the transformers
 * model (no LoraModel `.model` in between), so `base_model.model.classifier.weight` becomes `base_model.classifier.weight`.
 */
export function promptLearningHeadName(name: string): string {
  return name.startsWith(PEFT_PREFIX) ? `base_model.${name.slice(PEFT_PREFIX.length)}` : name;
}

export class PrefixAdapter extends AdapterBase<PrefixConfig> {
  readonly encoder: PrefixEncoder;

  constructor(config: PrefixConfig, model: PeftTargetModel, rng: Rng, direct = false) {
    if (model.prefix) throw new FishTuningError('the model already has an attention prefix (another prefix adapter is attached)', { option: 'prefix' });
    super(config, model, Array.from({ length: config.num_layers }, (_, i) => model.layerPath(i)));
    this.encoder = new PrefixEncoder(config, rng, direct);
    model.prefix = this.encoder;
  }

  /** Every prefix variable; all are FISH candidates (with the projection, the MLP's weights and the embedding). */
  trainableParameters(): TrainableParameter[] {
    return this.encoder.variables().map(([name, variable]) => ({ name, variable, module: 'prompt_encoder', role: name === PROMPT_EMBEDDINGS ? PROMPT_EMBEDDINGS : name.replace(/^prompt_encoder\./, ''), layer: null, fishCandidate: true }));
  }

  /**
   * The task head (empty for a causal LM), always saved with the prefix: PEFT's PrefixTuningConfig (0.13) has
   * no modules_to_save key, its sequence-classification wrapper saves the classifier by itself. Never a FISH candidate.
   */
  override headParameters(): TrainableParameter[] {
    return this.model.headParameters();
  }

  protected override headTensorName(name: string): string {
    return promptLearningHeadName(name);
  }

  /** `prompt_embeddings` (in the projection form a new tensor: the MLP's output). */
  protected override ownTensors(): Map<string, tf.Tensor> {
    return new Map([[PROMPT_EMBEDDINGS, this.encoder.prompt_embeddings ?? this.encoder.table()]]);
  }

  protected override loadableVariables(file?: string): Map<string, tf.Variable> {
    if (!this.encoder.prompt_embeddings) {
      throw new FishTuningError('a prefix_projection adapter cannot take a saved table; load it with prefixTuner.load (direct form, as PEFT in inference mode)', { file, tensor: PROMPT_EMBEDDINGS });
    }
    return new Map([[PROMPT_EMBEDDINGS, this.encoder.prompt_embeddings]]);
  }

  protected release(): void {
    if (this.model.prefix === this.encoder) this.model.prefix = null;
    this.encoder.dispose();
  }
}

/** Attaches a freshly initialised prefix (N(0,1) table as PEFT's nn.Embedding, or the projection MLP). */
export function injectPrefix(model: PeftTargetModel, config: PrefixConfig, rng: Rng): PrefixAdapter {
  return new PrefixAdapter(config, model, rng);
}
