/**
 * `fish-tune merge --model DIR --adapter DIR --out DIR`: folds a saved adapter into the base weights and
 * writes a plain Hugging Face model (config.json + model.safetensors + tokenizer files), which
 * `transformers` loads without PEFT. This is how methods that have no PEFT type are taken to Python
 * when they can be merged at all.
 *
 * Mergeable: LoRA (W + s·BA, PiSSA included: the residual base plus its factors), DoRA
 * (m/‖W + s·BA‖·(W + s·BA)), (IA)^3 (rows or columns of W scaled). A saved head (modules_to_save) is
 * written as the model's classifier. Refused, with the reason: Prefix tuning (virtual key/value tokens
 * are extra inputs to every attention layer, not weights), bottleneck adapters and UniPELT (a new
 * non-linear block and gates: no change of the base weights computes the same function).
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { FishTuningError, getSubmodule, Linear, namedModules, tunerForConfig, type AnyTuner, type PeftAdapter, type PeftTargetModel } from '@fish-tuning/core';
import { readAdapterDir, readJsonFile, SafetensorsFile, type AdapterFiles } from '@fish-tuning/core/node';
import { saveHfBert, saveHfLlama, type BertForSequenceClassification, type LlamaForCausalLM } from '@fish-tuning/models';
import { selectBackend } from '../backend.js';
import { applyAdapterFiles, ensureTuners } from '../adapter-loading.js';
import { loadTargetModel } from '../model-loading.js';
import type { CliIO } from '../io.js';

export interface MergeOptions {
  model: string;
  adapter: string;
  out: string;
}

/** Why a method cannot be merged into the base weights, by peft_type. */
const NOT_MERGEABLE = new Map<string, string>([
  ['PREFIX_TUNING', 'prefix tuning adds virtual key/value tokens to every attention layer; they are extra inputs, not a change of any base weight'],
  ['FISH_ADAPTER', 'a bottleneck adapter adds a new down-projection, non-linearity and up-projection after the sub-layers; no change of the base weights computes the same function'],
  ['FISH_UNIPELT', 'UniPELT combines gated LoRA, prefix and bottleneck-adapter parts; its prefix and adapter parts (and the input-dependent gates) cannot be folded into the base weights'],
]);

const HF_TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt', 'special_tokens_map.json'];

const HOW_TO_USE = "Load it with fish-tuning instead (eval/generate --init-adapter); see the package README for its file format";

/** The classifier size stored in the adapter's saved head (modules_to_save), if any. */
function savedHeadLabels(files: AdapterFiles): number | undefined {
  for (const [name, t] of files.tensors) if (/(^|\.)(classifier|score)\.weight$/.test(name) && t.shape.length === 2) return t.shape[0];
  return undefined;
}

async function baseHasClassifier(modelDir: string): Promise<boolean> {
  const file = path.join(modelDir, 'model.safetensors');
  if (!fs.existsSync(file)) return false;
  const f = await SafetensorsFile.open(file);
  try {
    return f.has('classifier.weight');
  } finally {
    await f.close();
  }
}

function linearAt(model: PeftTargetModel, modulePath: string, files: AdapterFiles): Linear {
  const base = getSubmodule(model, modulePath);
  if (!(base instanceof Linear)) throw new FishTuningError(`module '${modulePath}' is not a plain linear layer; cannot write the merged weight`, { file: files.configFile });
  return base;
}

/**
 * Folds the adapter into its base layers with the method's own merge, copies the merged weights out,
 * puts the original modules back (dispose undoes the merge on the wrappers' layers) and writes the
 * merged weights into them. The result is the plain model with W' in every adapted module.
 */
