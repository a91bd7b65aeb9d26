/**
 * LlamaForCausalLM with Hugging Face module paths: `{ model: { embed_tokens, layers, norm }, lm_head }`
 * (also Qwen2ForCausalLM and Phi3ForCausalLM, whose paths are the same; `modelType` says which).
 * Implements PeftTargetModel (logits, per-example causal-LM loss, attention prefix) and incremental
 * decoding through a {@link LlamaKvCache}.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  FishTuningError,
  Linear,
  Module,
  namedModules,
  type ForwardContext,
  type KeyValuePrefix,
  type LinearLike,
  type ModelBatch,
  type ModelDims,
  type PeftTargetModel,
  type PrefixSource,
  type TrainableParameter,
} from '@fish-tuning/core';
import { headDimOf, type LlamaConfig } from './config.js';
import { Embedding } from './embedding.js';
import { LlamaRMSNorm } from './rms-norm.js';
import type { LlamaDecoderLayer } from './decoder-layer.js';
import { planTables, ropePlan, type RopePlan } from './rope.js';
import { attentionMaskFor } from './mask.js';
import { causalLmPerExampleLoss, labelsFromInputs } from './loss.js';
import { LlamaKvCache } from './kv-cache.js';

export interface HiddenOptions {
  /** [b, past + t], 1 for real tokens (right padding). */
  attentionMask?: tf.Tensor | null;
  ctx?: ForwardContext;
  /** Incremental decoding: keys/values of earlier calls; updated in place. */
  cache?: LlamaKvCache | null;
}

export class LlamaModel extends Module {
  constructor(
    public embed_tokens: Embedding,
    public layers: LlamaDecoderLayer[],
    public norm: LlamaRMSNorm,
  ) {
    super();
  }
}

export class LlamaForCausalLM extends Module implements PeftTargetModel {
  readonly family = 'llama' as const;
  readonly task = 'causal-lm' as const;
  readonly modelType: string;
  // A private field, so that a PrefixSource that is itself a Module is not walked as a child.
  #prefix: PrefixSource | null = null;
  readonly #rope: RopePlan;

  constructor(
    readonly config: LlamaConfig,
    public model: LlamaModel,
    public lm_head: LinearLike,
  ) {
    super();
    this.modelType = config.modelType;
    this.#rope = ropePlan(config);
  }

  get prefix(): PrefixSource | null {
    return this.#prefix;
  }

  set prefix(p: PrefixSource | null) {
    this.#prefix = p;
  }

  get dims(): ModelDims {
    const c = this.config;
    return {
      numLayers: c.numHiddenLayers,
      hiddenSize: c.hiddenSize,
      numHeads: c.numAttentionHeads,
      numKvHeads: c.numKeyValueHeads,
      headDim: headDimOf(c),
      intermediateSize: c.intermediateSize,
      vocabSize: c.vocabSize,
    };
  }

  layerPath(i: number): string {
    return `model.layers.${i}`;
  }

  headParameters(): TrainableParameter[] {
    return [];
  }

  /** A fresh cache for {@link forwardHidden}; the caller disposes it. */
  newCache(): LlamaKvCache {
    return new LlamaKvCache(this.config.numHiddenLayers);
  }

