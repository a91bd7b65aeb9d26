/**
 * Training loss per step, one line per run: the chart a training page or report redraws after every step.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { SCHEMA } from './specs.js';

export interface LossPoint {
  /** The run's name (one line and one legend entry each). */
  run: string;
  step: number;
  loss: number;
}

export interface LossChartOptions {
  title: string;
  points: readonly LossPoint[];
  x?: { title: string };
  y?: { title: string };
  /** Fixes the x axis at [1, maxStep] while a run is still filling it in. */
  maxStep?: number;
  /** Pixels, or 'container' to fill the element it is rendered into (renderInto). */
  width?: number | 'container';
  height?: number;
}

/** Loss against step with a point per step and a tooltip; runs are coloured in the order they first appear. */
export function lossChartSpec(o: LossChartOptions): TopLevelSpec {
  const runs = [...new Set(o.points.map((p) => p.run))];
  return {
    $schema: SCHEMA,
    title: o.title,
    width: o.width ?? 360,
    height: o.height ?? 220,
    data: { values: o.points.map((p) => ({ run: p.run, step: p.step, loss: p.loss })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: o.x?.title ?? 'step', axis: { tickMinStep: 1, format: 'd' }, scale: o.maxStep ? { domain: [1, o.maxStep] } : {} },
      y: { field: 'loss', type: 'quantitative', title: o.y?.title ?? 'loss', scale: { zero: false } },
      color: { field: 'run', type: 'nominal', title: 'run', sort: runs },
      tooltip: [{ field: 'run' }, { field: 'step' }, { field: 'loss', format: '.4f' }],
    },
  };
}
