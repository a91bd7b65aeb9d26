/**
 * results.md and SVG figures from results.json: the paper's table layout per protocol, our mean ± std
 * over seeds with the paper's number beside it where the paper has one, and charts drawn with
 * @fish-tuning/charts. Cells not finished yet show '—', so the report is valid at any point of a run.
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { barChartSpec, lineChartSpec, renderSvg, type LineSeries } from '@fish-tuning/charts';
import { glueTask } from '@fish-tuning/datasets-glue';
import type { Cell, CellResult } from './cell.js';
import { PAPER_FIXED_RATIO, PAPER_LORI, PAPER_MASKS_LORA, PAPER_RESOURCES } from './paper.js';
import { PROTOCOL_INFO, type ProtocolName } from './protocols.js';
import type { ResultsFile } from './results-file.js';
import { describeSettings } from './settings.js';
import { FIXED_RATIO_CLAIMS, MASKS_CLAIMS, averagePairedDifference, formatPaired, pairedDifference, verdict, type Claim } from './ordering.js';
import { formatSummary, summarize, type Summary } from './stats.js';
import { writeTextAtomic } from './results-file.js';

const SELECTION_NAMES: Record<string, string> = { dense: 'Original', fish: 'FISH', random: 'FISH-rand', reverse: 'FISH-rev', lori: 'LoRI' };
const METHOD_NAMES: Record<string, string> = { lora: 'LoRA', dora: 'DoRA', ia3: '(IA)^3', adapter: 'Adapter', prefix: 'PrefixTuning', unipelt: 'UniPELT' };

function taskName(task: string): string {
  return task === 'gsm8k' ? 'GSM8K' : glueTask(task).displayName;
}

/** Finished results of the cells matching `pick`, grouped over seeds. */
class Table {
  constructor(
    readonly cells: readonly Cell[],
    readonly results: ResultsFile,
  ) {}
  results_(pick: (c: Cell) => boolean): CellResult[] {
    return this.cells.filter(pick).map((c) => this.results.cells[c.id]?.result).filter((r): r is CellResult => Boolean(r));
  }
  score(pick: (c: Cell) => boolean): Summary | null {
    return summarize(this.results_(pick).map((r) => r.score));
  }
  /** Mean over tasks of the per-seed scores (only when every task has the same seeds finished). */
  average(tasks: readonly string[], pick: (c: Cell) => boolean): Summary | null {
    const perTask = tasks.map((t) => this.cells.filter((c) => c.task === t && pick(c)).map((c) => [c.seed, this.results.cells[c.id]?.result.score] as const));
    const seeds = [...new Set(perTask.flat().map(([s]) => s))];
    const values: number[] = [];
    for (const seed of seeds) {
      const row = perTask.map((cells) => cells.find(([s]) => s === seed)?.[1]);
      if (row.every((v) => v !== undefined)) values.push(row.reduce((a, b) => a! + b!, 0)! / row.length);
    }
    return summarize(values);
  }
}

function paperCell(value: number | undefined): string {
  return value === undefined ? '' : ` [${value.toFixed(2)}]`;
}

function mdTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n') + '\n';
}

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/**
 * The paper's ordering as paired differences: per claim and row, a − b per seed (mean ± std, seeds where
 * a was ahead), per task and for the task average, with a verdict on the average.
 */
function orderingTable(t: Table, method: string, tasks: readonly string[], rows: readonly string[], claims: readonly Claim[]): string {
  const body: string[][] = [];
  for (const row of rows)
    for (const claim of claims) {
      if (!t.cells.some((c) => c.method === method && c.row === row && c.selection === claim.a)) continue;
      const avg = averagePairedDifference(t.cells, t.results, tasks, { method, row }, claim);
      body.push([
        `${SELECTION_NAMES[claim.a]} − ${SELECTION_NAMES[claim.b]}`,
        row,
        ...tasks.map((task) => formatPaired(pairedDifference(t.cells, t.results, { method, row, task }, claim))),
        formatPaired(avg),
        verdict(avg),
      ]);
    }
  if (body.length === 0) return '';
  const intro = `\nThe paper's ordering, paired by seed: score difference (×100) as mean ± std over seeds, and in brackets the seeds where the first was ahead. The verdict calls a sign only when the mean of the task average exceeds its spread.\n\n`;
  return intro + mdTable(['Difference', 'Row', ...tasks.map(taskName), 'Avg', 'verdict (Avg)'], body);
}

interface Section {
  md: string;
  figures: { file: string; svg: Promise<string> }[];
}