function mergeIntoBase(model: PeftTargetModel, adapter: PeftAdapter, tuner: AnyTuner, files: AdapterFiles): void {
  tuner.merge!(adapter);
  const merged = adapter.targetedModules.map((modulePath) => {
    const wrapper = getSubmodule(model, modulePath);
    const base = wrapper ? namedModules(wrapper).find(([, m]) => m instanceof Linear)?.[1] : undefined;
    if (!(base instanceof Linear)) throw new FishTuningError(`module '${modulePath}' has no linear base layer to merge into`, { file: files.configFile, option: '--adapter' });
    return [modulePath, tf.clone(base.kernel), base.bias ? tf.clone(base.bias) : null] as const;
  });
  adapter.dispose();
  for (const [modulePath, kernel, bias] of merged) {
    const base = getSubmodule(model, modulePath);
    if (!(base instanceof Linear)) throw new FishTuningError(`module '${modulePath}' is not a plain linear layer; cannot write the merged weight`, { file: files.configFile, option: '--adapter' });
    base.kernel.dispose();
    base.kernel = kernel;
    if (bias) {
      base.bias?.dispose();
      base.bias = bias;
    }
  }
}

export function registerMerge(program: Command, io: CliIO): void {
  program
    .command('merge')
    .description('fold a LoRA, DoRA, PiSSA or (IA)^3 adapter into the base weights and write a plain Hugging Face model')
    .requiredOption('--model <path>', 'the base model the adapter was trained on (llama2.c file/dir or Hugging Face dir)')
    .requiredOption('--adapter <dir>', 'saved adapter (adapter_config.json + adapter_model.safetensors)')
    .requiredOption('--out <dir>', 'output directory for the merged model (must not exist or be empty)')
    .action(async (o: MergeOptions, cmd: Command) => {
      await selectBackend(cmd.optsWithGlobals().backend);
      if (fs.existsSync(o.out) && (!fs.statSync(o.out).isDirectory() || fs.readdirSync(o.out).length > 0)) {
        throw new FishTuningError('exists and is not an empty directory; choose a new directory', { file: o.out, option: '--out' });
      }
      const files = await readAdapterDir(o.adapter);
      const peftType = files.config.peft_type;
      ensureTuners();
      const tuner = tunerForConfig(files.config, files.configFile);
      if (!tuner.merge) {
        const why = NOT_MERGEABLE.get(peftType) ?? 'the method has no merge into base weights';
        throw new FishTuningError(`cannot merge a ${peftType} adapter: ${why}. ${HOW_TO_USE}.`, { file: files.configFile, option: '--adapter' });
      }

      const config = fs.existsSync(path.join(o.model, 'config.json')) ? await readJsonFile<{ model_type?: string }>(path.join(o.model, 'config.json')) : {};
      const isBert = config.model_type === 'bert';
      const numLabels = isBert ? savedHeadLabels(files) : undefined;
      if (isBert && numLabels === undefined && !(await baseHasClassifier(o.model))) {
        throw new FishTuningError('the base model has no classifier and the adapter saves none (modules_to_save): the merged model would have a random head', { file: files.weightsFile, option: '--adapter' });
      }
      const { model, tokenizer } = await loadTargetModel(o.model, { seed: 0, tokenizer: !isBert, ...(numLabels ? { numLabels } : {}) });
      try {
        const adapter = applyAdapterFiles(model, files, '--adapter');
        mergeIntoBase(model, adapter, tuner, files);
        if (isBert) {
          await saveHfBert(model as unknown as BertForSequenceClassification, o.out);
          // The tokenizer is unchanged by a merge: its files are copied as they are.
          for (const name of HF_TOKENIZER_FILES) if (fs.existsSync(path.join(o.model, name))) fs.copyFileSync(path.join(o.model, name), path.join(o.out, name));
        } else await saveHfLlama(model as unknown as LlamaForCausalLM, o.out, { tokenizer });
      } finally {
        model.dispose();
      }
      io.out(`wrote ${o.out}: ${peftType}${files.config.use_dora ? ' (DoRA)' : ''} adapter merged into ${o.model}\n`);
    });
}
