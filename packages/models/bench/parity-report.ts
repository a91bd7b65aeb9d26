/**
 * Prints the measured parity with transformers per architecture (what the tests bound by 1e-4): max
 * relative error of logits at real positions, per-example losses, and the padded batch against its rows.
 *
 *   pnpm exec vitest run --config packages/models/bench/vitest.bench.config.ts parity-report
 */
import { test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelBatch } from '@fish-tuning/core';
import { loadPretrained } from '../src/index.js';
import { fixtureDir, reference, refTensor, relativeError } from '../test/fixtures.js';

test('parity numbers per architecture', async () => {
  const lines: string[] = [`backend ${tf.getBackend()}`];
  for (const name of ['bert', 'modernbert', 'llama', 'qwen2', 'phi3']) {
    const ref = await reference(name);
    const { model } = await loadPretrained(fixtureDir(name), { tokenizer: false });
    const batch: ModelBatch = { inputIds: refTensor(ref, 'input_ids', 'int32') as tf.Tensor2D, attentionMask: refTensor(ref, 'attention_mask', 'int32') as tf.Tensor2D };
    if (ref.has('labels')) batch.labels = refTensor(ref, 'labels', 'int32');
    if (ref.has('token_type_ids')) batch.tokenTypeIds = refTensor(ref, 'token_type_ids', 'int32') as tf.Tensor2D;
    const logits = (await model.logits(batch).data()) as Float32Array;
    const want = ref.get('logits')!.data as Float32Array;
    let logitErr: number;
    if (model.task === 'causal-lm') {
      const mask = ref.get('attention_mask')!.data;
      const v = want.length / mask.length;
      const pick = (a: Float32Array) => Array.from(mask).flatMap((m, p) => (m ? Array.from(a.slice(p * v, (p + 1) * v)) : []));
      logitErr = relativeError(pick(logits), pick(want));
    } else logitErr = relativeError(logits, want);
    const loss = (await model.perExampleLoss(batch).data()) as Float32Array;
    const lossErr = relativeError(loss, ref.get('per_example_loss')!.data as Float32Array);
    let longErr = '';
    if (ref.has('long.logits')) {
      const ids = refTensor(ref, 'long.input_ids', 'int32') as tf.Tensor2D;
      longErr = `, long-RoPE pass ${relativeError((await model.logits({ inputIds: ids }).data()) as Float32Array, ref.get('long.logits')!.data as Float32Array).toExponential(1)}`;
    }
    lines.push(`${name}: logits ${logitErr.toExponential(1)}, per-example loss ${lossErr.toExponential(1)}${longErr}`);
    model.dispose();
  }
  console.log(lines.join('\n'));
});
