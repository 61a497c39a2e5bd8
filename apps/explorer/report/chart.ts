import 'uplot/dist/uPlot.min.css';
import { createElement as h, useEffect, useRef } from 'react';
import uPlot from 'uplot';

/**
 * A chart drawn by uPlot (bundled from npm, drawn on a canvas: nothing loaded from elsewhere) over
 * categories on the x axis (months, aging buckets). One chart holds one currency: amounts in
 * different currencies are never added nor drawn on one scale.
 */

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

interface ChartProps {
  title: string;
  categories: string[];
  series: ChartSeries[];
  kind: 'line' | 'bars';
}

const COLOURS = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2'];

export function Chart({ title, categories, series, kind }: ChartProps) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!target.current || categories.length === 0) return;
    const bars = kind === 'bars' ? uPlot.paths.bars!({ size: [0.6, 80] }) : undefined;
    const options: uPlot.Options = {
      title,
      width: 420,
      height: 220,
      // The values are in the table below: the legend names the series only.
      legend: { live: false },
      scales: {
        x: { time: false, range: [-0.5, categories.length - 0.5] },
        // Bars stand on zero; lines use the range of their values.
        ...(kind === 'bars' ? { y: { range: (_chart: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.1 : 1] } } : {}),
      },
      axes: [
        { values: (_chart, splits) => splits.map((split) => (Number.isInteger(split) ? (categories[split] ?? '') : '')), space: kind === 'bars' ? 30 : 64 },
        { size: 84, values: (_chart, splits) => splits.map((split) => split.toLocaleString('en')) },
      ],
      series: [
        {},
        ...series.map((line, index) => ({
          label: line.label,
          stroke: COLOURS[index % COLOURS.length],
          fill: kind === 'bars' ? `${COLOURS[index % COLOURS.length]}cc` : undefined,
          width: 2,
          ...(bars ? { paths: bars, points: { show: false } } : {}),
        })),
      ],
    };
    const xs = categories.map((_category, index) => index);
    const data: uPlot.AlignedData = [xs, ...series.map((line) => line.values)];
    const chart = new uPlot(options, data, target.current);
    return () => chart.destroy();
  }, [title, kind, JSON.stringify(categories), JSON.stringify(series)]);
  return h('div', { className: 'report-chart', ref: target, role: 'img', 'aria-label': title });
}
