/**
 * `fish-tune demo`: the method in a few minutes on a CPU. On the real pretrained encoder (all-MiniLM-L6-v2)
 * and a real GLUE task (SST-2 by default): Fisher → FISH / random / reverse masks at the same trainable
 * count → masked LoRA training (PiSSA init) → validation scores, printed as a table and written as a report
 * (report.md + chart.svg). Runs through the same grid and cell code as `fish-tune reproduce`.
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { FishTuningError } from '@fish-tuning/core';
import { barChartSpec, renderSvg } from '@fish-tuning/charts';
import { glueTask } from '@fish-tuning/datasets-glue';
import { selectBackend } from '../backend.js';
import { int, num } from '../flags.js';
import type { CliIO } from '../io.js';
import { percent, type Cell, type CellSettings, type RunCell } from './reproduce/cell.js';
import { formatSeconds, runGrid } from './reproduce/grid.js';
import { writeTextAtomic } from './reproduce/results-file.js';
import { runCellWithFishTune } from './reproduce/run-cell.js';
import { describeSettings, settingsFor } from './reproduce/settings.js';

export const DEMO_MODEL = 'all-MiniLM-L6-v2';

export interface DemoOptions {
  model?: string;
  dataDir?: string;
  task: string;
  trainLimit: string;
  evalLimit: string;
  epochs: string;
  ratio: string;
  rank: string;
  layers: string;
  lr: string;
  seed: string;
  out: string;
}

/** Folders that may hold what `scripts/fetch-models.sh` fetched: the working directory's and the package's repository. */
function repoRoots(): string[] {
  const roots = [process.cwd()];
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) roots.push(dir);
    dir = path.dirname(dir);
  }
  return [...new Set(roots)];
}

/** The model directory: --model; what the install fetched (.cache/models); ../shared/models; else an error listing the places tried. */
export function findDemoModel(flag: string | undefined): string {
  if (flag !== undefined) {
    if (!fs.existsSync(flag)) throw new FishTuningError(`'${flag}' does not exist`, { option: '--model' });
    return flag;
  }
  const tried = [...repoRoots().map((r) => path.join(r, '.cache', 'models', DEMO_MODEL)), path.resolve('..', 'shared', 'models', DEMO_MODEL)];
  const found = tried.find((d) => fs.existsSync(path.join(d, 'config.json')) && fs.existsSync(path.join(d, 'model.safetensors')));
  if (found) return found;
  throw new FishTuningError(`no ${DEMO_MODEL} model found (tried ${tried.join(', ')}); run \`bash scripts/fetch-models.sh\` (pnpm fetch-models) or pass --model <dir>`, { option: '--model' });
}

/** The GLUE data root: --data-dir; $FISH_TUNING_DATA; ../shared/data; else undefined (the GLUE loader downloads into its cache). */
export function findDemoData(flag: string | undefined, task: string): string | undefined {
  if (flag !== undefined) {
    if (!fs.existsSync(path.join(flag, task))) throw new FishTuningError(`no '${task}' folder in '${flag}'`, { option: '--data-dir' });
    return flag;
  }
  return [process.env.FISH_TUNING_DATA, path.resolve('..', 'shared', 'data')].find((d): d is string => Boolean(d) && fs.existsSync(path.join(d as string, task)));
}

