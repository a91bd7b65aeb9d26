/**
 * PEFT interop harness: adapters move both ways between fish-tuning and Python PEFT (pinned in the venv
 * that interop/setup.sh builds), for stories260K (exported as an HF Llama) and MiniLM (HF BERT with a
 * 2-label head), for LoRA, DoRA, (IA)^3, Prefix and PiSSA.
 *
 *  - Python → TS: PEFT makes an adapter (every tensor moved off its init); fish-tuning loads it and
 *    gives the same logits and per-example losses (≤1e-5 relative), and `fish-tune fisher` on it gives
 *    the Fisher of a PyTorch per-sample loop (≤1e-4 relative).
 *  - TS → Python: fish-tuning saves an adapter with base_model_name_or_path; PEFT's AutoPeftModel* loads
 *    it from that path alone and gives our logits and losses (≤1e-5 relative).
 *
 * "Relative" is max|ours − theirs| / max|theirs| over a tensor (per-example losses: each one).
 * Skipped, saying why, when the venv is missing (run `bash interop/setup.sh`) or a model is absent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getTuner, Rng, type PeftAdapter, type PeftTargetModel } from '@fish-tuning/core';
import { readSafetensorsFile, saveAdapter } from '@fish-tuning/core/node';
import { loadLlamaModel, saveHfLlama } from '@fish-tuning/models';
import { hasShared, interpreterHas, modelCachePath, pyrefPython, repoRoot, runPython, sharedPath } from '@fish-tuning/test-utils';
import { ensureTuners, loadAdapterDir } from '../src/adapter-loading.js';
import { loadTargetModel } from '../src/model-loading.js';
import { cli } from './run.js';

type Family = 'llama' | 'bert';
const METHODS = ['lora', 'dora', 'ia3', 'prefix', 'pissa'] as const;
type Method = (typeof METHODS)[number];

const SCRIPT = path.join(repoRoot(), 'interop', 'peft_reference.py');
const python = pyrefPython();
const venvReady = python !== null && interpreterHas(python, 'torch', 'transformers', 'peft');
const MINILM = modelCachePath('all-MiniLM-L6-v2');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'interop-'));

const TARGETS: Record<Family, { lora: string[]; ia3: string[]; ia3Ff: string[] }> = {
  llama: { lora: ['q_proj', 'v_proj'], ia3: ['k_proj', 'v_proj', 'down_proj'], ia3Ff: ['down_proj'] },
  bert: { lora: ['query', 'value'], ia3: ['key', 'value', 'output.dense'], ia3Ff: ['output.dense'] },
};

/** The same configurations interop/peft_reference.py builds with PEFT. */
function tsConfig(family: Family, method: Method): { tuner: string; options: Record<string, unknown> } {
  const t = TARGETS[family];
  const lora = { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: t.lora };
  switch (method) {
    case 'lora':
      return { tuner: 'lora', options: lora };
    case 'dora':
      return { tuner: 'dora', options: lora };
    case 'pissa':
      return { tuner: 'lora', options: { ...lora, init_lora_weights: 'pissa' } };
    case 'ia3':
      return { tuner: 'ia3', options: { target_modules: t.ia3, feedforward_modules: t.ia3Ff } };
    case 'prefix':
      return { tuner: 'prefix', options: { num_virtual_tokens: 4 } };
  }
}

function py<T>(request: unknown): T {
  return runPython<T>(`exec(open(${JSON.stringify(SCRIPT)}).read().replace('if __name__ == "__main__":', 'if False:'))\nprint(json.dumps(run(INPUT)))`, request, 1_800_000, python!);
}

/** Seeded integers in [lo, hi). */
function ints(n: number, lo: number, hi: number, seed: number): number[] {
  let x = seed * 2654435761 + 1;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return lo + (x % (hi - lo));
  });
}

interface Batch {
  input_ids: number[][];
  attention_mask: number[][];
  labels: number[][] | number[];
}

function batchFor(family: Family, vocab: number): Batch {
  if (family === 'llama') {
    const ids = [ints(12, 3, vocab, 1), ints(12, 3, vocab, 2)];
    return { input_ids: ids, attention_mask: ids.map((r) => r.map(() => 1)), labels: ids };
  }
  const ids = [[101, ...ints(8, 1000, 2000, 1), 102], [101, ...ints(8, 1000, 2000, 2), 102]];
  return { input_ids: ids, attention_mask: ids.map((r) => r.map(() => 1)), labels: [0, 1] };
}

/** Fisher rows of different lengths (fish-tuning pads them per chunk; Python runs each alone). */
function fisherRows(family: Family, vocab: number): Array<Record<string, unknown>> {
  return [9, 12, 7, 10].map((len, i) => {
    if (family === 'llama') {
      const ids = ints(len, 3, vocab, 10 + i);
      return { input_ids: ids, labels: ids };
    }
    return { input_ids: [101, ...ints(len - 2, 1000, 2000, 10 + i), 102], label: i % 2 };
  });
}

