/**
 * Stacked shares: one bar per category whose parts show how a total splits, each part's height its share of
 * the sum over all rows (e.g. a mask's selected entries per layer, stacked by tensor kind).
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { SCHEMA } from './specs.js';

export interface ShareRow {
  /** The bar (x axis), e.g. `layer 3`. */
  category: string;
  /** The stacked part (colour), e.g. `q_proj · A`. */
  part: string;
  /** What this row counts; its share is count / (sum of count over all rows). */
  count: number;
  /** Optional size it is out of (shown in the tooltip), e.g. the entries of the tensor. */
  of?: number;
}

export interface ShareBarChartOptions {
  title: string;
  rows: readonly ShareRow[];
  x: { title: string };
  y: { title: string };
  /** The legend's title. */
  parts: { title: string };
  /** Tooltip names of `count` and `of`. */
  countTitle?: string;
  ofTitle?: string;
  width?: number | 'container';
  height?: number;
}

/** Stacked bars of shares of the grand total (y as percent); categories and parts keep their first-seen order. */
export function shareBarChartSpec(o: ShareBarChartOptions): TopLevelSpec {
  const sum = o.rows.reduce((a, r) => a + r.count, 0);
  const values = o.rows.map((r) => ({ category: r.category, part: r.part, count: r.count, of: r.of ?? null, share: sum > 0 ? r.count / sum : 0 }));
  const withOf = o.rows.some((r) => r.of !== undefined);
  return {
    $schema: SCHEMA,
    title: o.title,
    width: o.width ?? 360,
    height: o.height ?? 200,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'category', type: 'nominal', title: o.x.title, sort: [...new Set(o.rows.map((r) => r.category))] },
      y: { field: 'share', type: 'quantitative', title: o.y.title, axis: { format: '.0%' }, stack: 'zero' },
      color: { field: 'part', type: 'nominal', title: o.parts.title, sort: [...new Set(o.rows.map((r) => r.part))] },
      tooltip: [
        { field: 'category', title: o.x.title },
        { field: 'part', title: o.parts.title },
        { field: 'count', title: o.countTitle ?? 'count' },
        ...(withOf ? [{ field: 'of', title: o.ofTitle ?? 'of' }] : []),
        { field: 'share', format: '.1%' },
      ],
    },
  };
}