  /** Final-norm hidden states [b, t, hidden]. */
  forwardHidden(inputIds: tf.Tensor, options: HiddenOptions = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = this.model.embed_tokens.forward(this.checkIds(inputIds));
      return this.model.norm.forward(this.runLayers(x, 0, this.config.numHiddenLayers, options));
    });
  }

  private checkIds(inputIds: tf.Tensor): tf.Tensor {
    if (inputIds.rank !== 2) throw new FishTuningError(`inputIds must be [batch, time], got shape ${JSON.stringify(inputIds.shape)}`, { option: 'inputIds' });
    return inputIds;
  }

  /** Runs layers [from, to) on hidden states x [b, t, hidden] (the input of layer `from`). */
  private runLayers(x: tf.Tensor, from: number, to: number, options: HiddenOptions): tf.Tensor {
    const { ctx, cache = null, attentionMask = null } = options;
    const [b, t] = x.shape;
    const past = cache?.length ?? 0;
    if (attentionMask && (attentionMask.shape[0] !== b || attentionMask.shape[1] !== past + t)) {
      throw new FishTuningError(`attentionMask shape ${JSON.stringify(attentionMask.shape)} does not match [${b}, ${past + t}]`, { option: 'attentionMask' });
    }
    const out = tf.tidy(() => {
      // The prefix length is fixed by the first call of a cached generation (HF past_key_values semantics).
      if (cache && past === 0) cache.prefixLength = this.#prefix?.length ?? 0;
      const prefixLength: number = cache ? cache.prefixLength : (this.#prefix?.length ?? 0);
      const total = prefixLength + past + t;
      this.checkPositions(total, prefixLength, past, t);
      const { cos, sin } = planTables(this.#rope, prefixLength + past, t, total);
      const window = this.config.slidingWindow;
      const mask = attentionMaskFor(b, t, past, prefixLength, attentionMask, window);
      // Layers outside a top-n prefix attend to the real tokens only.
      const realOnlyMask = prefixLength > 0 ? attentionMaskFor(b, t, past, 0, attentionMask, window) : mask;
      let h = x;
      for (let i = from; i < to; i++) {
        const prefix = this.layerPrefix(i, h, b, prefixLength, cache, ctx);
        h = this.model.layers[i].forward(h, { cos, sin, mask: prefix ? mask : realOnlyMask, prefix, cache, layerIndex: i, ctx });
      }
      return h;
    });
    if (cache && to === this.config.numHiddenLayers) cache.length += t;
    return out;
  }

  /** Refuses passes longer than the model was built for (a clear error instead of a wasm crash or silent extrapolation). */
  private checkPositions(total: number, prefixLength: number, past: number, t: number): void {
    const max = this.config.maxPositionEmbeddings;
    if (total > max) {
      const parts = [prefixLength ? `prefix ${prefixLength}` : '', past ? `cached ${past}` : '', `${t} tokens`].filter(Boolean).join(' + ');
      throw new FishTuningError(`a sequence of ${total} positions (${parts}) exceeds max_position_embeddings ${max}; truncate the rows (e.g. --max-length) or shorten the prefix`, {
        option: 'max_position_embeddings',
      });
    }
  }

  /** Hidden states entering layer `upToLayer` (trainer's frozen-prefix cache; eval mode). */
  forwardBottom(batch: ModelBatch, upToLayer: number): tf.Tensor {
    return tf.tidy(() => this.runLayers(this.model.embed_tokens.forward(this.checkIds(batch.inputIds)), 0, upToLayer, { attentionMask: batch.attentionMask }));
  }

  /** Per-example loss from the hidden states entering layer `fromLayer` (pairs with forwardBottom). */
  forwardTop(hidden: tf.Tensor, batch: ModelBatch, fromLayer: number, ctx?: ForwardContext): tf.Tensor1D {
    return tf.tidy(() => {
      const h = this.model.norm.forward(this.runLayers(hidden, fromLayer, this.config.numHiddenLayers, { attentionMask: batch.attentionMask, ctx }));
      return causalLmPerExampleLoss(this.lm_head.forward(h, ctx), this.labelsOf(batch));
    });
  }

  private labelsOf(batch: ModelBatch): tf.Tensor {
    const labels = batch.labels ?? labelsFromInputs(batch.inputIds, batch.attentionMask);
    if (labels.rank !== 2 || labels.shape[0] !== batch.inputIds.shape[0] || labels.shape[1] !== batch.inputIds.shape[1]) {
      throw new FishTuningError(`causal-LM labels must match inputIds ${JSON.stringify(batch.inputIds.shape)}, got ${JSON.stringify(labels.shape)}`, { option: 'labels' });
    }
    return labels;
  }

  private layerPrefix(i: number, x: tf.Tensor, b: number, l: number, cache: LlamaKvCache | null, ctx?: ForwardContext): KeyValuePrefix | null {
    if (cache?.prefixKeys[i]) return { key: cache.prefixKeys[i]!, value: cache.prefixValues[i]! };
    if (!this.#prefix || l === 0) return null;
    const p = this.#prefix.prefixFor(i, x, ctx);
    if (!p) return null;
    const want = [b, this.config.numKeyValueHeads, l, headDimOf(this.config)];
    for (const [name, tensor] of [['key', p.key], ['value', p.value]] as const) {
      if (tensor.rank !== 4 || tensor.shape.some((d, k) => d !== want[k])) {
        throw new FishTuningError(`prefix ${name} for layer ${i} has shape ${JSON.stringify(tensor.shape)}, expected ${JSON.stringify(want)}`, { option: 'prefix' });
      }
    }
    if (cache) cache.setPrefix(i, p.key, p.value);
    return p;
  }

  logits(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => this.lm_head.forward(this.forwardHidden(batch.inputIds, { attentionMask: batch.attentionMask, ctx }), ctx));
  }

  perExampleLoss(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor1D {
    return tf.tidy(() => causalLmPerExampleLoss(this.logits(batch, ctx), this.labelsOf(batch)));
  }

  /** Logits [b, vocab] of the last position only (what decoding needs), updating `cache`. */
  nextTokenLogits(inputIds: tf.Tensor, cache: LlamaKvCache | null, options: { attentionMask?: tf.Tensor | null } = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const hidden = this.forwardHidden(inputIds, { cache, attentionMask: options.attentionMask });
      const [b, t, d] = hidden.shape;
      const last = tf.reshape(tf.slice(hidden, [0, t - 1, 0], [b, 1, d]), [b, d]);
      return this.lm_head.forward(last) as tf.Tensor2D;
    });
  }

  /** Frees every frozen tensor of the model (PEFT layers' own variables belong to their adapter). */
  dispose(): void {
    const seen = new Set<Module>();
    for (const [, m] of namedModules(this)) {
      if (seen.has(m)) continue;
      seen.add(m);
      if (m instanceof Linear || m instanceof Embedding || m instanceof LlamaRMSNorm) m.dispose();
    }
  }
}
