import { describe, expect, it } from 'vitest';
import { parseSync } from 'svgson';
import { barChartSpec, lineChartSpec, renderSvg } from '../src/index.js';
import { marks, texts } from './svg-nodes.js';

describe('lineChartSpec → renderSvg', () => {
  const series = [
    { name: 'fish', points: [{ x: 50, mean: 0.8, std: 0.01 }, { x: 5, mean: 0.78, std: 0.02 }, { x: 0.5, mean: 0.7, std: 0.03 }] },
    { name: 'random', points: [{ x: 50, mean: 0.79, std: 0.02 }, { x: 5, mean: 0.75 }, { x: 0.5, mean: 0.6, std: 0 }] },
  ];

  it('has the title, both axis titles, a line per series, a point per value and an error bar per std > 0', async () => {
    const svg = await renderSvg(lineChartSpec({ title: 'SST-2: score vs ratio', x: { title: 'Ratio2 (%)', scale: 'log', reverse: true }, y: { title: 'accuracy' }, series }));
    expect(svg.startsWith('<svg')).toBe(true);
    const root = parseSync(svg);
    const t = texts(root);
    expect(t).toContain('SST-2: score vs ratio');
    expect(t).toContain('Ratio2 (%)');
    expect(t).toContain('accuracy');
    expect(t).toEqual(expect.arrayContaining(['fish', 'random'])); // legend
    expect(marks(root, 'mark-line')).toHaveLength(2);
    expect(marks(root, 'mark-symbol')).toHaveLength(6);
    expect(marks(root, 'mark-rule')).toHaveLength(4); // std 0.01, 0.02, 0.03, 0.02; absent and 0 draw none
  });

  it('puts larger values higher (y is not inverted)', async () => {
    const svg = await renderSvg(lineChartSpec({ title: 't', x: { title: 'epoch' }, y: { title: 'score' }, series: [{ name: 'a', points: [{ x: 1, mean: 0 }, { x: 2, mean: 1 }] }] }));
    const points = marks(parseSync(svg), 'mark-symbol').map((p) => Number(/translate\(([-\d.]+),([-\d.]+)\)/.exec(p.attributes.transform!)![2]));
    expect(points[0]).toBeGreaterThan(points[1]!); // SVG y grows downwards
  });
});

describe('barChartSpec → renderSvg', () => {
  it('draws one bar per (category, group) and error bars where std > 0', async () => {
    const bars = ['1%', '0.5%'].flatMap((category) => ['fish', 'random', 'reverse'].map((group, i) => ({ category, group, mean: 0.5 + i / 10, std: i === 2 ? 0 : 0.02 })));
    const svg = await renderSvg(barChartSpec({ title: 'masks', x: { title: 'Ratio2' }, y: { title: 'score' }, bars }));
    const root = parseSync(svg);
    expect(texts(root)).toEqual(expect.arrayContaining(['masks', 'Ratio2', 'score', '1%', '0.5%']));
    expect(marks(root, 'mark-rect')).toHaveLength(6);
    expect(marks(root, 'mark-rule')).toHaveLength(4);
  });

  it('draws ungrouped bars without a legend', async () => {
    const svg = await renderSvg(barChartSpec({ title: 'time', x: { title: 'ratio' }, y: { title: 's / epoch' }, bars: [{ category: 'a', mean: 1 }, { category: 'b', mean: 2 }] }));
    expect(marks(parseSync(svg), 'mark-rect')).toHaveLength(2);
  });
});