async function tsOutputs(model: PeftTargetModel, batch: Batch): Promise<{ logits: Float32Array; losses: Float32Array; shape: number[] }> {
  const b = {
    inputIds: tf.tensor2d(batch.input_ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(batch.attention_mask, undefined, 'int32'),
    labels: Array.isArray(batch.labels[0]) ? tf.tensor2d(batch.labels as number[][], undefined, 'int32') : tf.tensor1d(batch.labels as number[], 'int32'),
  };
  try {
    const logits = model.logits(b);
    const losses = model.perExampleLoss(b);
    const out = { logits: (await logits.data()) as Float32Array, losses: (await losses.data()) as Float32Array, shape: [...logits.shape] };
    tf.dispose([logits, losses]);
    return out;
  } finally {
    tf.dispose([b.inputIds, b.attentionMask, b.labels]);
  }
}

function relative(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  expect(ours.length).toBe(theirs.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ours.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
    scale = Math.max(scale, Math.abs(theirs[i]));
  }
  return diff / (scale || 1);
}

/** Moves every trainable tensor (and the head) off its init, as training would. */
function perturb(adapter: PeftAdapter, model: PeftTargetModel, seed: number): void {
  [...adapter.trainableParameters(), ...model.headParameters()].forEach((p, i) => {
    const next = tf.tidy(() => tf.add(p.variable, tf.mul(tf.randomNormal(p.variable.shape, 0, 1, 'float32', seed + i), tf.add(tf.mean(tf.abs(p.variable)), 0.1).mul(0.05))));
    p.variable.assign(next);
    next.dispose();
  });
}

interface Case {
  family: Family;
  modelDir: string;
  numLabels: string[];
}

const measured: string[] = [];

function interopSuite(name: string, ready: () => boolean, makeCase: () => Promise<Case>) {
  describe.skipIf(!ready())(`PEFT interop: ${name}`, () => {
    let c: Case;
    const pyMade = new Map<Method, string>();
    const tsMade = new Map<Method, string>();
    const tsLogits = new Map<string, { logits: Float32Array; losses: Float32Array; shape: number[] }>();
    const tsFisher = new Map<Method, Map<string, Float32Array>>();
    let batch: Batch;
    let rows: Array<Record<string, unknown>>;
    let python: any[];
    let bottleneckDir = '';

    beforeAll(async () => {
      c = await makeCase();
      ensureTuners();
      const vocab = c.family === 'llama' ? 512 : 30522;
      batch = batchFor(c.family, vocab);
      rows = fisherRows(c.family, vocab);
      const dataFile = path.join(tmp, `${name}-rows.jsonl`);
      fs.writeFileSync(dataFile, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      // 1. Python PEFT makes one adapter per method.
      for (const method of METHODS) pyMade.set(method, path.join(tmp, `${name}-py-${method}`));
      py({ ops: METHODS.map((method, i) => ({ op: 'make', model_dir: c.modelDir, family: c.family, method, out: pyMade.get(method), seed: 100 + i })) });
      // 2. fish-tuning: load those, compute logits and Fisher; make its own adapters.
      for (const [i, method] of METHODS.entries()) {
        const { model } = await loadTargetModel(c.modelDir, { seed: 0, ...(c.family === 'bert' ? { numLabels: 2 } : {}) });
        const adapter = await loadAdapterDir(model, pyMade.get(method)!);
        tsLogits.set(`py-${method}`, await tsOutputs(model, batch));
        adapter.dispose();
        model.dispose();

        const out = path.join(tmp, `${name}-fisher-${method}.safetensors`);
        const cliMethod = method === 'pissa' ? 'lora' : method;
        const r = await cli(['fisher', '--model', c.modelDir, '--method', cliMethod, '--init-adapter', pyMade.get(method)!, ...c.numLabels, '--data', dataFile, '--samples', String(rows.length), '--order', 'first', '--out', out]);
        expect(r.code, r.err).toBe(0);
        const { tensors } = await readSafetensorsFile(out);
        tsFisher.set(method, new Map([...tensors].map(([k, t]) => [k, t.data as Float32Array])));

        const fresh = await loadTargetModel(c.modelDir, { seed: 0, ...(c.family === 'bert' ? { numLabels: 2 } : {}) });
        const { tuner, options } = tsConfig(c.family, method);
        const t = getTuner(tuner);
        const made = t.inject(fresh.model, t.config(options, fresh.model), new Rng(200 + i));
        perturb(made, fresh.model, 300 + i);
        const dir = path.join(tmp, `${name}-ts-${method}`);
        await saveAdapter(dir, made, { baseModelNameOrPath: c.modelDir });
        tsMade.set(method, dir);
        tsLogits.set(`ts-${method}`, await tsOutputs(fresh.model, batch));
        made.dispose();
        fresh.model.dispose();
      }
      // The bottleneck adapter has no PEFT type: Python applies it with interop/fish_adapters.py.
      {
        const fresh = await loadTargetModel(c.modelDir, { seed: 0, ...(c.family === 'bert' ? { numLabels: 2 } : {}) });
        const t = getTuner('adapter');
        const made = t.inject(fresh.model, t.config({}, fresh.model), new Rng(400));
        perturb(made, fresh.model, 500);
        const dir = path.join(tmp, `${name}-ts-adapter`);
        await saveAdapter(dir, made, { baseModelNameOrPath: c.modelDir });
        bottleneckDir = dir;
        tsLogits.set('ts-adapter', await tsOutputs(fresh.model, batch));
        made.dispose();
        fresh.model.dispose();
      }
      // 3. Python evaluates both sets (ours through AutoPeftModel* and base_model_name_or_path alone) and runs the Fisher loop.
      python = py({
        ops: [
          ...METHODS.map((m) => ({ op: 'evaluate', family: c.family, model_dir: c.modelDir, adapter_dir: pyMade.get(m), batch, auto: false })),
          ...METHODS.map((m) => ({ op: 'evaluate', family: c.family, adapter_dir: tsMade.get(m), batch, auto: true })),
          ...METHODS.map((m) => ({ op: 'fisher', family: c.family, model_dir: c.modelDir, adapter_dir: pyMade.get(m), rows })),
          { op: 'evaluate', family: c.family, model_dir: c.modelDir, adapter_dir: bottleneckDir, batch, fish_adapter: true, script: SCRIPT },
        ],
      });
    }, 3_600_000);

    for (const [i, method] of METHODS.entries()) {
      it(`${method}: Python-made adapter gives the same logits and losses here (≤1e-5)`, () => {
        const ref = python[i];
        const ours = tsLogits.get(`py-${method}`)!;
        expect(ours.shape).toEqual(ref.shape);
        const rl = relative(ours.logits, ref.logits);
        const losses = ref.losses.map((l: number, k: number) => Math.abs(ours.losses[k] - l) / Math.abs(l));
        measured.push(`${name} ${method} py→ts: logits ${rl.toExponential(2)}, loss ${Math.max(...losses).toExponential(2)}`);
        expect(rl).toBeLessThanOrEqual(1e-5);
        for (const l of losses) expect(l).toBeLessThanOrEqual(1e-5);
      });

      it(`${method}: our adapter loads through AutoPeftModel* from base_model_name_or_path and gives our logits (≤1e-5)`, () => {
        const ref = python[METHODS.length + i];
        expect(ref.base_model_name_or_path).toBe(c.modelDir);
        const ours = tsLogits.get(`ts-${method}`)!;
        expect(ours.shape).toEqual(ref.shape);
        const rl = relative(ours.logits, ref.logits);
        const losses = ref.losses.map((l: number, k: number) => Math.abs(ours.losses[k] - l) / Math.abs(l));
        measured.push(`${name} ${method} ts→py: logits ${rl.toExponential(2)}, loss ${Math.max(...losses).toExponential(2)}`);
        expect(rl).toBeLessThanOrEqual(1e-5);
        for (const l of losses) expect(l).toBeLessThanOrEqual(1e-5);
      });

      it(`${method}: Fisher of the PEFT-made adapter equals a PyTorch per-sample loop (≤1e-4)`, () => {
        const ref = python[2 * METHODS.length + i] as Record<string, { shape: number[]; data: number[] }>;
        const ours = tsFisher.get(method)!;
        expect(ours.size).toBeGreaterThan(0);
        // Python also lists the head (modules_to_save), which is never a FISH candidate here.
        const refNames = Object.keys(ref).filter((k) => !/\.(classifier|score)\./.test(k));
        expect([...ours.keys()].sort()).toEqual(refNames.sort());
        let worst = 0;
        for (const [k, v] of ours) worst = Math.max(worst, relative(v, ref[k].data));
        measured.push(`${name} ${method} fisher: ${worst.toExponential(2)}`);
        expect(worst).toBeLessThanOrEqual(1e-4);
      });
    }

    it('bottleneck adapter (no PEFT type): interop/fish_adapters.py applies our directory in PyTorch and gives our logits (≤1e-5)', () => {
      const ref = python[3 * METHODS.length];
      const ours = tsLogits.get('ts-adapter')!;
      expect(ours.shape).toEqual(ref.shape);
      const rl = relative(ours.logits, ref.logits);
      measured.push(`${name} adapter ts→py (hooks): logits ${rl.toExponential(2)}`);
      expect(rl).toBeLessThanOrEqual(1e-5);
    });

    it('report', () => console.log(`interop (${name}):\n  ${measured.filter((m) => m.startsWith(name)).join('\n  ')}`));
  });
}

if (!venvReady) console.warn('interop: skipped: no reference venv with torch/transformers/peft (run: bash interop/setup.sh)');

interopSuite(
  'stories260K',
  () => venvReady && hasShared('models', 'stories260K'),
  async () => {
    const dir = path.join(tmp, 'stories260K-hf');
    const { model, tokenizer } = await loadLlamaModel(sharedPath('models', 'stories260K'));
    await saveHfLlama(model, dir, { tokenizer: tokenizer ?? null });
    model.dispose();
    return { family: 'llama', modelDir: dir, numLabels: [] };
  },
);

interopSuite(
  'MiniLM',
  () => venvReady && fs.existsSync(path.join(MINILM, 'config.json')),
  async () => ({ family: 'bert', modelDir: MINILM, numLabels: ['--num-labels', '2'] }),
);
