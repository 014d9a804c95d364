import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { FrequencyBar, TrackingPoint } from '@lifecycle/projections/clv/clv-model';

/**
 * The CLV report's charts as vega-lite specs, rendered to SVG in Node: vega's headless View with
 * renderer 'none' and `toSVG()`, no canvas and no native dependency.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const ACTUAL = 'actual';

/**
 * Cumulative repeat purchases of the calibration cohort, actual vs the model's prediction, over the
 * calibration and the holdout (Fader, Hardie & Lee 2005, figure 2). A rule marks the calibration end.
 */
export function trackingChart(series: readonly TrackingPoint[], options: { model: string; unit: string; calibrationEnd: number; title: string }): TopLevelSpec {
  const predicted = `predicted (${options.model})`;
  const values = series.flatMap((p) => [
    { t: p.t, series: ACTUAL, purchases: p.actual },
    { t: p.t, series: predicted, purchases: Math.round(p.predicted * 10) / 10 },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    width: 560,
    height: 320,
    layer: [
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2, point: { size: 10 } },
        encoding: {
          x: { field: 't', type: 'quantitative', title: `${options.unit} since the cohort's first purchase day` },
          y: { field: 'purchases', type: 'quantitative', title: 'cumulative repeat purchases' },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: [ACTUAL, predicted], range: ['#1f2937', '#d9480f'] } },
          strokeDash: { field: 'series', type: 'nominal', legend: null, scale: { domain: [ACTUAL, predicted], range: [[1, 0], [6, 3]] } },
        },
      },
      {
        data: { values: [{ t: options.calibrationEnd, label: 'end of calibration' }] },
        layer: [
          { mark: { type: 'rule', color: '#868e96', strokeDash: [2, 2] }, encoding: { x: { field: 't', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', dx: 4, y: 8, color: '#495057' }, encoding: { x: { field: 't', type: 'quantitative' }, text: { field: 'label' } } },
        ],
      },
    ],
  };
}

/** Customers by repeat purchases in the calibration period, actual vs expected (FHL 2005, figure 3). */
export function histogramChart(bars: readonly FrequencyBar[], options: { model: string; title: string }): TopLevelSpec {
  const predicted = `predicted (${options.model})`;
  const order = bars.map((b) => b.frequency);
  const values = bars.flatMap((b) => [
    { frequency: b.frequency, series: ACTUAL, customers: b.actual },
    { frequency: b.frequency, series: predicted, customers: Math.round(b.predicted * 10) / 10 },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    width: 560,
    height: 320,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'frequency', type: 'ordinal', sort: order, title: 'repeat purchases in the calibration period', axis: { labelAngle: 0 } },
      xOffset: { field: 'series', type: 'nominal', sort: [ACTUAL, predicted] },
      y: { field: 'customers', type: 'quantitative', title: 'customers' },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: [ACTUAL, predicted], range: ['#1f2937', '#d9480f'] } },
    },
  };
}
