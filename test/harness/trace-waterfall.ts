import type { ReceivedSpan } from './otlp-receiver.ts';

const KIND = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const ROW = 26;
const LABEL = 330;
const WIDTH = 980;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The spans in tree order (parents before children, siblings by start), each with its depth. */
function ordered(spans: readonly ReceivedSpan[]): { span: ReceivedSpan; depth: number }[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | undefined, ReceivedSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const out: { span: ReceivedSpan; depth: number }[] = [];
  const visit = (parent: string | undefined, depth: number): void => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startMs - b.startMs)) {
      out.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(undefined, 0);
  return out;
}

/**
 * Draws one trace's spans as a waterfall (an SVG, like a tracing UI's trace view): a row per
 * span in tree order, its service, name and kind on the left, a bar from its start to its end
 * on a shared time axis, errors in red. Used by the tracing test to draw docs/operations/trace.svg.
 */
export function traceWaterfall(spans: readonly ReceivedSpan[], title: string): string {
  const rows = ordered(spans);
  const start = Math.min(...spans.map((span) => span.startMs));
  const total = Math.max(...spans.map((span) => span.endMs)) - start || 1;
  const scale = (WIDTH - LABEL - 80) / total;
  const height = 40 + rows.length * ROW + 10;
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="600">${escape(title)}</text>`,
    `<text x="${WIDTH - 10}" y="20" text-anchor="end" fill="#666">${total.toFixed(2)} ms</text>`,
  ];
  rows.forEach(({ span, depth }, index) => {
    const y = 40 + index * ROW;
    const x = LABEL + (span.startMs - start) * scale;
    const width = Math.max(2, (span.endMs - span.startMs) * scale);
    const service = String(span.resource['service.name'] ?? '?');
    const colour = span.status === 2 ? '#d9534f' : service === 'alpha' ? '#4a7bd0' : '#3fa37a';
    lines.push(
      `<text x="${10 + depth * 14}" y="${y + 16}"><tspan fill="#666">${escape(service)}</tspan> ${escape(span.name)} <tspan fill="#999">(${KIND[span.kind] ?? span.kind})</tspan></text>`,
      `<rect x="${x.toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="${ROW - 10}" rx="3" fill="${colour}"/>`,
      `<text x="${(x + width + 6).toFixed(1)}" y="${y + 16}" fill="#444">${(span.endMs - span.startMs).toFixed(2)} ms</text>`,
    );
  });
  lines.push('</svg>', '');
  return lines.join('\n');
}
