/**
 * Vega-lite specs for the experiment charts: one line per selection (mean over seeds, ± std as error bars),
 * and grouped bars. Pure data → spec; rendering is in render.ts.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';

/** One point of a line: x (ratio %, epoch …), the mean over seeds and its standard deviation (0/absent: no bar). */
export interface LinePoint {
  x: number;
  mean: number;
  std?: number;
}

export interface LineSeries {
  name: string;
  points: readonly LinePoint[];
}

export interface AxisOptions {
  title: string;
  /** 'log' for ratios spanning decades (50 % … 0.5 %). */
  scale?: 'linear' | 'log';
  /** Reversed x axis: large ratios on the left, as the paper's Figure 4 reads. */
  reverse?: boolean;
}

export interface LineChartOptions {
  title: string;
  x: AxisOptions;
  y: AxisOptions;
  series: readonly LineSeries[];
  width?: number;
  height?: number;
}

export interface Bar {
  /** The bar's label on the x axis (e.g. the ratio or the method). */
  category: string;
  /** Bars of one category side by side, coloured by group (e.g. the selection); absent: one bar per category. */
  group?: string;
  mean: number;
  std?: number;
}

export interface BarChartOptions {
  title: string;
  x: { title: string };
  y: AxisOptions;
  bars: readonly Bar[];
  width?: number;
  height?: number;
}

/** The vega-lite schema every spec of this package names. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

function scaleOf(axis: AxisOptions, zero: boolean): Record<string, unknown> {
  return axis.scale === 'log' ? { type: 'log' } : { zero };
}

/** Score against x, one coloured line with points per series, error bars where a point has std > 0. */
export function lineChartSpec(o: LineChartOptions): TopLevelSpec {
  const rows = o.series.flatMap((s) => s.points.map((p) => ({ series: s.name, x: p.x, mean: p.mean, lo: p.mean - (p.std ?? 0), hi: p.mean + (p.std ?? 0), std: p.std ?? 0 })));
  const x = { field: 'x', type: 'quantitative', title: o.x.title, scale: { ...scaleOf(o.x, false), ...(o.x.reverse ? { reverse: true } : {}) } } as const;
  const color = { field: 'series', type: 'nominal', title: null, sort: o.series.map((s) => s.name) } as const;
  return {
    $schema: SCHEMA,
    title: o.title,
    width: o.width ?? 360,
    height: o.height ?? 240,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'line', point: false },
        encoding: { x, y: { field: 'mean', type: 'quantitative', title: o.y.title, scale: scaleOf(o.y, false) }, color },
      },
      {
        mark: { type: 'point', filled: true, size: 40 },
        encoding: { x, y: { field: 'mean', type: 'quantitative' }, color },
      },
      {
        transform: [{ filter: 'datum.std > 0' }],
        mark: { type: 'rule' },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
      },
    ],
  } as TopLevelSpec;
}

/** One bar per (category, group), side by side within a category, error bars where std > 0. */
export function barChartSpec(o: BarChartOptions): TopLevelSpec {
  const rows = o.bars.map((b) => ({ category: b.category, group: b.group ?? '', mean: b.mean, lo: b.mean - (b.std ?? 0), hi: b.mean + (b.std ?? 0), std: b.std ?? 0 }));
  const grouped = o.bars.some((b) => b.group !== undefined);
  const categories = [...new Set(o.bars.map((b) => b.category))];
  const groups = [...new Set(o.bars.map((b) => b.group ?? ''))];
  const x = { field: 'category', type: 'nominal', title: o.x.title, sort: categories, axis: { labelAngle: 0 } } as const;
  const offset = grouped ? { xOffset: { field: 'group', type: 'nominal', sort: groups } } : {};
  const color = grouped ? { color: { field: 'group', type: 'nominal', title: null, sort: groups } } : {};
  return {
    $schema: SCHEMA,
    title: o.title,
    width: o.width ?? 360,
    height: o.height ?? 240,
    data: { values: rows },
    layer: [
      { mark: { type: 'bar' }, encoding: { x, ...offset, y: { field: 'mean', type: 'quantitative', title: o.y.title, scale: scaleOf(o.y, true) }, ...color } },
      {
        transform: [{ filter: 'datum.std > 0' }],
        mark: { type: 'rule', color: 'black' },
        encoding: { x, ...offset, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
    ],
  } as TopLevelSpec;
}
