/**
 * @module @fish-tuning/charts — experiment charts as vega-lite specs, rendered to SVG strings by vega.
 */
export { lineChartSpec, barChartSpec, type LineChartOptions, type LineSeries, type LinePoint, type BarChartOptions, type Bar, type AxisOptions } from './specs.js';
export { renderSvg } from './render.js';
