/**
 * `fish-tune reproduce <protocol>`: one of the paper's experiments as a resumable grid of training runs,
 * with the paper's hyper-parameters (Table 12) as defaults; writes results.json after every cell, and
 * results.md (the paper's table layout, its numbers beside ours) and SVG figures at the end.
 * @module
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { FishTuningError } from '@fish-tuning/core';
import { GLUE_TASK_NAMES } from '@fish-tuning/datasets-glue';
import { selectBackend } from '../../backend.js';
import { int, num, oneOf } from '../../flags.js';
import { METHODS } from '../../method-options.js';
import type { CliIO } from '../../io.js';
import { modelShapes } from '../params.js';
import type { CellSettings, RunCell } from './cell.js';
import { runGrid } from './grid.js';
import { readResults } from './results-file.js';
import { PROTOCOLS, PROTOCOL_INFO, buildGrid, type ProtocolName } from './protocols.js';
import { writeReport } from './report.js';
import { runCellWithFishTune } from './run-cell.js';
import { describeSettings, settingsFor } from './settings.js';

export interface ReproduceCliOptions {
  model: string;
  tasks?: string;
  methods?: string;
  seeds: string;
  ratios?: string;
  rank?: string;
  epochs?: string;
  batchSize?: string;
  gradAccumulation?: string;
  lr?: string;
  patience?: string;
  fisherSamples?: string;
  init?: string;
  trainLimit?: string;
  evalLimit?: string;
  maxTokens?: string;
  layers?: string;
  evalEvery?: string;
  dataDir?: string;
  out?: string;
  keepCells?: boolean;
  reportOnly?: boolean;
}

const DEFAULT_TASKS: Record<ProtocolName, string> = {
  'fixed-ratio': GLUE_TASK_NAMES.join(','),
  masks: GLUE_TASK_NAMES.join(','),
  epochs: 'gsm8k',
  lori: 'gsm8k',
  resources: 'rte',
};

function list(text: string, option: string): string[] {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new FishTuningError(`expected a comma-separated list, got '${text}'`, { option });
  return items;
}

/** Flags the user gave → settings overrides (everything else: Table 12). */
function overrides(o: ReproduceCliOptions, protocol: ProtocolName): Partial<CellSettings> {
  const out: Partial<CellSettings> = {};
  if (o.epochs !== undefined) out.epochs = int(o.epochs, '--epochs');
  else if (protocol === 'resources') out.epochs = 1; // Table 5: one epoch
  if (o.batchSize !== undefined) out.batchSize = int(o.batchSize, '--batch-size');
  if (o.gradAccumulation !== undefined) out.gradAccumulation = int(o.gradAccumulation, '--grad-accumulation');
  if (o.lr !== undefined) out.lr = out.lrWnli = num(o.lr, '--lr', (n) => n > 0, 'a number > 0');
  if (o.patience !== undefined) out.patience = o.patience === 'none' ? null : int(o.patience, '--patience');
  else if (protocol === 'epochs' || protocol === 'resources') out.patience = null; // every epoch is shown / timed
  if (o.fisherSamples !== undefined) out.fisherSamples = int(o.fisherSamples, '--fisher-samples');
  if (o.init !== undefined) out.init = oneOf(o.init, ['pissa', 'default', 'gaussian'] as const, '--init');
  if (o.trainLimit !== undefined) out.trainLimit = int(o.trainLimit, '--train-limit');
  if (o.evalLimit !== undefined) out.evalLimit = int(o.evalLimit, '--eval-limit');
  if (o.maxTokens !== undefined) out.maxTokens = int(o.maxTokens, '--max-tokens');
  if (o.evalEvery !== undefined) out.evalEvery = oneOf(o.evalEvery, ['epoch', 'end'] as const, '--eval-every');
  else if (protocol === 'resources') out.evalEvery = 'end';
  return out;
}

export interface ReproduceRun {
  protocol: ProtocolName;
  options: ReproduceCliOptions;
  io: CliIO;
  command: string;
  runCell?: RunCell;
}