function masksSection(t: Table, protocol: ProtocolName): Section {
  const tasks = uniq(t.cells.map((c) => c.task));
  const methods = uniq(t.cells.map((c) => c.method));
  const rows = uniq(t.cells.map((c) => c.row));
  const selections = protocol === 'resources' ? ['dense', 'fish'] : ['dense', 'fish', 'random', 'reverse'];
  let md = '';
  const figures: Section['figures'] = [];
  for (const method of methods) {
    const paper = method === 'lora' ? PAPER_MASKS_LORA : null;
    const first = t.cells.find((c) => c.method === method);
    const layers = first?.layers === 'all' ? 'all layers' : `layers ${first?.layers}`;
    md += `\n### ${METHOD_NAMES[method] ?? method}, ${layers}${first?.rank ? `, rank ${first.rank}` : ''}\n\n`;
    md += 'Ours: mean ± std over seeds (×100; one seed: the value).';
    if (paper) md += ` In brackets: the paper (bert-base-cased, all 12 layers, rank 16, Table 9, one seed)${first?.layers === 'all' ? '' : ' — a different layer set from ours'}.`;
    md += '\n\n';
    const header = ['Selection', 'Ratio2', 'trainable / PEFT entries', ...tasks.map(taskName), 'Avg'];
    const body: string[][] = [];
    for (const row of rows)
      for (const sel of selections) {
        const pick = (c: Cell) => c.method === method && c.row === row && c.selection === sel;
        if (!t.cells.some(pick)) continue;
        const any = t.results_(pick)[0];
        const p = paper?.[row]?.[sel];
        body.push([
          `${METHOD_NAMES[method] ?? method}-${SELECTION_NAMES[sel]}`,
          row,
          any ? `${any.trainable} / ${any.total}` : '—',
          ...tasks.map((task) => formatSummary(t.score((c) => pick(c) && c.task === task)) + paperCell(p?.[task])),
          formatSummary(t.average(tasks, pick)) + paperCell(p && tasks.every((x) => x in p) && tasks.length === 6 ? p.avg : undefined),
        ]);
      }
    md += mdTable(header, body);
    if (protocol === 'masks') md += orderingTable(t, method, tasks, rows.filter((r) => r !== '100%'), MASKS_CLAIMS);
    // Figure 4: score vs Ratio2, one line per selection (average over tasks), and per task.
    const ratioOf = (row: string) => Number(row.replace('%', ''));
    const masked = rows.filter((r) => r !== '100%');
    for (const scope of [...(tasks.length > 1 ? ['avg'] : []), ...tasks]) {
      const series: LineSeries[] = ['fish', 'random', 'reverse']
        .filter((sel) => t.cells.some((c) => c.method === method && c.selection === sel))
        .map((sel) => ({
          name: SELECTION_NAMES[sel]!,
          points: masked.flatMap((row) => {
            const pick = (c: Cell) => c.method === method && c.row === row && c.selection === sel;
            const s = scope === 'avg' ? t.average(tasks, pick) : t.score((c) => pick(c) && c.task === scope);
            return s ? [{ x: ratioOf(row), mean: s.mean, std: s.std }] : [];
          }),
        }))
        .filter((s) => s.points.length > 0);
      const dense = scope === 'avg' ? t.average(tasks, (c) => c.method === method && c.selection === 'dense') : t.score((c) => c.method === method && c.selection === 'dense' && c.task === scope);
      if (dense) series.push({ name: 'Dense (100%)', points: masked.map((row) => ({ x: ratioOf(row), mean: dense.mean })) });
      if (series.length === 0 || protocol !== 'masks') continue;
      const file = `figure4-${method}-${scope}.svg`;
      const title = `${METHOD_NAMES[method] ?? method}: ${scope === 'avg' ? `average of ${tasks.length} tasks` : taskName(scope)}`;
      figures.push({ file, svg: renderSvg(lineChartSpec({ title, x: { title: 'Ratio2: trainable % of PEFT entries', scale: 'log', reverse: true }, y: { title: 'score (×100)' }, series })) });
      md += `\n![${title}](${file})\n`;
    }
  }
  return { md, figures };
}

