/**
 * `fish-tune fisher`: per-sample Fisher information of a PEFT method's parameters on N training
 * samples, written as safetensors (one F32 tensor per PEFT tensor name, metadata N/estimator/seed).
 *
 * The model is a llama2.c checkpoint or a Hugging Face directory (Llama, or BERT with a
 * sequence-classification head). The method is freshly injected from the tuner registry (seeded by
 * --seed), or loaded from --init-adapter. Data: JSONL rows `{input_ids, labels?|label?,
 * attention_mask?, token_type_ids?}`; for a causal LM labels default to input_ids.
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { FishTuningError, IGNORE_INDEX, Rng, getTuner, type Example, type PeftAdapter, type PeftTargetModel } from '@fish-tuning/core';
import { readAdapterDir } from '@fish-tuning/core/node';
import { computeFisher, exampleData, FISHER_ESTIMATORS, type FisherEstimator, type SampleOrder } from '@fish-tuning/fisher';
import { saveFisher } from '@fish-tuning/fisher/node';
import { selectBackend } from '../backend.js';
import { applyAdapterFiles, ensureTuners } from '../adapter-loading.js';
import { oneOf, positiveInt } from '../flags.js';
import { aboutFlag, hiddenAlias, resolveAliases } from '../aliases.js';
import { METHODS, methodOptions, type MethodFlags } from '../method-options.js';
import { loadModelWithTokenizer, loadTargetModel } from '../model-loading.js';
import { taskExamples } from './train-task.js';
import type { CliIO } from '../io.js';
import { validateRows } from '../data-validation.js';

export interface FisherCliOptions extends MethodFlags {
  model: string;
  method: string;
  numLabels?: string;
  initAdapter?: string;
  data?: string;
  task?: string;
  dataDir?: string;
  fisherSamples?: string;
  estimator: string;
  seed: string;
  order: string;
  chunkSize?: string;
  perSample: string;
  out: string;
}

function intArray(value: unknown, file: string, line: number, key: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) throw new FishTuningError(`line ${line}: '${key}' must be an array of integers`, { file, option: key });
  return value as number[];
}

/**
 * Reads pre-tokenized JSONL rows for `model` (errors name the file, line and field); every value is
 * checked against the model (vocabulary, labels, masks) before it can reach it.
 */
export function readFisherRows(file: string, model: PeftTargetModel): Example[] {
  const task = model.task;
  const lines: number[] = [];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new FishTuningError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file, option: '--data' });
  }
  const rows: Example[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      throw new FishTuningError(`line ${i + 1}: invalid JSON (${(e as Error).message})`, { file });
    }
    const inputIds = intArray(obj.input_ids, file, i + 1, 'input_ids');
    if (inputIds.length === 0) throw new FishTuningError(`line ${i + 1}: empty input_ids`, { file, option: 'input_ids' });
    const attentionMask = obj.attention_mask == null ? undefined : intArray(obj.attention_mask, file, i + 1, 'attention_mask');
    const tokenTypeIds = obj.token_type_ids == null ? undefined : intArray(obj.token_type_ids, file, i + 1, 'token_type_ids');
    for (const [k, v] of [['attention_mask', attentionMask], ['token_type_ids', tokenTypeIds]] as const) {
      if (v && v.length !== inputIds.length) throw new FishTuningError(`line ${i + 1}: '${k}' has ${v.length} entries, input_ids ${inputIds.length}`, { file, option: k });
    }
    const rawLabel = obj.labels ?? obj.label;
    let labels: number[] | number;
    if (task === 'causal-lm') {
      labels = rawLabel == null ? inputIds.map((id, j) => (attentionMask && !attentionMask[j] ? IGNORE_INDEX : id)) : intArray(rawLabel, file, i + 1, 'labels');
      if ((labels as number[]).length !== inputIds.length) throw new FishTuningError(`line ${i + 1}: 'labels' has ${(labels as number[]).length} entries, input_ids ${inputIds.length}`, { file, option: 'labels' });
    } else {
      if (typeof rawLabel !== 'number' || !Number.isFinite(rawLabel)) throw new FishTuningError(`line ${i + 1}: 'labels' (or 'label') must be a number for a ${task} model`, { file, option: 'labels' });
      labels = rawLabel;
    }
    rows.push({ inputIds, labels, ...(attentionMask ? { attentionMask } : {}), ...(tokenTypeIds ? { tokenTypeIds } : {}) });
    lines.push(i + 1);
  });
  if (rows.length === 0) throw new FishTuningError('no rows', { file, option: '--data' });
  validateRows(rows, model, file, lines);
  return rows;
}

