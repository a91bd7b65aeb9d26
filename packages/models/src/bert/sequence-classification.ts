/**
 * `BertForSequenceClassification`: `{ bert, classifier }` as in transformers, implementing core's
 * PeftTargetModel (task 'classification' or 'regression'), with the frozen-prefix activation hooks.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  FishTuningError,
  Module,
  dropout,
  namedModules,
  type ForwardContext,
  type ModelBatch,
  type ModelDims,
  type PeftTargetModel,
  type PrefixSource,
  type TrainableParameter,
} from '@fish-tuning/core';
import type { BertModel } from './bert-model.js';
import type { BertClassifier } from './classifier.js';
import { crossEntropyPerExample, squaredErrorPerExample } from './loss.js';

export class BertForSequenceClassification extends Module implements PeftTargetModel {
  readonly family = 'bert' as const;
  readonly modelType = 'bert';
  readonly task: 'classification' | 'regression';
  readonly dims: ModelDims;
  prefix: PrefixSource | null = null;

  constructor(
    public bert: BertModel,
    public classifier: BertClassifier,
    task: 'classification' | 'regression',
  ) {
    super();
    this.task = task;
    const c = bert.config;
    this.dims = {
      numLayers: c.num_hidden_layers,
      hiddenSize: c.hidden_size,
      numHeads: c.num_attention_heads,
      numKvHeads: c.num_attention_heads,
      headDim: c.hidden_size / c.num_attention_heads,
      intermediateSize: c.intermediate_size,
      vocabSize: c.vocab_size,
    };
    if (task === 'regression' && classifier.outFeatures !== 1) {
      throw new FishTuningError(`regression needs one output, the classifier has ${classifier.outFeatures}`, { option: 'numLabels' });
    }
  }

  get numLabels(): number {
    return this.classifier.outFeatures;
  }

  layerPath(i: number): string {
    return `bert.encoder.layer.${i}`;
  }

  /** Last hidden states [b, t, d] (the prefix, if any, is honoured). */
  encode(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor {
    return this.bert.forward(batch, ctx, this.prefix);
  }

  private head(hidden: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const c = this.bert.config;
      const pooled = dropout(this.bert.pool(hidden, ctx), c.classifier_dropout ?? c.hidden_dropout_prob, ctx);
      const logits = this.classifier.forward(pooled);
      return this.task === 'regression' ? tf.reshape(logits, [logits.shape[0]]) : logits;
    });
  }

  private loss(logits: tf.Tensor, batch: ModelBatch): tf.Tensor1D {
    if (!batch.labels) throw new FishTuningError('perExampleLoss needs batch.labels', { option: 'labels' });
    return this.task === 'regression' ? squaredErrorPerExample(logits, batch.labels) : crossEntropyPerExample(logits, batch.labels);
  }

  /** Classification [b, numLabels]; regression [b]. */
  logits(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => this.head(this.encode(batch, ctx), ctx));
  }

  perExampleLoss(batch: ModelBatch, ctx?: ForwardContext): tf.Tensor1D {
    return tf.tidy(() => this.loss(this.logits(batch, ctx), batch));
  }

  forwardBottom(batch: ModelBatch, upToLayer: number): tf.Tensor {
    return tf.tidy(() => this.bert.runLayers(this.bert.embed(batch, null), batch, 0, upToLayer, null));
  }

  forwardTop(hidden: tf.Tensor, batch: ModelBatch, fromLayer: number, ctx?: ForwardContext): tf.Tensor1D {
    return tf.tidy(() => {
      const top = this.bert.runLayers(hidden, batch, fromLayer, this.dims.numLayers, this.prefix, ctx);
      return this.loss(this.head(top, ctx), batch);
    });
  }

  headParameters(): TrainableParameter[] {
    return this.classifier.parameters('classifier');
  }

  /** Frees every tensor of the model (frozen weights and the head's variables). */
  dispose(): void {
    for (const [path, m] of namedModules(this)) {
      if (path !== '' && typeof (m as { dispose?: unknown }).dispose === 'function') (m as unknown as { dispose(): void }).dispose();
    }
  }
}