function fixedRatioSection(t: Table): Section {
  const tasks = uniq(t.cells.map((c) => c.task));
  const figures: Section['figures'] = [];
  let md = '';
  for (const method of uniq(t.cells.map((c) => c.method))) {
    const rows = uniq(t.cells.filter((c) => c.method === method).map((c) => c.row));
    const paper = PAPER_FIXED_RATIO[method];
    const fishLayers = t.cells.find((c) => c.method === method && c.selection === 'fish')?.layers;
    md += `\n### ${METHOD_NAMES[method] ?? method}: original on the top n layers vs FISH on the ${fishLayers} layers at the same trainable count\n\n`;
    if (paper) md += `Ours: mean ± std over seeds (×100). In brackets: the paper (bert-base-cased, Table 6), group i of the paper beside our group i.\n\n`;
    const body: string[][] = [];
    const bars: { category: string; group: string; mean: number; std: number }[] = [];
    rows.forEach((row, i) => {
      for (const sel of ['dense', 'fish']) {
        const pick = (c: Cell) => c.method === method && c.row === row && c.selection === sel;
        const r = t.results_(pick)[0];
        const p = paper?.[i]?.[sel === 'dense' ? 'original' : 'fish'];
        const avg = t.average(tasks, pick);
        body.push([
          sel === 'dense' ? `Original-${METHOD_NAMES[method] ?? method} (${row})` : `${METHOD_NAMES[method] ?? method}-FISH (${t.cells.find(pick)?.layers})`,
          r ? `${r.trainable} (${r.modelParameters > 0 ? ((100 * r.trainable) / r.modelParameters).toFixed(4) : '?'}%)${paper?.[i] ? ` [${paper[i]!.percent}%]` : ''}` : '—',
          ...tasks.map((task) => formatSummary(t.score((c) => pick(c) && c.task === task)) + paperCell(p?.[task])),
          formatSummary(avg) + paperCell(p && tasks.length === 6 ? p.avg : undefined),
        ]);
        if (avg) bars.push({ category: row, group: sel === 'dense' ? 'Original' : 'FISH', mean: avg.mean, std: avg.std });
      }
    });
    md += mdTable(['Method', 'trainable PEFT entries (% of model)', ...tasks.map(taskName), 'Avg'], body);
    md += orderingTable(t, method, tasks, rows, FIXED_RATIO_CLAIMS);
    if (bars.length) {
      const file = `fixed-ratio-${method}.svg`;
      figures.push({ file, svg: renderSvg(barChartSpec({ title: `${METHOD_NAMES[method] ?? method}: average of ${tasks.length} tasks`, x: { title: 'trainable count of the original on the top n layers' }, y: { title: 'score (×100)' }, bars })) });
      md += `\n![fixed ratio ${method}](${file})\n`;
    }
  }
  return { md, figures };
}

function epochsSection(t: Table): Section {
  const figures: Section['figures'] = [];
  let md = '';
  for (const task of uniq(t.cells.map((c) => c.task)))
    for (const method of uniq(t.cells.map((c) => c.method)))
      for (const row of uniq(t.cells.map((c) => c.row))) {
        const pickBase = (c: Cell) => c.task === task && c.method === method && c.row === row;
        const results = (sel: string) => t.results_((c) => pickBase(c) && c.selection === sel);
        const epochs = Math.max(0, ...['fish', 'random', 'reverse'].flatMap((s) => results(s).map((r) => r.perEpoch.length)));
        md += `\n### ${taskName(task)}, ${METHOD_NAMES[method] ?? method}, Ratio2 ${row}: score per epoch (×100)\n\n`;
        const series: LineSeries[] = [];
        const body = ['fish', 'random', 'reverse'].map((sel) => {
          const per = Array.from({ length: epochs }, (_, e) => summarize(results(sel).map((r) => r.perEpoch[e]?.score ?? NaN)));
          series.push({ name: SELECTION_NAMES[sel]!, points: per.flatMap((s, e) => (s ? [{ x: e + 1, mean: s.mean, std: s.std }] : [])) });
          return [SELECTION_NAMES[sel]!, ...per.map((s) => formatSummary(s))];
        });
        md += mdTable(['Selection', ...Array.from({ length: epochs }, (_, e) => `epoch ${e + 1}`)], body);
        const file = `figure6-${task}-${method}-${row.replace('%', 'pct')}.svg`;
        figures.push({ file, svg: renderSvg(lineChartSpec({ title: `${taskName(task)}, Ratio2 ${row}`, x: { title: 'epoch' }, y: { title: 'score (×100)' }, series: series.filter((s) => s.points.length) })) });
        md += `\n![epochs ${task}](${file})\n`;
      }
  return { md, figures };
}

function loriSection(t: Table): Section {
  const rows = uniq(t.cells.map((c) => c.row));
  let md = '';
  for (const task of uniq(t.cells.map((c) => c.task))) {
    md += `\n### ${taskName(task)}: LoRI vs FISH at equal trainable count (×100)${task === 'gsm8k' ? '; in brackets the paper (Qwen2.5-7B, Table 4)' : ''}\n\n`;
    const body = ['lori', 'fish'].map((sel) => [
      SELECTION_NAMES[sel]!,
      ...rows.map((row) => formatSummary(t.score((c) => c.task === task && c.row === row && c.selection === sel)) + (task === 'gsm8k' ? paperCell(PAPER_LORI[row]?.[sel as 'lori' | 'fish']) : '')),
    ]);
    md += mdTable(['Method', ...rows.map((r) => `Ratio2 ${r}`)], body);
  }
  return { md, figures: [] };
}

