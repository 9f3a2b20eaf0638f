import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, stopWeft, tempDir } from '../../harness/cli.ts';
import { traceWaterfall } from '../../harness/trace-waterfall.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../harness/otlp-receiver.ts';

const SERVER = 2;
const CLIENT = 3;

/**
 * `weft start --otel` end to end: two engines, each its own OS process with its own service
 * name, one request through engine A's listener and http client into engine B's listener; the
 * spans both export (flushed at SIGTERM) form one trace, and B's log line for its 500 carries
 * the trace id.
 */
describe('weft start --otel (two engines, real processes)', () => {
  let receiver: OtlpReceiver;
  let dir: ReturnType<typeof tempDir>;
  let alpha: ReturnType<typeof spawnWeft>;
  let beta: ReturnType<typeof spawnWeft>;
  let alphaPort: number;

  // SIGTERM flushes the spans; the exporter may take a while on a loaded machine.
  const stop = (child: ReturnType<typeof spawnWeft> | undefined): Promise<void> => stopWeft(child, 10_000);

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    dir = tempDir();
    const betaPort = await freePort();
    alphaPort = await freePort();
    writeFileSync(join(dir.path, 'beta.json'), JSON.stringify([
      { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: betaPort, links: { out: [{ name: 'router', port: 'in' }] } },
      { kind: 'router', name: 'router', routes: [{ method: 'GET', path: '/fail', port: 'out[0]' }], links: { 'out[0]': [{ name: 'boom', port: 'in' }] } },
      { kind: 'throw', name: 'boom', message: 'broken on purpose' },
    ]));
    writeFileSync(join(dir.path, 'alpha.json'), JSON.stringify([
      { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: alphaPort, links: { out: [{ name: 'call', port: 'in' }] } },
      { kind: 'http', name: 'call', url: `http://127.0.0.1:${betaPort}` },
    ]));
    const common = ['--store', 'memory://', '--sandbox', 'in-process', '--log-level', 'info'];
    beta = spawnWeft(['start', '-f', join(dir.path, 'beta.json'), ...common, '--otel', receiver.url], { cwd: dir.path, env: { OTEL_SERVICE_NAME: 'beta' } });
    // Engine A takes the standard variable instead of the flag.
    alpha = spawnWeft(['start', '-f', join(dir.path, 'alpha.json'), ...common], { cwd: dir.path, env: { OTEL_SERVICE_NAME: 'alpha', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    await eventually(async () => (alpha.output().includes('weft is running') && beta.output().includes('weft is running') ? true : undefined), 20_000, 'both engines to run');
  }, 30_000);

  afterAll(async () => {
    await stop(alpha);
    await stop(beta);
    await receiver?.close();
    dir?.remove();
  });

  it('one trace id across both engines; error status and trace_id on the log line for the 500', async () => {
    const response = await fetch(`http://127.0.0.1:${alphaPort}/fail`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(500);
    await stop(alpha);
    await stop(beta);
    const spans = await eventually(async () => {
      const servers = receiver.spans.filter((span) => span.kind === SERVER);
      return servers.length >= 2 ? receiver.spans : undefined;
    }, 5000, 'server spans of both engines');
    const alphaServer = spans.find((span) => span.kind === SERVER && span.resource['service.name'] === 'alpha')!;
    const client = spans.find((span) => span.kind === CLIENT && span.resource['service.name'] === 'alpha')!;
    const betaServer = spans.find((span) => span.kind === SERVER && span.resource['service.name'] === 'beta')!;
    expect(client.traceId).toBe(alphaServer.traceId);
    expect(betaServer.traceId).toBe(alphaServer.traceId);
    expect(client.parentSpanId).toBe(alphaServer.spanId);
    expect(betaServer.parentSpanId).toBe(client.spanId);
    expect(betaServer.status).toBe(2);
    expect(betaServer.attributes['http.response.status_code']).toBe(500);
    const failure = beta.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'request failed');
    expect(failure).toMatchObject({ trace_id: betaServer.traceId, span_id: betaServer.spanId });

    // The picture of this trace in docs/operations.md (WEFT_WRITE_DOCS=1 redraws it).
    const trace = spans.filter((span) => span.traceId === alphaServer.traceId);
    const picture = traceWaterfall(trace, 'GET /fail: engine alpha → http client → engine beta (throw)');
    for (const span of trace) expect(picture).toContain(`${span.name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')} <tspan`);
    if (process.env.WEFT_WRITE_DOCS === '1') writeFileSync(new URL('../../../docs/operations/trace.svg', import.meta.url), picture);
  });
});
