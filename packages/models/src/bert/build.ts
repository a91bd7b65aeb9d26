/**
 * Assembles the module tree from tensors named as in a transformers checkpoint (without the `bert.`
 * prefix, `classifier.*` at the root). Shared by random initialisation and checkpoint loading.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { Linear } from '@fish-tuning/core';
import type { BertConfig } from './config.js';
import { Embedding, LayerNorm } from './primitives.js';
import { BertEmbeddings } from './embeddings.js';
import { BertAttention, BertResidualOutput, BertSelfAttention } from './attention.js';
import { BertEncoder, BertIntermediate, BertLayer } from './layer.js';
import { BertModel, BertPooler } from './bert-model.js';

/** Every tensor of `BertModel` (checkpoint names without `bert.`) with its shape; dense weights are [out, in]. */
export function bertTensorShapes(c: BertConfig): Map<string, number[]> {
  const d = c.hidden_size;
  const shapes = new Map<string, number[]>([
    ['embeddings.word_embeddings.weight', [c.vocab_size, d]],
    ['embeddings.position_embeddings.weight', [c.max_position_embeddings, d]],
    ['embeddings.token_type_embeddings.weight', [c.type_vocab_size, d]],
    ['embeddings.LayerNorm.weight', [d]],
    ['embeddings.LayerNorm.bias', [d]],
  ]);
  const dense = (name: string, out: number, inp: number) => {
    shapes.set(`${name}.weight`, [out, inp]);
    shapes.set(`${name}.bias`, [out]);
  };
  const norm = (name: string) => {
    shapes.set(`${name}.weight`, [d]);
    shapes.set(`${name}.bias`, [d]);
  };
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `encoder.layer.${i}`;
    for (const m of ['query', 'key', 'value']) dense(`${p}.attention.self.${m}`, d, d);
    dense(`${p}.attention.output.dense`, d, d);
    norm(`${p}.attention.output.LayerNorm`);
    dense(`${p}.intermediate.dense`, c.intermediate_size, d);
    dense(`${p}.output.dense`, d, c.intermediate_size);
    norm(`${p}.output.LayerNorm`);
  }
  dense('pooler.dense', d, d);
  return shapes;
}

/** Builds BertModel; `take(name)` hands over ownership of the tensor named as in bertTensorShapes. */
export function buildBertModel(c: BertConfig, take: (name: string) => tf.Tensor): BertModel {
  const linear = (name: string) => Linear.fromWeight(take(`${name}.weight`) as tf.Tensor2D, take(`${name}.bias`) as tf.Tensor1D);
  const norm = (name: string) => new LayerNorm(take(`${name}.weight`) as tf.Tensor1D, take(`${name}.bias`) as tf.Tensor1D, c.layer_norm_eps);
  const table = (name: string) => new Embedding(take(`${name}.weight`) as tf.Tensor2D);
  const embeddings = new BertEmbeddings(
    table('embeddings.word_embeddings'),
    table('embeddings.position_embeddings'),
    table('embeddings.token_type_embeddings'),
    norm('embeddings.LayerNorm'),
    c.hidden_dropout_prob,
  );
  const layers: BertLayer[] = [];
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `encoder.layer.${i}`;
    const self = new BertSelfAttention(
      linear(`${p}.attention.self.query`),
      linear(`${p}.attention.self.key`),
      linear(`${p}.attention.self.value`),
      c.num_attention_heads,
      c.attention_probs_dropout_prob,
    );
    const attention = new BertAttention(self, new BertResidualOutput(linear(`${p}.attention.output.dense`), norm(`${p}.attention.output.LayerNorm`), c.hidden_dropout_prob));
    const intermediate = new BertIntermediate(linear(`${p}.intermediate.dense`), c.hidden_act);
    const output = new BertResidualOutput(linear(`${p}.output.dense`), norm(`${p}.output.LayerNorm`), c.hidden_dropout_prob);
    layers.push(new BertLayer(attention, intermediate, output));
  }
  return new BertModel(embeddings, new BertEncoder(layers), new BertPooler(linear('pooler.dense')), c);
}
