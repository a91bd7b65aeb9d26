/**
 * Checks every PEFT method must pass, run for all six methods by packages/conformance (one table) and by
 * the method packages' own tests:
 * per-sample views equal the shared forward (and give each sample's own gradient), masked SGD
 * touches only selected entries, and save → load is bit-identical.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { expect } from 'vitest';
import { withParamOverrides, type ModelBatch, type PeftAdapter, type PeftTargetModel } from '@fish-tuning/core';
import { saveAdapter, readAdapterDir } from '@fish-tuning/core/node';
import { expectAllClose } from '@fish-tuning/test-utils';

/** Logits with every trainable variable replaced by a per-sample copy [b, ...] equal the shared logits; grads split per sample. */
export async function checkPerSample(model: PeftTargetModel, adapter: PeftAdapter, batch: ModelBatch, tol = 1e-5): Promise<void> {
  const b = batch.inputIds.shape[0];
  const params = adapter.trainableParameters();
  const shared = model.logits(batch);
  const copies = params.map((p) => tf.tile(tf.expandDims(p.variable, 0), [b, ...p.variable.shape.map(() => 1)]));
  const table = new Map(params.map((p, i) => [p.variable, copies[i]]));
  const viewed = withParamOverrides(table, () => model.logits(batch));
  expectAllClose(await viewed.data(), await shared.data(), tol, tol, 'per-sample logits');
  // d(Σ_i L_i)/d(copy_i) must equal dL_i/dθ computed on sample i alone.
  const perSample = withParamOverrides(table, () => tf.grads((...xs: tf.Tensor[]) => withParamOverrides(new Map(params.map((p, i) => [p.variable, xs[i]])), () => tf.sum(model.perExampleLoss(batch))))(copies));
  const i = b - 1;
  const single: ModelBatch = { inputIds: tf.slice(batch.inputIds, [i, 0], [1, -1]) as tf.Tensor2D };
  if (batch.attentionMask) single.attentionMask = tf.slice(batch.attentionMask, [i, 0], [1, -1]) as tf.Tensor2D;
  if (batch.labels) single.labels = tf.slice(batch.labels, [i], [1]);
  const { grads } = tf.variableGrads(() => tf.sum(model.perExampleLoss(single)) as tf.Scalar, params.map((p) => p.variable));
  for (let k = 0; k < params.length; k++) {
    const g = grads[params[k].variable.name];
    const mine = tf.squeeze(tf.slice(perSample[k], [i], [1]), [0]);
    expectAllClose(await mine.data(), await g.data(), 1e-4, 1e-6, `per-sample grad of ${params[k].name}`);
  }
  tf.dispose([shared, viewed, ...copies, ...perSample, ...Object.values(grads), single.inputIds]);
}

/** A few SGD steps with gradients multiplied by a random 0/1 mask: only selected entries move. */
export async function checkMaskedTraining(model: PeftTargetModel, adapter: PeftAdapter, batch: ModelBatch, steps = 3, lr = 0.5, seed = 5): Promise<void> {
  const params = adapter.trainableParameters().filter((p) => p.fishCandidate);
  const masks = params.map((p, i) => tf.cast(tf.greater(tf.randomUniform(p.variable.shape, 0, 1, 'float32', seed + i), 0.5), 'float32'));
  const before = await Promise.all(params.map((p) => p.variable.data()));
  for (let s = 0; s < steps; s++) {
    const { grads } = tf.variableGrads(() => tf.mean(model.perExampleLoss(batch)) as tf.Scalar, params.map((p) => p.variable));
    params.forEach((p, i) => {
      const next = tf.tidy(() => tf.sub(p.variable, tf.mul(tf.mul(grads[p.variable.name], masks[i]), lr)));
      p.variable.assign(next);
      next.dispose();
    });
    tf.dispose(Object.values(grads));
  }
  let moved = 0;
  for (let i = 0; i < params.length; i++) {
    const after = await params[i].variable.data();
    const m = await masks[i].data();
    for (let j = 0; j < after.length; j++) {
      if (m[j] === 0) expect(after[j], `${params[i].name}[${j}] is masked out but changed`).toBe(before[i][j]);
      else if (after[j] !== before[i][j]) moved++;
    }
  }
  expect(moved, 'no selected entry moved').toBeGreaterThan(0);
  tf.dispose(masks);
}

/** Saves, reloads into `fresh` with `load`, and checks the tensors are bit-identical and the logits equal. */
export async function checkSaveLoad<A extends PeftAdapter>(adapter: A, batch: ModelBatch, fresh: PeftTargetModel, load: (model: PeftTargetModel, dir: string) => Promise<PeftAdapter>): Promise<{ dir: string; reloaded: PeftAdapter }> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fish-peft-'));
  // A trained head differs from the fresh model's: the reloaded logits then match only if the head was saved.
  for (const p of adapter.model.headParameters()) {
    const next = tf.tidy(() => tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.5, 'float32', 17)));
    p.variable.assign(next);
    next.dispose();
  }
  await saveAdapter(dir, adapter);
  const reloaded = await load(fresh, dir);
  const a = adapter.stateDict();
  const b = reloaded.stateDict();
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [name, t] of a) {
    expect(Buffer.from((await b.get(name)!.data() as Float32Array).buffer).equals(Buffer.from((await t.data() as Float32Array).buffer)), `${name} bit-identical`).toBe(true);
  }
  const files = await readAdapterDir(dir);
  expect(files.config).toEqual(JSON.parse(JSON.stringify(adapter.config)));
  const l1 = adapter.model.logits(batch);
  const l2 = fresh.logits(batch);
  expect(Buffer.from((await l2.data() as Float32Array).buffer).equals(Buffer.from((await l1.data() as Float32Array).buffer)), 'reloaded logits bit-identical').toBe(true);
  tf.dispose([l1, l2]);
  return { dir, reloaded };
}

/** Sets every trainable variable to random values (so that tests do not run at the identity init). */
export function randomise(adapter: PeftAdapter, seed = 3, scale = 0.5, offset = 0): void {
  adapter.trainableParameters().forEach((p, i) => {
    const v = tf.tidy(() => tf.add(tf.randomNormal(p.variable.shape, 0, scale, 'float32', seed + i), offset));
    p.variable.assign(v);
    v.dispose();
  });
}