export async function runDemo(o: DemoOptions, io: CliIO, runCell: RunCell = runCellWithFishTune): Promise<{ out: string; scores: Record<string, number> }> {
  const task = o.task.replace(/^glue\//, '');
  const spec = glueTask(task);
  const model = findDemoModel(o.model);
  const dataDir = findDemoData(o.dataDir, task);
  const ratio = num(o.ratio, '--ratio', (n) => n > 0 && n <= 100, 'a percentage in (0, 100]') / 100;
  const seed = int(o.seed, '--seed', 0);
  const rank = int(o.rank, '--rank');
  const settings: CellSettings = settingsFor(task, {
    epochs: int(o.epochs, '--epochs'),
    batchSize: 16,
    lr: num(o.lr, '--lr', (n) => n > 0, 'a number > 0'),
    lrWnli: num(o.lr, '--lr', (n) => n > 0, 'a number > 0'),
    patience: null,
    evalEvery: 'end',
    trainLimit: int(o.trainLimit, '--train-limit'),
    evalLimit: int(o.evalLimit, '--eval-limit'),
  });
  const cells: Cell[] = (['fish', 'random', 'reverse'] as const).map((selection) => ({
    id: `demo/${task}/lora/${selection}/${percent(ratio)}/s${seed}`,
    protocol: 'demo',
    task,
    method: 'lora',
    selection,
    layers: o.layers,
    rank,
    ratio,
    seed,
    row: percent(ratio),
  }));
  const out = path.resolve(o.out);
  io.err(`demo: ${spec.displayName} with ${model} (data: ${dataDir ?? 'GLUE download cache'}); LoRA r=${rank} (PiSSA) on ${o.layers} layers, ${percent(ratio)} of its entries trained, chosen by FISH / random / reverse\n`);
  for (const [k, v] of describeSettings(settings)) io.err(`  ${k.padEnd(30)} ${v}\n`);
  const t0 = Date.now();
  const results = await runGrid({ protocol: 'demo', model, ...(dataDir ? { dataDir } : {}), command: `fish-tune demo ${process.argv.slice(3).join(' ')}`.trim(), cells, settingsOf: () => settings, out, runCell, log: io.err });
  const rows = cells.map((c) => ({ cell: c, r: results.cells[c.id]!.result }));
  const metricName = spec.metric === 'matthews' ? 'MCC' : spec.metric === 'pearson_spearman' ? 'Pearson/Spearman' : spec.metric === 'accuracy_f1' ? '(F1 + acc)/2' : 'accuracy';
  const table = [
    `| mask | trained LoRA entries | validation ${metricName} (×100) | wall time |`,
    '|---|---|---|---|',
    ...rows.map(({ cell, r }) => `| ${cell.selection} | ${r.trainable} of ${r.total} | ${r.score.toFixed(2)} | ${formatSeconds(r.wallSeconds)} |`),
  ].join('\n');
  io.out(`\n${table}\n\n`);
  const svg = await renderSvg(
    barChartSpec({ title: `${spec.displayName}: LoRA with ${percent(ratio)} of its entries trained`, x: { title: 'which entries are trained' }, y: { title: `validation ${metricName} (×100)` }, bars: rows.map(({ cell, r }) => ({ category: cell.selection, mean: r.score })) }),
  );
  writeTextAtomic(path.join(out, 'chart.svg'), svg);
  const md =
    `# fish-tune demo: ${spec.displayName}\n\nModel \`${model}\`, ${settings.trainLimit} training rows, first ${settings.evalLimit} validation rows, seed ${seed}, ` +
    `LoRA r=${rank} (PiSSA init) on ${o.layers} layers; ${percent(ratio)} of the LoRA entries trained, chosen by the Fisher information (fish), ` +
    `at random, or by the lowest Fisher information (reverse). Total ${formatSeconds((Date.now() - t0) / 1000)}.\n\n${table}\n\n![chart](chart.svg)\n\n` +
    `Settings:\n\n| setting | value |\n|---|---|\n${describeSettings(settings).map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`;
  writeTextAtomic(path.join(out, 'report.md'), md);
  io.out(`wrote ${out}: report.md, chart.svg, results.json\n`);
  return { out, scores: Object.fromEntries(rows.map(({ cell, r }) => [cell.selection, r.score])) };
}

export function registerDemo(program: Command, io: CliIO): void {
  program
    .command('demo')
    .description('FISH vs random vs reverse masks on a real encoder and GLUE task in a few minutes: Fisher → masks → masked LoRA training → validation scores, table + report')
    .option('--model <dir>', `BERT directory (default: .cache/models/${DEMO_MODEL} from scripts/fetch-models.sh, then ../shared/models/${DEMO_MODEL})`)
    .option('--data-dir <dir>', 'GLUE data root with <task>/ (default: $FISH_TUNING_DATA, ../shared/data, else the GLUE download cache)')
    .option('--task <name>', 'GLUE task', 'sst2')
    .option('--train-limit <n>', 'first n training rows', '320')
    .option('--eval-limit <n>', 'first n validation rows', '300')
    .option('--epochs <n>', 'epochs', '2')
    .option('--ratio <pct>', 'trainable % of the LoRA entries', '10')
    .option('--rank <r>', 'LoRA rank', '8')
    .option('--layers <spec>', "layers with LoRA ('top:n' keeps the frozen bottom in the activation cache)", 'top:2')
    .option('--lr <lr>', 'learning rate', '5e-3')
    .option('--seed <s>', 'seed', '0')
    .option('--out <dir>', 'report directory', 'fish-tune-demo')
    .action(async (o: DemoOptions, cmd: Command) => {
      await selectBackend(cmd.optsWithGlobals().backend);
      await runDemo(o, io);
    });
}
