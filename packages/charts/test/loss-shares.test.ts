import { describe, expect, it } from 'vitest';
import { parseSync } from 'svgson';
import { lossChartSpec, renderSvg, shareBarChartSpec } from '../src/index.js';
import { marks, texts } from './svg-nodes.js';

/** The y of each symbol mark's centre (SVG y grows downwards). */
const symbolYs = (svg: string) => marks(parseSync(svg), 'mark-symbol').map((p) => Number(/translate\(([-\d.]+),([-\d.]+)\)/.exec(p.attributes.transform!)![2]));

describe('lossChartSpec → renderSvg', () => {
  const points = [
    { run: '#1 fish', step: 1, loss: 2.5 },
    { run: '#1 fish', step: 2, loss: 2.1 },
    { run: '#1 fish', step: 3, loss: 1.9 },
    { run: '#1 random', step: 1, loss: 2.5 },
    { run: '#1 random', step: 2, loss: 2.3 },
  ];

  it('has the title, both axis titles, a line per run with a point per step, and the runs in the legend', async () => {
    const svg = await renderSvg(lossChartSpec({ title: 'Training loss', points, x: { title: 'optimizer step' }, y: { title: 'mean loss' } }));
    expect(svg.startsWith('<svg')).toBe(true);
    const root = parseSync(svg);
    expect(texts(root)).toEqual(expect.arrayContaining(['Training loss', 'optimizer step', 'mean loss', '#1 fish', '#1 random']));
    expect(marks(root, 'mark-line')).toHaveLength(2);
    expect(marks(root, 'mark-symbol')).toHaveLength(5);
    // A larger loss sits higher: the first point (2.5) above the third (1.9).
    const ys = symbolYs(svg);
    expect(ys[0]).toBeLessThan(ys[2]);
  });

  it('defaults the axis titles to step and loss, and maxStep stretches the x axis past the last point', async () => {
    const open = texts(parseSync(await renderSvg(lossChartSpec({ title: 't', points }))));
    expect(open).toEqual(expect.arrayContaining(['step', 'loss']));
    expect(open).not.toContain('6');
    const fixed = texts(parseSync(await renderSvg(lossChartSpec({ title: 't', points, maxStep: 6 }))));
    expect(fixed).toContain('6');
  });
});

describe('shareBarChartSpec → renderSvg', () => {
  const rows = [
    { category: 'layer 0', part: 'q · A', count: 3, of: 10 },
    { category: 'layer 0', part: 'q · B', count: 1, of: 10 },
    { category: 'layer 1', part: 'q · A', count: 4, of: 10 },
  ];
  const spec = (r = rows) => shareBarChartSpec({ title: 'Where the mask falls', rows: r, x: { title: 'layer' }, y: { title: 'share of the mask (k)' }, parts: { title: 'tensor' }, countTitle: 'entries selected', ofTitle: 'entries in tensor' });
  /** Heights of the bar segments, from their SVG paths `M x,y h w v HEIGHT h -w Z`. */
  const heights = (svg: string) => marks(parseSync(svg), 'mark-rect').map((p) => Number(/v([-\d.]+)/.exec(p.attributes.d!)![1]));

  it('stacks one segment per row, each as tall as its share of the total (3 : 1 : 4 of 8)', async () => {
    const svg = await renderSvg(spec());
    const root = parseSync(svg);
    expect(texts(root)).toEqual(expect.arrayContaining(['Where the mask falls', 'layer', 'share of the mask (k)', 'tensor', 'layer 0', 'layer 1', 'q · A', 'q · B']));
    const h = heights(svg);
    expect(h).toHaveLength(3);
    expect(h[0] / h[2]).toBeCloseTo(3 / 4, 6);
    expect(h[1] / h[2]).toBeCloseTo(1 / 4, 6);
    // Layer 0's stack (3 + 1) is as tall as layer 1's single segment (4).
    expect(h[0] + h[1]).toBeCloseTo(h[2], 6);
  });

  it('names count and of in the tooltip with the given titles and shows shares as percent', async () => {
    const root = parseSync(await renderSvg(spec()));
    const labels = marks(root, 'mark-rect').map((p) => p.attributes['aria-label']);
    expect(labels[0]).toMatch(/entries selected: 3/);
    expect(labels[0]).toMatch(/entries in tensor: 10/);
    expect(labels[2]).toMatch(/share: 50(\.0)?%/);
    expect(texts(root)).toContain('50%'); // a y tick label
  });

  it('draws empty bars, not NaN, when nothing is counted', async () => {
    const svg = await renderSvg(spec(rows.map((r) => ({ ...r, count: 0 }))));
    expect(svg).not.toMatch(/NaN/);
    expect(heights(svg).every((x) => x === 0)).toBe(true);
  });
});
