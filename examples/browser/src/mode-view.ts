/**
 * What both modes show the same way, found by the mode's id prefix (`s-…`, `c-…`): one progress line with
 * the pipeline's Fisher and training phases on it, the loss and mask charts (@fish-tuning/charts), and the
 * table of runs with a download button per run. Each mode's file keeps only what is its own.
 * @module
 */
import { lossChartSpec, renderInto, shareBarChartSpec, type LossPoint } from '@fish-tuning/charts';
import { maskShares, type Mask, type TensorKind } from '@fish-tuning/mask';
import { $, PhaseProgress, downloadBytes } from './ui';
import { state, zips } from './state';
import type { PipelineProgress } from './pipeline';

export type { LossPoint };

/** Why no action can start now (no backend yet, or another action is running), or null. */
export function pageBlocked(): string | null {
  if (!state.backend) return state.backendError ? 'no backend (see the notice at the top)' : 'starting the backend…';
  return state.busy ? `busy: ${state.busy}` : null;
}

const ROLE_LABEL: Record<string, string> = { lora_A: 'A', lora_B: 'B', lora_magnitude_vector: 'magnitude' };
const kindLabel = (k: TensorKind | null) => (k ? `${k.module} · ${ROLE_LABEL[k.role] ?? k.role}` : 'other');

export class ModeView {
  private line: PhaseProgress | null = null;

  constructor(private readonly prefix: 's' | 'c') {}

  private el<T extends HTMLElement = HTMLElement>(name: string): T {
    return $<T>(`${this.prefix}-${name}`);
  }

  /** The mode's one progress line (one ticker), made on first use. */
  get progress(): PhaseProgress {
    return (this.line ??= new PhaseProgress(this.el<HTMLProgressElement>('bar'), this.el('phase')));
  }

  /** Runs `fn`; if it fails, the progress line says `<failure>: <message>` and the error goes on to the page. */
  async reporting(failure: string, fn: (p: PhaseProgress) => Promise<void>): Promise<void> {
    const p = this.progress;
    try {
      await fn(p);
    } catch (e) {
      p.done(`${failure}: ${(e as Error).message}`);
      throw e;
    }
  }

  /** The pipeline's Fisher and training phases on the progress line; `run` names the pipeline when a click runs several. */
  showPhase(q: PipelineProgress, run?: string): void {
    const phase = (what: string) => (run ? `${run}: ${what}` : what[0].toUpperCase() + what.slice(1));
    if (q.phase === 'fisher') q.done === 0 ? this.progress.start(phase('Fisher information (samples)'), q.total) : this.progress.update(q.done, q.total);
    if (q.phase === 'train') q.done === 0 ? this.progress.start(phase('masked training (steps)'), q.total) : this.progress.update(q.done, q.total, `loss ${q.loss!.toFixed(4)}`);
  }

  /** Loss per step, one line per run; the x axis runs to `maxStep` while a run is still filling it in. */
  showLoss(points: readonly LossPoint[], title: string, maxStep: number): Promise<void> {
    return renderInto(this.el('loss'), lossChartSpec({ title, points, maxStep, x: { title: 'step (loss before that update; last point: after the last)' }, y: { title: 'mean loss' }, width: 'container', height: 220 }));
  }

  /** Where the mask falls: its share per layer, stacked by tensor (module · A/B). */
  showMask(mask: Mask, title: string): Promise<void> {
    const order = (layer: number | null) => layer ?? Number.MAX_SAFE_INTEGER; // tensors outside the layers last
    const byLayer = maskShares(mask).sort((a, b) => order(a.layer) - order(b.layer));
    const rows = byLayer.map((s) => ({ category: s.layer === null ? 'other' : `layer ${s.layer}`, part: kindLabel(s.kind), count: s.selected, of: s.total }));
    return renderInto(
      this.el('mask'),
      shareBarChartSpec({ title, rows, x: { title: 'layer' }, y: { title: 'share of the mask (k)' }, parts: { title: 'tensor (module · A/B)' }, countTitle: 'entries selected', ofTitle: 'entries in tensor', width: 'container', height: 200 }),
    );
  }

  /** One row of the runs table: the cells, then a button that downloads the run's zip. */
  addRun(cells: readonly string[], download: { label: string; zipName: string }): void {
    const row = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c;
      row.append(td);
    }
    const td = document.createElement('td');
    const button = document.createElement('button');
    button.textContent = download.label;
    button.className = 'download';
    button.dataset.zip = download.zipName;
    button.addEventListener('click', () => downloadBytes(`${download.zipName}.zip`, zips.get(download.zipName)!));
    td.append(button);
    row.append(td);
    this.el('runs').append(row);
    this.el('runs-wrap').hidden = false;
  }
}