/** Validates the flags, runs (or continues) the grid and writes the report; returns the output directory. */
export async function reproduce({ protocol, options: o, io, command, runCell = runCellWithFishTune }: ReproduceRun): Promise<string> {
  const info = PROTOCOL_INFO[protocol];
  const tasks = list(o.tasks ?? DEFAULT_TASKS[protocol], '--tasks').map((t) => {
    const name = t.replace(/^glue\//, '').toLowerCase();
    if (name !== 'gsm8k' && !GLUE_TASK_NAMES.includes(name as never)) throw new FishTuningError(`unknown task '${t}'; accepted: ${GLUE_TASK_NAMES.join(', ')}, gsm8k`, { option: '--tasks' });
    return name;
  });
  const methods = o.methods ? list(o.methods, '--methods').map((m) => oneOf(m, METHODS, '--methods')) : info.defaultMethods;
  const seeds = list(o.seeds, '--seeds').map((s) => int(s, '--seeds', 0));
  const ratios = o.ratios === undefined ? undefined : list(o.ratios, '--ratios').map((r) => num(r, '--ratios', (n) => n > 0 && n <= 100, 'a percentage in (0, 100]') / 100);
  const rank = o.rank === undefined ? undefined : int(o.rank, '--rank');
  const over = overrides(o, protocol);
  const depth = modelShapes(o.model, 2).numLayers;
  if (o.layers !== undefined && protocol === 'fixed-ratio') throw new FishTuningError('fixed-ratio chooses its own layer groups (top 1..4 vs top 5)', { option: '--layers' });
  if (o.layers !== undefined && !/^(all|top:\d+)$/.test(o.layers)) throw new FishTuningError(`expected 'all' or 'top:n', got '${o.layers}'`, { option: '--layers' });
  const cells = buildGrid(protocol, { tasks, seeds, methods, depth, ...(ratios ? { ratios } : {}), ...(rank !== undefined ? { rank } : {}), ...(o.layers ? { layers: o.layers } : {}) });
  const out = path.resolve(o.out ?? `reproduce-${protocol}`);

  io.err(`${info.title} (paper: ${info.paper}); ${cells.length} cells = ${tasks.join(', ')} × ${methods.join(', ')} × seeds ${seeds.join(', ')}; model ${o.model} (${depth} layers)\n`);
  for (const task of [...new Set(tasks.map((t) => (t === 'gsm8k' ? 'gsm8k' : 'glue')))]) {
    io.err(`hyper-parameters for ${task === 'gsm8k' ? 'GSM8K' : 'GLUE'} (Table 12 unless given as flags):\n`);
    for (const [k, v] of describeSettings(settingsFor(task === 'gsm8k' ? 'gsm8k' : tasks.find((t) => t !== 'gsm8k')!, over))) io.err(`  ${k.padEnd(30)} ${v}\n`);
  }
  if (o.reportOnly) {
    const existing = readResults(path.join(out, 'results.json'), { protocol, model: o.model });
    if (!existing) throw new FishTuningError('no results.json to report from', { file: path.join(out, 'results.json'), option: '--report-only' });
    const written = await writeReport(out, existing, cells);
    io.out(`wrote ${out}: ${written.join(', ')} (${cells.filter((c) => existing.cells[c.id]).length} of ${cells.length} cells finished)\n`);
    return out;
  }
  const results = await runGrid({
    protocol,
    model: o.model,
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    command,
    cells,
    settingsOf: (c) => settingsFor(c.task, over),
    out,
    runCell,
    log: io.err,
    keepCells: Boolean(o.keepCells),
    onCell: async (r) => {
      await writeReport(out, r, cells);
    },
  });
  const written = await writeReport(out, results, cells);
  io.out(`wrote ${out}: results.json, ${written.join(', ')}\n`);
  return out;
}

export function registerReproduce(program: Command, io: CliIO): void {
  program
    .command('reproduce')
    .description(`the paper's experiments as resumable grids: ${PROTOCOLS.join(' | ')}; writes results.json, results.md and SVG figures`)
    .argument('<protocol>', PROTOCOLS.map((p) => `${p} (${PROTOCOL_INFO[p].paper})`).join(', '))
    .requiredOption('--model <path>', 'Hugging Face BERT/Llama directory or llama2.c checkpoint')
    .option('--tasks <list>', `GLUE tasks (${GLUE_TASK_NAMES.join(', ')}) and/or gsm8k, comma separated (default per protocol)`)
    .option('--methods <list>', `PEFT methods: ${METHODS.join(', ')} (default lora)`)
    .option('--seeds <list>', 'seeds; several give mean ± std (the paper: 42)', '42')
    .option('--ratios <list>', 'Ratio2 in % of the PEFT entries (masks/resources default 50,25,10,5,1,0.5)')
    .option('--rank <r>', 'LoRA/DoRA rank (default Table 13: 1 for fixed-ratio, 16 otherwise)')
    .option('--epochs <n>', 'epochs (Table 12: 400 with early stopping for GLUE, 10 for GSM8K)')
    .option('--batch-size <n>', 'batch size (Table 12: 32 GLUE, 4 GSM8K)')
    .option('--grad-accumulation <n>', 'gradient accumulation (Table 12: 1 GLUE, 4 GSM8K)')
    .option('--lr <lr>', 'learning rate (Table 12: 5e-5 GLUE, 5e-6 WNLI, 2e-5 GSM8K)')
    .option('--patience <n>', "early stopping after n epochs without improvement, or 'none' (default 10 GLUE)")
    .option('--fisher-samples <n>', 'Fisher samples (Table 12: 128 GLUE, 256 GSM8K)')
    .option('--init <how>', 'LoRA init: pissa (the paper) | default | gaussian')
    .option('--train-limit <n>', 'first n training rows of each task')
    .option('--eval-limit <n>', 'first n validation rows (GSM8K: test questions, default 50)')
    .option('--layers <spec>', "layers of masks/epochs/lori/resources: 'all' (the paper) or 'top:n' (frozen bottom cached: much cheaper on a CPU)")
    .option('--eval-every <when>', "'epoch' (Table 12: early stopping) or 'end' (one evaluation after training)")
    .option('--max-tokens <n>', 'largest micro-batch in padded tokens (wasm heap is capped at 4 GiB)')
    .option('--data-dir <dir>', 'local dataset root (default $FISH_TUNING_DATA or ../shared/data)')
    .option('--out <dir>', 'output directory (default ./reproduce-<protocol>); an existing results.json there is continued')
    .option('--report-only', 'only rewrite results.md and the figures from results.json (no training)')
    .option('--keep-cells', "keep each cell's checkpoint and log under <out>/cells/")
    .action(async (protocolArg: string, o: ReproduceCliOptions, cmd: Command) => {
      const protocol = oneOf(protocolArg, PROTOCOLS, '<protocol>');
      await selectBackend(cmd.optsWithGlobals().backend);
      await reproduce({ protocol, options: o, io, command: `fish-tune ${process.argv.slice(2).join(' ')}` });
    });
}
