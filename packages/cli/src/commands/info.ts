/**
 * `fish-tune info --model DIR`: what a model directory is — architecture, parameter count, the dense
 * modules PEFT can target (the names `--targets` takes, fused `qkv_proj`/`Wqkv` included) — and, with
 * `--method` (and its flags), how many parameters that method trains and the ratio; `--ratio` adds the FISH
 * mask's share (round(ratio × candidates) of the method's FISH-candidate entries, plus what is always
 * trained: gates and the task head). Convention as `params`: trainable = adapter (or its masked part) +
 * task head; total = base + head + adapter. The model is loaded (checked as any command would load it).
 * @module
 */
import type { Command } from 'commander';
import { FishTuningError, Rng, getTuner } from '@fish-tuning/core';
import { budgetSize } from '@fish-tuning/mask';
import { loadPretrained, modelInventory } from '@fish-tuning/models';
import { selectBackend } from '../backend.js';
import { ensureTuners } from '../adapter-loading.js';
import { num, oneOf, positiveInt } from '../flags.js';
import { METHODS, methodOptions, type MethodFlags } from '../method-options.js';
import type { CliIO } from '../io.js';

interface InfoOptions extends MethodFlags {
  model: string;
  method?: string;
  ratio?: string;
  numLabels?: string;
  json?: boolean;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function registerInfo(program: Command, io: CliIO): void {
  program
    .command('info')
    .description('architecture, parameter count and PEFT-targetable modules of a model; trainable count and ratio for a method')
    .requiredOption('--model <dir>', 'Hugging Face model directory (bert, modernbert, llama, qwen2, phi3) or llama2.c checkpoint')
    .option('--method <name>', `count a PEFT method: ${METHODS.join(' | ')}`)
    .option('--targets <list>', 'comma-separated target_modules (default: the method’s default for the model)')
    .option('--rank <n>', 'LoRA/DoRA/UniPELT rank')
    .option('--alpha <a>', 'LoRA alpha')
    .option('--layers <spec>', "'all', 'top:N' or a comma list of layer indices")
    .option('--virtual-tokens <n>', 'prefix length (prefix, unipelt)')
    .option('--ratio <r>', 'FISH mask ratio in (0, 1]: count the masked share of the method')
    .option('--num-labels <n>', 'classifier outputs (encoders)')
    .option('--json', 'print one JSON object')
    .action(async (o: InfoOptions, cmd: Command) => {
      await selectBackend(cmd.optsWithGlobals().backend);
      if (o.method === undefined) {
        for (const [flag, v] of [['--targets', o.targets], ['--rank', o.rank], ['--alpha', o.alpha], ['--layers', o.layers], ['--virtual-tokens', o.virtualTokens], ['--ratio', o.ratio]] as const) {
          if (v !== undefined) throw new FishTuningError('needs --method', { option: flag });
        }
      }
      const method = o.method === undefined ? undefined : oneOf(o.method, METHODS, '--method');
      const ratio = o.ratio === undefined ? undefined : num(o.ratio, '--ratio', (r) => r > 0 && r <= 1, 'a number in (0, 1]');
      const options = method ? methodOptions(method, o) : null;
      const loaded = await loadPretrained(o.model, { tokenizer: false, ...(o.numLabels ? { numLabels: positiveInt(o.numLabels, '--num-labels') } : {}) });
      const model = loaded.model;
      if (o.numLabels && model.task === 'causal-lm') {
        model.dispose();
        throw new FishTuningError(`does not apply to a ${loaded.modelType} decoder (causal LM)`, { option: '--num-labels' });
      }
      try {
        const inv = modelInventory(model);
        const report: Record<string, unknown> = {
          model: o.model,
          model_type: inv.modelType,
          task: inv.task,
          layers: inv.numLayers,
          hidden_size: model.dims.hiddenSize,
          parameters: inv.baseParameters,
          head_parameters: inv.headParameters,
          targetable_modules: Object.fromEntries(inv.targetable),
        };
        if (method && options) {
          ensureTuners();
          const tuner = getTuner(method);
          const adapter = tuner.inject(model, tuner.config(options, model), new Rng(0));
          try {
            const params = adapter.trainableParameters();
            const adapterSize = params.reduce((n, p) => n + p.variable.size, 0);
            const candidates = params.filter((p) => p.fishCandidate).reduce((n, p) => n + p.variable.size, 0);
            const total = inv.baseParameters + inv.headParameters + adapterSize;
            report.method = method;
            report.config = adapter.config;
            report.targeted_modules = adapter.targetedModules.length;
            report.adapter_parameters = adapterSize;
            report.trainable = adapterSize + inv.headParameters;
            report.total = total;
            report.trainable_ratio = (adapterSize + inv.headParameters) / total;
            if (ratio !== undefined) {
              const k = budgetSize(candidates, { ratio });
              const trainable = k + (adapterSize - candidates) + inv.headParameters;
              report.fish = { ratio, candidates, selected: k, always_trained: adapterSize - candidates + inv.headParameters, trainable, trainable_ratio: trainable / total };
            }
          } finally {
            adapter.dispose();
          }
        }
        if (o.json) {
          io.out(`${JSON.stringify(report)}\n`);
          return;
        }
        io.out(`architecture: ${inv.modelType} (${inv.task}), ${inv.numLayers} layers, hidden ${model.dims.hiddenSize}\n`);
        io.out(`parameters: ${fmt(inv.baseParameters)}${inv.headParameters ? ` + task head ${fmt(inv.headParameters)}` : ''}\n`);
        io.out(`targetable modules (--targets): ${[...inv.targetable].map(([n, c]) => `${n} ×${c}`).join(', ')}\n`);
        if (report.method) {
          io.out(`${method}: ${report.targeted_modules} modules, adapter ${fmt(report.adapter_parameters as number)}${inv.headParameters ? ` + head ${fmt(inv.headParameters)}` : ''} = ${fmt(report.trainable as number)} trainable of ${fmt(report.total as number)} (${(100 * (report.trainable_ratio as number)).toFixed(4)}%)\n`);
          const fish = report.fish as { selected: number; candidates: number; trainable: number; trainable_ratio: number } | undefined;
          if (fish) io.out(`FISH --ratio ${ratio}: ${fmt(fish.selected)} of ${fmt(fish.candidates)} candidate entries → ${fmt(fish.trainable)} trainable (${(100 * fish.trainable_ratio).toFixed(4)}%)\n`);
        }
      } finally {
        model.dispose();
      }
    });
}