export function registerFisher(program: Command, io: CliIO): void {
  const cmd = program
    .command('fisher')
    .description('per-sample Fisher information of a PEFT method’s parameters (safetensors, keyed by PEFT names)')
    .requiredOption('--model <path>', 'llama2.c checkpoint (file or dir) or Hugging Face dir (Llama, BERT)')
    .requiredOption('--method <name>', 'PEFT method: lora | dora | ia3 | prefix | adapter | unipelt')
    .option('--rank <r>', 'LoRA/DoRA rank r')
    .option('--alpha <a>', 'LoRA/DoRA lora_alpha')
    .option('--init <how>', 'LoRA/DoRA init: default (Kaiming A, zero B) | gaussian | pissa (the paper)')
    .option('--targets <list>', 'target modules, comma separated (e.g. q_proj,v_proj)')
    .option('--layers <spec>', "layers to adapt: 'all', 'top:n' or '0,3,5'")
    .option('--virtual-tokens <n>', 'prefix length (prefix, unipelt)')
    .option('--num-labels <n>', 'classifier size of a BERT model without one in config.json')
    .option('--init-adapter <dir>', 'start from a saved PEFT adapter (adapter_config.json + adapter_model.safetensors)')
    .option('--data <file>', 'JSONL rows: input_ids, labels|label, attention_mask?, token_type_ids?')
    .option('--task <name>', "instead of --data: glue/<name> | gsm8k text, tokenized with the model's tokenizer (train split)")
    .option('--data-dir <dir>', 'with --task: local dataset directory (default: $FISH_TUNING_DATA or ../shared/data)')
    .option('--fisher-samples <n>', 'N samples (default 128 classification, 256 generation)')
    .option('--estimator <name>', `Fisher estimator: ${FISHER_ESTIMATORS.join(' | ')}`, 'empirical')
    .option('--seed <s>', 'seed of the sample draw (and of a fresh adapter)', '0')
    .option('--order <order>', 'random (seeded draw) | first (file order)', 'random')
    .option('--chunk-size <n>', 'samples per batched backward pass (default: automatic)')
    .option('--per-sample <how>', 'vectorised | loop | auto (vectorised, loop if a layer rejects per-sample shapes)', 'auto')
    .requiredOption('--out <file>', 'output .safetensors file');
  hiddenAlias(cmd, '--samples <n>', '--fisher-samples');
  hiddenAlias(cmd, '--fisher <estimator>', '--estimator');
  cmd.action(async (o: FisherCliOptions, command: Command) => {
      resolveAliases(command, io);
      try {
        await fisherAction(o, command, io);
      } catch (e) {
        // The library calls the estimator 'fisher' and the per-sample strategy 'method'.
        throw e instanceof FishTuningError ? aboutFlag(e, { fisher: '--estimator', estimator: '--estimator', method: '--per-sample' }) : e;
      }
  });
}

