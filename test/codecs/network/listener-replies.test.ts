import { afterEach, describe, expect, it } from 'vitest';
import { Packet, WeftError, type Handler } from '../../../src/index.ts';
import { capturingLogger, type LogLine } from '../../harness/capture-logger.ts';
import { startListener, type TestServer } from '../../harness/listen.ts';
import { exchange, statusOf } from '../../harness/raw-http.ts';
import { testContext } from '../../harness/wire.ts';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(out: Handler): Promise<{ server: TestServer; lines: LogLine[] }> {
  const logger = capturingLogger();
  server = await startListener({ out }, testContext({ logger }), { name: 'api' });
  return { server, lines: logger.lines };
}

const errors = (lines: readonly LogLine[]): LogLine[] => lines.filter((line) => line.level === 'error');

describe('listener replies it cannot write', () => {
  it.each([101, 199, 600, 42, -1, 2.5, Number.NaN])('answers status %d with 500 and logs ERR_REPLY_STATUS naming the listener, once', async (status) => {
    const { server, lines } = await serve(() => new Packet({ status, body: 'x' }));
    for (let i = 0; i < 5; i++) expect((await server.fetch('/')).status).toBe(500);
    expect(errors(lines)).toHaveLength(1);
    expect(errors(lines)[0]!.fields).toMatchObject({ node: 'api', code: 'ERR_REPLY_STATUS', suppressed: 0 });
    expect((errors(lines)[0]!.fields.err as WeftError).params).toMatchObject({ node: 'api' });
  });

  it('refuses a header value with CR/LF (no header injection) with 500 ERR_REPLY_HEADER, logged once', async () => {
    const injected = { status: 200, header: { 'X-Note': 'a\r\nSet-Cookie: session=stolen', 'X-Ok': 'fine' }, body: 'x' };
    const { server, lines } = await serve(() => new Packet(injected));
    const port = server.node.port!;
    for (let i = 0; i < 3; i++) {
      const raw = await exchange(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      expect(statusOf(raw.response)).toBe(500);
      expect(raw.response.toLowerCase()).not.toContain('set-cookie');
      expect(raw.response.toLowerCase()).not.toContain('x-ok');
    }
    expect(errors(lines).map((line) => line.fields.code)).toEqual(['ERR_REPLY_HEADER']);
  });

  it.each([
    [{ 'bad name': 'x' }],
    [{ 'X-List': ['ok', 'b\nc'] }],
    [{ 'X-Nul': 'a\u0000b' }],
    [{ 'X-Wide': 'ünï ☃' }],
  ])('refuses the header set %j with ERR_REPLY_HEADER', async (header) => {
    const { server, lines } = await serve(() => new Packet({ status: 200, header }));
    expect((await server.fetch('/')).status).toBe(500);
    expect(errors(lines).map((line) => line.fields.code)).toEqual(['ERR_REPLY_HEADER']);
  });

  it('logs other 500s once per code per minute, with the count held back, and redacts query values', async () => {
    const { server, lines } = await serve(() => new Packet(new Error('boom')));
    for (let i = 0; i < 4; i++) expect((await server.fetch(`/x?token=s3cret&page=${i}&flag`)).status).toBe(500);
    expect(errors(lines)).toHaveLength(1);
    expect(errors(lines)[0]!.fields).toMatchObject({ code: 'ERR_INTERNAL', url: '/x?token=[redacted]&page=[redacted]&flag', method: 'GET' });
    expect(JSON.stringify(lines.map((line) => line.fields.url))).not.toContain('s3cret');
  });

  it('does not log 4xx and deliberate 5xx maps', async () => {
    const { server, lines } = await serve((_process, packet) => {
      const path = (packet.payload as { path: string }).path;
      return new Packet(path === '/a' ? new WeftError('ERR_SPEC_NOT_FOUND', { spec: 'x' }) : { status: 503, body: 'later' });
    });
    expect((await server.fetch('/a')).status).toBe(404);
    expect((await server.fetch('/b')).status).toBe(503);
    expect(errors(lines)).toEqual([]);
  });
});
