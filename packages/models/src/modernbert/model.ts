/**
 * `ModernBertForSequenceClassification` with transformers' paths — `{ model: { embeddings, layers[i],
 * final_norm }, head, classifier }` — implementing core's PeftTargetModel (task 'classification' or
 * 'regression'). Padding is handled by additive attention masks (no unpadding); every
 * `global_attn_every_n_layers`-th layer attends globally with `global_rope_theta`, the others within
 * ±local_attention/2 with `local_rope_theta`; pooling is `classifier_pooling` cls or masked mean.
 * An attention prefix (Prefix-tuning, UniPELT) puts unrotated keys/values before the sequence, always
 * visible, and real tokens' positions start at its length (as for the decoders).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  FishTuningError,
  Linear,
  Module,
  dropout,
  namedModules,
  type ForwardContext,
  type KeyValuePrefix,
  type ModelBatch,
  type ModelDims,
  type PeftTargetModel,
  type PrefixSource,
  type TrainableParameter,
} from '@fish-tuning/core';
import { Embedding, LayerNorm } from '../bert/primitives.js';
import { BertClassifier } from '../bert/classifier.js';
import { crossEntropyPerExample, squaredErrorPerExample } from '../bert/loss.js';
import { inverseFrequencies, ropeTables } from '../llama/rope.js';
import { MASKED } from '../llama/mask.js';
import { isLocalLayer, type ModernBertConfig } from './config.js';
import type { ModernBertEmbeddings, ModernBertEncoderLayer, ModernBertPredictionHead } from './layers.js';

export class ModernBertModel extends Module {
  constructor(
    public embeddings: ModernBertEmbeddings,
    public layers: ModernBertEncoderLayer[],
    public final_norm: LayerNorm,
  ) {
    super();
  }
}

export class ModernBertForSequenceClassification extends Module implements PeftTargetModel {
  readonly modelType = 'modernbert';
  readonly task: 'classification' | 'regression';
  readonly dims: ModelDims;
  prefix: PrefixSource | null = null;
  readonly #globalFreq: Float32Array;
  readonly #localFreq: Float32Array;

  constructor(
    readonly config: ModernBertConfig,
    public model: ModernBertModel,
    public head: ModernBertPredictionHead,
    public classifier: BertClassifier,
    task: 'classification' | 'regression',
  ) {
    super();
    this.task = task;
    const c = config;
    const hd = c.hidden_size / c.num_attention_heads;
    this.dims = {
      numLayers: c.num_hidden_layers,
      hiddenSize: c.hidden_size,
      numHeads: c.num_attention_heads,
      numKvHeads: c.num_attention_heads,
      headDim: hd,
      intermediateSize: c.intermediate_size,
      vocabSize: c.vocab_size,
    };
    this.#globalFreq = inverseFrequencies(hd, c.global_rope_theta);
    this.#localFreq = inverseFrequencies(hd, c.local_rope_theta);
    if (task === 'regression' && classifier.outFeatures !== 1) {
      throw new FishTuningError(`regression needs one output, the classifier has ${classifier.outFeatures}`, { option: 'numLabels' });
    }
  }

  get numLabels(): number {
    return this.classifier.outFeatures;
  }

  layerPath(i: number): string {
    return `model.layers.${i}`;
  }

  headParameters(): TrainableParameter[] {
    return this.classifier.parameters('classifier');
  }

  private checkInputs(batch: ModelBatch, prefixLength: number): void {
    const ids = batch.inputIds;
    if (ids.rank !== 2) throw new FishTuningError(`inputIds must be [batch, time], got shape ${JSON.stringify(ids.shape)}`, { option: 'inputIds' });
    const [b, t] = ids.shape;
    if (batch.attentionMask && (batch.attentionMask.shape[0] !== b || batch.attentionMask.shape[1] !== t)) {
      throw new FishTuningError(`attentionMask shape ${JSON.stringify(batch.attentionMask.shape)} does not match inputIds ${JSON.stringify(ids.shape)}`, { option: 'attentionMask' });
    }
    if (batch.tokenTypeIds) throw new FishTuningError('ModernBERT has no token types; drop token_type_ids', { option: 'tokenTypeIds' });
    const max = this.config.max_position_embeddings;
    if (prefixLength + t > max) {
      throw new FishTuningError(`a sequence of ${prefixLength + t} positions (${prefixLength ? `prefix ${prefixLength} + ` : ''}${t} tokens) exceeds max_position_embeddings ${max}`, {
        option: 'max_position_embeddings',
      });
    }
  }

  /** [b, 1, t, l + t] additive masks: padding keys hidden; `window` ≥ 0 also hides real keys farther than it. */
  private maskFor(batch: ModelBatch, l: number, window: number | null): tf.Tensor {
    return tf.tidy(() => {
      const [b, t] = batch.inputIds.shape;
      const keys = batch.attentionMask ? tf.cast(batch.attentionMask, 'float32') : tf.ones([b, t]);
      let visible: tf.Tensor = tf.reshape(keys, [b, 1, 1, t]);
      if (window !== null) {
        const near = new Float32Array(t * t);
        for (let i = 0; i < t; i++) for (let j = Math.max(0, i - window); j <= Math.min(t - 1, i + window); j++) near[i * t + j] = 1;
        visible = tf.mul(visible, tf.tensor4d(near, [1, 1, t, t]));
      } else visible = tf.tile(visible, [1, 1, t, 1]);
      let additive = tf.mul(tf.sub(1, visible), MASKED);
      if (l > 0) additive = tf.concat([tf.zeros([b, 1, t, l]), additive], 3);
      return additive;
    });
  }

  /** Runs layers [from, to) on hidden states [b, t, d]. */
  runLayers(hidden: tf.Tensor, batch: ModelBatch, from: number, to: number, prefix: PrefixSource | null, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const l = prefix?.length ?? 0;
      this.checkInputs(batch, l);
      const t = batch.inputIds.shape[1];
      const global = ropeTables(l, t, this.#globalFreq);
      const local = ropeTables(l, t, this.#localFreq);
      const halfWindow = Math.floor(this.config.local_attention / 2);
      const masks = new Map<string, tf.Tensor>();
      const maskOf = (withPrefix: boolean, isLocal: boolean) => {
        const key = `${withPrefix}-${isLocal}`;
        if (!masks.has(key)) masks.set(key, this.maskFor(batch, withPrefix ? l : 0, isLocal ? halfWindow : null));
        return masks.get(key)!;
      };
      let h = hidden;
      for (let i = from; i < to; i++) {
        const isLocal = isLocalLayer(this.config, i);
        const kv = prefix ? this.layerPrefix(prefix, i, h, ctx) : null;
        const { cos, sin } = isLocal ? local : global;
        h = this.model.layers[i].forward(h, { cos, sin, mask: maskOf(kv !== null, isLocal), prefix: kv, ctx });
      }
      return h;
    });
  }

  private layerPrefix(prefix: PrefixSource, i: number, h: tf.Tensor, ctx?: ForwardContext): KeyValuePrefix | null {
    const p = prefix.prefixFor(i, h, ctx);
    if (!p) return null;
    const want = [h.shape[0], this.dims.numHeads, prefix.length, this.dims.headDim];
    for (const [name, tensor] of [['key', p.key], ['value', p.value]] as const) {
      if (tensor.rank !== 4 || tensor.shape.some((d, k) => d !== want[k])) {
        throw new FishTuningError(`prefix ${name} for layer ${i} has shape ${JSON.stringify(tensor.shape)}, expected ${JSON.stringify(want)}`, { option: 'prefix' });
      }
    }
    return p;
  }

  /** Last hidden states after final_norm [b, t, d]. */
  encode(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      this.checkInputs(batch, this.prefix?.length ?? 0);
      const h = this.runLayers(this.model.embeddings.forward(batch.inputIds), batch, 0, this.dims.numLayers, this.prefix, ctx);
      return this.model.final_norm.forward(h);
    });
  }

  /** Pooling (cls or masked mean), head, dropout and classifier on final-norm hidden states. */
  private headFrom(hidden: tf.Tensor, batch: ModelBatch, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const [b, t, d] = hidden.shape;
      let pooled: tf.Tensor;
      if (this.config.classifier_pooling === 'cls') pooled = tf.reshape(tf.slice(hidden, [0, 0, 0], [b, 1, d]), [b, d]);
      else {
        const mask = batch.attentionMask ? tf.cast(batch.attentionMask, 'float32') : tf.ones([b, t]);
        pooled = tf.div(tf.sum(tf.mul(hidden, tf.reshape(mask, [b, t, 1])), 1), tf.reshape(tf.sum(mask, 1), [b, 1]));
      }
      const logits = this.classifier.forward(dropout(this.head.forward(pooled, ctx), this.config.classifier_dropout, ctx));
      return this.task === 'regression' ? tf.reshape(logits, [b]) : logits;
    });
  }

  private loss(logits: tf.Tensor, batch: ModelBatch): tf.Tensor1D {
    if (!batch.labels) throw new FishTuningError('perExampleLoss needs batch.labels', { option: 'labels' });
    return this.task === 'regression' ? squaredErrorPerExample(logits, batch.labels) : crossEntropyPerExample(logits, batch.labels);
  }

  /** Classification [b, numLabels]; regression [b]. */
  logits(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => this.headFrom(this.encode(batch, ctx), batch, ctx));
  }

  perExampleLoss(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor1D {
    return tf.tidy(() => this.loss(this.logits(batch, ctx), batch));
  }

  forwardBottom(batch: ModelBatch, upToLayer: number): tf.Tensor {
    return tf.tidy(() => {
      this.checkInputs(batch, 0);
      return this.runLayers(this.model.embeddings.forward(batch.inputIds), batch, 0, upToLayer, null);
    });
  }

  forwardTop(hidden: tf.Tensor, batch: ModelBatch, fromLayer: number, ctx?: ForwardContext): tf.Tensor1D {
    return tf.tidy(() => {
      const top = this.model.final_norm.forward(this.runLayers(hidden, batch, fromLayer, this.dims.numLayers, this.prefix, ctx));
      return this.loss(this.headFrom(top, batch, ctx), batch);
    });
  }

  /** Frees every frozen tensor and the classifier (PEFT layers' own variables belong to their adapter). */
  dispose(): void {
    const seen = new Set<Module>();
    for (const [, m] of namedModules(this)) {
      if (seen.has(m)) continue;
      seen.add(m);
      if (m instanceof Linear || m instanceof Embedding || m instanceof LayerNorm || m instanceof BertClassifier) m.dispose();
    }
  }
}