async function fisherAction(o: FisherCliOptions, command: Command, io: CliIO): Promise<void> {
      await selectBackend(command.optsWithGlobals().backend);
      const seed = Number(o.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new FishTuningError(`expected a non-negative integer, got '${o.seed}'`, { option: '--seed' });
      if (!(FISHER_ESTIMATORS as readonly string[]).includes(o.estimator)) throw new FishTuningError(`unknown estimator '${o.estimator}'; accepted: ${FISHER_ESTIMATORS.join(', ')}`, { option: '--estimator' });
      if (o.order !== 'random' && o.order !== 'first') throw new FishTuningError(`unknown order '${o.order}'; accepted: random, first`, { option: '--order' });
      if (!['vectorised', 'loop', 'auto'].includes(o.perSample)) throw new FishTuningError(`unknown '${o.perSample}'; accepted: vectorised, loop, auto`, { option: '--per-sample' });
      const samples = o.fisherSamples === undefined ? undefined : positiveInt(o.fisherSamples, '--fisher-samples');
      const chunkSize = o.chunkSize === undefined ? undefined : positiveInt(o.chunkSize, '--chunk-size');
      oneOf(o.method, METHODS, '--method');
      ensureTuners();
      const tuner = getTuner(o.method);
      if (!o.data === !o.task) throw new FishTuningError('give exactly one of --data FILE.jsonl or --task glue/<name>|gsm8k', { option: '--data' });
      const numLabels = o.numLabels ? { numLabels: positiveInt(o.numLabels, '--num-labels') } : {};
      const { model, tokenizer } = o.task ? await loadModelWithTokenizer(o.model, { seed, ...numLabels }) : await loadTargetModel(o.model, { seed, ...numLabels });
      let adapter: PeftAdapter | null = null;
      try {
        const rows: Example[] = o.task
          ? // In file order only the first N rows are needed: tokenizing a whole split is the slow part.
            ((await taskExamples(o.task, model, tokenizer!, { ...(o.dataDir ? { dataDir: o.dataDir } : {}), ...(o.order === 'first' && samples ? { limit: samples } : {}) })).train)
          : readFisherRows(o.data!, model);
        if (samples !== undefined && samples > rows.length) {
          throw new FishTuningError(`asked for ${samples} samples but '${o.data ?? o.task}' has only ${rows.length} rows`, { option: '--fisher-samples' });
        }
        if (o.initAdapter) {
          const files = await readAdapterDir(o.initAdapter);
          adapter = applyAdapterFiles(model, files);
          const expected = o.method === 'dora' ? 'LORA' : tuner.peftType;
          if (files.config.peft_type !== expected || (o.method === 'dora') !== Boolean(files.config.use_dora)) {
            throw new FishTuningError(`the adapter is ${files.config.peft_type}${files.config.use_dora ? ' (DoRA)' : ''} but --method is '${o.method}'`, { file: files.configFile, option: '--method' });
          }
        } else {
          adapter = tuner.inject(model, tuner.config(methodOptions(o.method, o), model), new Rng(seed));
        }
        const params = adapter.trainableParameters();
        const data = exampleData(rows, { task: model.task });
        let last = 0;
        const result = await computeFisher(model, params, data, {
          ...(samples !== undefined ? { samples } : {}),
          ...(chunkSize !== undefined ? { chunkSize } : {}),
          estimator: o.estimator as FisherEstimator,
          seed,
          order: o.order as SampleOrder,
          method: o.perSample as 'vectorised' | 'loop' | 'auto',
          onProgress: ({ done, total }) => {
            if (done === total || done - last >= Math.max(1, Math.floor(total / 10))) {
              last = done;
              io.err(`fisher: ${done}/${total} samples\n`);
            }
          },
        });
        try {
          await saveFisher(o.out, result, { peft_method: o.method, model: o.model, data: o.data ?? o.task!, ...(o.initAdapter ? { init_adapter: o.initAdapter } : {}) });
          const entries = params.reduce((n, p) => n + p.variable.size, 0);
          io.out(`wrote ${o.out}: ${params.length} tensors, ${entries} entries, N=${result.samples}, ${result.estimator} Fisher (${result.method})\n`);
        } finally {
          result.dispose();
        }
      } finally {
        adapter?.dispose();
        model.dispose();
      }
}
