/**
 * Runs the cells of a grid one after another through the {@link RunCell} seam: skips cells already in
 * results.json (made with the same settings), writes results.json after every cell, and reports
 * progress over the whole grid with an ETA (mean time of the cells run so far × cells left).
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Cell, CellContext, CellResult, CellSettings, RunCell } from './cell.js';
import { readResults, sameSettings, writeJsonAtomic, type ResultsFile } from './results-file.js';

export interface GridRun {
  protocol: string;
  model: string;
  dataDir?: string;
  command: string;
  cells: readonly Cell[];
  settingsOf: (cell: Cell) => CellSettings;
  out: string;
  runCell: RunCell;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** Called after every finished cell with the whole file (reports). */
  onCell?: (results: ResultsFile) => void | Promise<void>;
  /** Keep each cell's work directory (checkpoints, log.jsonl) under out/cells/. */
  keepCells?: boolean;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** A short description of a cell for progress lines. */
export function cellLabel(c: Cell): string {
  const what = c.countLike ? `${c.selection} ${c.layers} = ${c.countLike.layers} count` : `${c.selection}${c.ratio !== undefined ? ` ${c.row}` : ''} ${c.layers}`;
  return `${c.task} ${c.method} ${what} seed ${c.seed}`;
}

export async function runGrid(run: GridRun): Promise<ResultsFile> {
  fs.mkdirSync(run.out, { recursive: true });
  const file = path.join(run.out, 'results.json');
  const settings: Record<string, CellSettings> = {};
  for (const c of run.cells) settings[c.task] ??= run.settingsOf(c);
  const previous = readResults(file, { protocol: run.protocol, model: run.model });
  const results: ResultsFile = { format: 'fish-tuning-reproduce/1', protocol: run.protocol, model: run.model, command: run.command, settings, cells: {} };
  // Keep every earlier cell (also ones outside this grid: a later, larger run adds to them).
  for (const [key, rec] of Object.entries(previous?.cells ?? {})) results.cells[key] = rec;
  const todo = run.cells.filter((c) => {
    const rec = results.cells[c.id];
    return !(rec && sameSettings(rec.settings, run.settingsOf(c)));
  });
  const done = run.cells.length - todo.length;
  if (done > 0) run.log(`resuming: ${done} of ${run.cells.length} cells already in ${file}\n`);
  writeJsonAtomic(file, results);
  const cache = new Map<string, unknown>();
  const started = Date.now();
  let ran = 0;
  for (const cell of todo) {
    const index = done + ran + 1;
    const eta = ran === 0 ? NaN : (((Date.now() - started) / 1000) / ran) * (todo.length - ran);
    const prefix = `[${index}/${run.cells.length}]`;
    run.log(`${prefix} ${cellLabel(cell)} … (grid eta ${formatSeconds(eta)})\n`);
    const workDir = path.join(run.out, 'cells', cell.id.replace(/[^\w.%-]+/g, '_'));
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.mkdirSync(workDir, { recursive: true });
    let lastShown = 0;
    const context: CellContext = {
      model: run.model,
      ...(run.dataDir ? { dataDir: run.dataDir } : {}),
      workDir,
      cache,
      log: (line) => run.log(`${prefix}   ${line}`),
      onProgress: (p) => {
        if (p.phase !== 'train' || !p.totalSteps || !p.step) return;
        const now = Date.now();
        if (now - lastShown < 30_000 && p.step !== p.totalSteps) return;
        lastShown = now;
        run.log(`${prefix}   step ${p.step}/${p.totalSteps}\n`);
      },
    };
    const t0 = Date.now();
    const result: CellResult = await run.runCell(cell, run.settingsOf(cell), context);
    ran++;
    results.cells[cell.id] = { cell, settings: run.settingsOf(cell), result, finishedAt: new Date().toISOString() };
    writeJsonAtomic(file, results);
    if (!run.keepCells) fs.rmSync(workDir, { recursive: true, force: true });
    const left = todo.length - ran;
    const etaAfter = (((Date.now() - started) / 1000) / ran) * left;
    run.log(`${prefix} score ${result.score.toFixed(2)} (${result.trainable}/${result.total} entries, ${formatSeconds((Date.now() - t0) / 1000)}); ${left} left, eta ${formatSeconds(etaAfter)}\n`);
    await run.onCell?.(results);
  }
  if (!run.keepCells) fs.rmSync(path.join(run.out, 'cells'), { recursive: true, force: true });
  return results;
}
