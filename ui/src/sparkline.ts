import { svg } from './dom.ts';

/** A small line chart of the last values (left: oldest), scaled to its maximum. */
export function sparkline(values: readonly number[], label: string): SVGSVGElement {
  const width = 220;
  const height = 36;
  const max = Math.max(...values, 1e-9);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((value, index) => `${(index * step).toFixed(1)},${(height - 2 - (value / max) * (height - 4)).toFixed(1)}`).join(' ');
  return svg('svg', { class: 'sparkline', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label }, svg('polyline', { points }));
}