function resourcesSection(t: Table): Section {
  let md = '';
  const figures: Section['figures'] = [];
  for (const task of uniq(t.cells.map((c) => c.task)))
    for (const method of uniq(t.cells.map((c) => c.method))) {
      md += `\n### ${taskName(task)}, ${METHOD_NAMES[method] ?? method}: time per epoch and peak memory (mean over seeds). In brackets: the paper (bert-base-cased, RTE, 1 epoch, GPU, Table 5)\n\n`;
      const body: string[][] = [];
      const bars: { category: string; mean: number; std: number }[] = [];
      for (const row of uniq(t.cells.filter((c) => c.task === task && c.method === method).map((c) => c.row))) {
        const rs = t.results_((c) => c.task === task && c.method === method && c.row === row);
        const p = PAPER_RESOURCES[row];
        const time = summarize(rs.map((r) => r.secondsPerEpoch));
        const mb = (b: number | null) => (b === null ? NaN : b / 2 ** 20);
        body.push([
          row === '100%' ? `Original-${METHOD_NAMES[method] ?? method}` : `${METHOD_NAMES[method] ?? method}-FISH`,
          rs[0] ? `${rs[0].modelParameters > 0 ? ((100 * rs[0].trainable) / rs[0].modelParameters).toFixed(4) : '?'}%${p ? ` [${p.ratio1}%]` : ''}` : '—',
          row,
          formatSummary(time) + (p ? ` [${p.time}]` : ''),
          formatSummary(summarize(rs.map((r) => mb(r.peakTensorBytes))), 1),
          formatSummary(summarize(rs.map((r) => mb(r.peakHeapBytes))), 1) + (p ? ` [GPU ${p.memoryMb}]` : ''),
          formatSummary(summarize(rs.map((r) => r.optimizerStateBytes / 1024)), 1),
          formatSummary(summarize(rs.map((r) => r.score))),
        ]);
        if (time) bars.push({ category: row, mean: time.mean, std: time.std });
      }
      md += mdTable(['Method', 'Ratio1', 'Ratio2', 's / epoch', 'peak tensors (MiB)', 'peak heap (MiB)', 'optimizer state (KiB)', 'score'], body);
      if (bars.length) {
        const file = `table5-${task}-${method}.svg`;
        figures.push({ file, svg: renderSvg(barChartSpec({ title: `${taskName(task)}, ${METHOD_NAMES[method] ?? method}: training time per epoch`, x: { title: 'Ratio2' }, y: { title: 's / epoch' }, bars })) });
        md += `\n![time per epoch](${file})\n`;
      }
    }
  return { md, figures };
}

/** Writes results.md and the figures into `out`; returns the file names written. */
export async function writeReport(out: string, results: ResultsFile, cells: readonly Cell[]): Promise<string[]> {
  const protocol = results.protocol as ProtocolName;
  const info = PROTOCOL_INFO[protocol];
  const t = new Table(cells, results);
  const done = cells.filter((c) => results.cells[c.id]).length;
  const section = protocol === 'fixed-ratio' ? fixedRatioSection(t) : protocol === 'epochs' ? epochsSection(t) : protocol === 'lori' ? loriSection(t) : protocol === 'resources' ? resourcesSection(t) : masksSection(t, protocol);
  let md = `# ${info.title} (paper: ${info.paper})\n\nModel \`${results.model}\`; ${done} of ${cells.length} cells finished.\n\n\`\`\`\n${results.command}\n\`\`\`\n`;
  md += '\nHyper-parameters (the paper\'s Table 12 unless overridden):\n\n';
  const seen = new Set<string>();
  for (const [task, s] of Object.entries(results.settings)) {
    const key = JSON.stringify(s);
    if (seen.has(key)) continue;
    seen.add(key);
    const tasks = Object.entries(results.settings).filter(([, x]) => JSON.stringify(x) === key).map(([k]) => taskName(k));
    md += `${tasks.join(', ')}:\n\n` + mdTable(['setting', 'value'], describeSettings(s)) + '\n';
  }
  md += section.md;
  const names = ['results.md'];
  for (const f of section.figures) {
    writeTextAtomic(path.join(out, f.file), await f.svg);
    names.push(f.file);
  }
  fs.mkdirSync(out, { recursive: true });
  writeTextAtomic(path.join(out, 'results.md'), md);
  return names;
}
