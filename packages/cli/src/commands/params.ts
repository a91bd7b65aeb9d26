/**
 * `fish-tune params`: trainable-parameter counts and ratio of a LoRA/DoRA setup, computed from a model's
 * configuration alone (nothing allocated), so that BERT-base-sized ratios can be checked anywhere.
 * Convention: PEFT's print_trainable_parameters (trainable = adapter + task head; total = base + head +
 * adapter), which reproduces the FISH-Tuning paper's BERT ratios (packages/lora/README.md).
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { FishTuningError } from '@fish-tuning/core';
import { BERT_DEFAULTS, bertConfig, bertTensorShapes, fromHfConfigJson, hfWeightShapes, parseLlama2c } from '@fish-tuning/models';
import { countLoraParameters, loraConfig } from '@fish-tuning/lora';
import type { CliIO } from '../io.js';
import { hiddenAlias, resolveAliases } from '../aliases.js';
import { int } from '../flags.js';

/** Named configurations (transformers' config.json values). */
export const MODEL_PRESETS: Record<string, Record<string, unknown>> = {
  'bert-base-cased': { ...BERT_DEFAULTS, model_type: 'bert', vocab_size: 28996 },
  'bert-base-uncased': { ...BERT_DEFAULTS, model_type: 'bert' },
  'bert-large-cased': { ...BERT_DEFAULTS, model_type: 'bert', vocab_size: 28996, hidden_size: 1024, num_hidden_layers: 24, num_attention_heads: 16, intermediate_size: 4096 },
};

interface ModelShapes {
  family: 'bert' | 'llama';
  numLayers: number;
  base: Map<string, number[]>;
  head: Map<string, number[]>;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FishTuningError(`cannot read JSON (${(e as Error).message})`, { file });
  }
}

/** Shapes from a preset name, a config.json (or a directory holding one), or a llama2.c checkpoint. */
export function modelShapes(source: string, numLabels: number): ModelShapes {
  let json: Record<string, unknown> | null = MODEL_PRESETS[source] ?? null;
  let file = source;
  if (!json) {
    if (!fs.existsSync(source)) throw new FishTuningError(`not a preset (${Object.keys(MODEL_PRESETS).join(', ')}) nor an existing path`, { option: '--model' });
    if (fs.statSync(source).isDirectory() && fs.existsSync(path.join(source, 'config.json'))) file = path.join(source, 'config.json');
    if (file.endsWith('.json')) json = readJson(file);
  }
  if (json && json.model_type === 'bert') {
    const c = bertConfig({ ...json, num_labels: numLabels }, file);
    const base = new Map([...bertTensorShapes(c)].map(([k, v]) => [`bert.${k}`, v]));
    const head = new Map([['classifier.weight', [numLabels, c.hidden_size]], ['classifier.bias', [numLabels]]]);
    return { family: 'bert', numLayers: c.num_hidden_layers, base, head };
  }
  let llama;
  if (json) llama = fromHfConfigJson(json, file);
  else {
    let model = source;
    if (fs.statSync(source).isDirectory()) {
      const bins = fs.readdirSync(source).filter((n) => n.endsWith('.bin') && !/^tok/i.test(n));
      if (bins.length !== 1) throw new FishTuningError(`expected one llama2.c checkpoint, found ${JSON.stringify(bins)}`, { file: source });
      model = path.join(source, bins[0]);
    }
    llama = parseLlama2c(new Uint8Array(fs.readFileSync(model)), model).config;
  }
  return { family: 'llama', numLayers: llama.numHiddenLayers, base: hfWeightShapes(llama), head: new Map() };
}

interface ParamsOptions {
  model: string;
  method: string;
  rank: string;
  targets?: string;
  layers?: string;
  numLabels: string;
  json?: boolean;
}

export function registerParams(program: Command, io: CliIO): void {
  const cmd = program
    .command('params')
    .description('count trainable parameters of a LoRA/DoRA setup from a model configuration (no weights loaded)')
    .requiredOption('--model <name|path>', `preset (${Object.keys(MODEL_PRESETS).join(', ')}), config.json, HF directory or llama2.c checkpoint`)
    .option('--method <name>', 'lora | dora', 'lora')
    .option('--rank <r>', 'LoRA/DoRA rank r', '8')
    .option('--targets <list>', 'target modules, comma separated (default: PEFT’s per family)')
    .option('--layers <spec>', "'all', 'top:N' or a comma list of layer indices", 'all')
    .option('--num-labels <n>', 'classifier outputs (BERT)', '2')
    .option('--json', 'print one JSON object');
  hiddenAlias(cmd, '--r <n>', '--rank');
  hiddenAlias(cmd, '--target-modules <list>', '--targets');
  cmd.action(async (options: ParamsOptions, command: Command) => {
      resolveAliases(command, io);
      if (options.method !== 'lora' && options.method !== 'dora') throw new FishTuningError(`expected lora or dora, got '${options.method}'`, { option: '--method' });
      const numLabels = Number(options.numLabels);
      if (!Number.isInteger(numLabels) || numLabels < 1) throw new FishTuningError(`expected a positive integer, got '${options.numLabels}'`, { option: '--num-labels' });
      const shapes = modelShapes(options.model, numLabels);
      const dims = { numLayers: shapes.numLayers, hiddenSize: 0, numHeads: 0, numKvHeads: 0, headDim: 0, intermediateSize: 0, vocabSize: 0 };
      const config = loraConfig(
        { r: int(options.rank, '--rank'), target_modules: options.targets?.split(',').map((s) => s.trim()), layers: options.layers, use_dora: options.method === 'dora' },
        { family: shapes.family, task: shapes.family === 'bert' ? 'classification' : 'causal-lm', dims },
      );
      const report = countLoraParameters(shapes.base, shapes.head, config, config.r, { useDora: config.use_dora });
      const summary = {
        model: options.model, method: options.method, r: config.r, target_modules: config.target_modules, layers_to_transform: config.layers_to_transform,
        targets: report.targets.length, adapter: report.adapter, head: report.head, base: report.base, trainable: report.trainable, total: report.total, percent: report.percent,
      };
      if (options.json) io.out(`${JSON.stringify(summary)}\n`);
      else {
        io.out(`${summary.targets} modules wrapped; adapter ${report.adapter} + head ${report.head} = ${report.trainable} trainable\n`);
        io.out(`base ${report.base}, total ${report.total}: trainable% = ${report.percent.toFixed(4)}\n`);
      }
  });
}
