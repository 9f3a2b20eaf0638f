import { describe, expect, it } from 'vitest';
import { Packet, Process } from '../../../../src/index.ts';
import { activeTracer } from '../../../../codecs/_shared/trace/active-tracer.ts';
import { startChildSpan } from '../../../../codecs/_shared/trace/child-span.ts';
import { hopSpans } from '../../../../codecs/_shared/trace/hop-spans.ts';
import { startProcessSpan } from '../../../../codecs/_shared/trace/process-span.ts';
import { traceparentOf } from '../../../../codecs/_shared/trace-context.ts';
import { startUpstream } from '../../network/http-upstream.ts';
import { wire } from '../../../harness/wire.ts';
import type { ListenerNode } from '../../../../codecs/network/listener.ts';

describe('tracing off (no OpenTelemetry SDK registered)', () => {
  it('makes no spans and leaves an untraced process without data', () => {
    expect(activeTracer()).toBeUndefined();
    const process = new Process();
    expect(startProcessSpan(process, { name: 'x', kind: 'server' })).toBeUndefined();
    expect(startChildSpan(process, 'y', 'client')).toBeUndefined();
    const probe = hopSpans.probe({ namespace: 'n', source: { node: 'a', kind: 'k', port: 'out' }, target: { node: 'b', kind: 'k', port: 'in' } });
    expect(probe.enter(process, new Packet(1))).toBeUndefined();
    expect(traceparentOf(process)).toBeUndefined();
  });

  it('passes an incoming traceparent through: listener → http client carries it unchanged', async () => {
    const upstream = await startUpstream((_request, response) => response.end('ok'));
    const wired = await wire([
      { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'call', port: 'in' }] } },
      { kind: 'http', name: 'call', url: upstream.url },
    ]);
    try {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const port = wired.node<ListenerNode>('http').port!;
      const response = await fetch(`http://127.0.0.1:${port}/x`, { headers: { traceparent }, signal: AbortSignal.timeout(5000) });
      expect(response.status).toBe(200);
      expect(upstream.seen.at(-1)!.headers.traceparent).toBe(traceparent);
      await fetch(`http://127.0.0.1:${port}/y`, { signal: AbortSignal.timeout(5000) });
      expect(upstream.seen.at(-1)!.headers.traceparent).toBeUndefined();
    } finally {
      await wired.close();
      await upstream.close();
    }
  });
});
