import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, Packet, Runtime, Scheme, WeftError } from '../../../src/index.ts';
import { openStore } from '../../../src/store/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { freePort } from '../../harness/cli.ts';
import { capturingLogger } from '../../harness/capture-logger.ts';
import { startListener, type TestServer } from '../../harness/listen.ts';
import { testContext } from '../../harness/wire.ts';
import { until } from '../../harness/wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed EC certificate for localhost in DIR/NAME.{cert,key}.pem; returns its SHA-256 fingerprint. */
function makeCertificate(name: string): string {
  const cert = join(dir, `${name}.cert.pem`);
  const key = join(dir, `${name}.key.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=localhost/O=${name}`], { stdio: 'ignore' });
  return new X509Certificate(readFileSync(cert)).fingerprint256;
}

/** The fingerprint of the certificate a TLS handshake with 127.0.0.1:PORT is given. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' }, () => {
      const peer: PeerCertificate = socket.getPeerCertificate();
      socket.end();
      resolve(peer.fingerprint256);
    });
    socket.once('error', reject);
  });
}

/** GET over HTTPS trusting `ca` (a PEM file), through node:https with a bounded wait. */
async function httpsGet(port: number, ca: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', servername: 'localhost', ca: readFileSync(ca), timeout: 5000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.once('error', reject).once('timeout', () => req.destroy(new Error('timeout'))).end();
  });
}

const opened: TestServer[] = [];
afterEach(async () => {
  for (const server of opened.splice(0)) await server.close();
});

describe('listener tls', () => {
  it('serves HTTPS with the files given, and picks up replaced files without a restart', async () => {
    const first = makeCertificate('first');
    const second = makeCertificate('second');
    const cert = join(dir, 'live.cert.pem');
    const key = join(dir, 'live.key.pem');
    copyFileSync(join(dir, 'first.cert.pem'), cert);
    copyFileSync(join(dir, 'first.key.pem'), key);
    const logger = capturingLogger();
    const server = await startListener({ out: () => new Packet('secure') }, testContext({ logger }), { tls: { cert, key } });
    opened.push(server);
    const port = server.node.port!;
    const unusable = (): boolean => logger.lines.some((line) => line.message?.includes('unusable') === true);
    expect(await httpsGet(port, cert)).toEqual({ status: 200, body: 'secure' });
    expect(await servedFingerprint(port)).toBe(first);

    // A half-done replacement (new certificate, old key) keeps the old context and is logged once.
    copyFileSync(join(dir, 'second.cert.pem'), cert);
    await until(() => unusable(), 5000);
    expect(await servedFingerprint(port)).toBe(first);

    copyFileSync(join(dir, 'second.key.pem'), key);
    for (let tries = 0; tries < 100 && (await servedFingerprint(port)) !== second; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await servedFingerprint(port)).toBe(second);
    expect(await httpsGet(port, cert)).toEqual({ status: 200, body: 'secure' });
    expect(logger.lines.filter((line) => line.message?.includes('unusable'))).toHaveLength(1);
    expect(server.node.port).toBe(port);
  });

  it('refuses files that cannot be read or do not belong together, naming the field', async () => {
    makeCertificate('a');
    makeCertificate('b');
    const load = (tls: Record<string, string>) => startListener({}, testContext(), { tls }).then((server) => { opened.push(server); }, (thrown: unknown) => thrown);
    const missing = await load({ cert: join(dir, 'nope.pem'), key: join(dir, 'a.key.pem') });
    expect(missing).toBeInstanceOf(WeftError);
    expect((missing as WeftError).code).toBe('ERR_TLS_INVALID');
    expect((missing as WeftError).message).toMatch(/^tls\.cert: /);
    const mismatched = await load({ cert: join(dir, 'a.cert.pem'), key: join(dir, 'b.key.pem') });
    expect((mismatched as WeftError).code).toBe('ERR_TLS_INVALID');
    expect((mismatched as WeftError).message).toMatch(/^tls: /);
    writeFileSync(join(dir, 'garbage.pem'), 'not a certificate');
    const garbage = await load({ cert: join(dir, 'garbage.pem'), key: join(dir, 'a.key.pem') });
    expect((garbage as WeftError).code).toBe('ERR_TLS_INVALID');
  });

  it('turns TLS on and off on the same port through a spec change', async () => {
    makeCertificate('reload');
    const tls = { cert: join(dir, 'reload.cert.pem'), key: join(dir, 'reload.key.pem') };
    const port = await freePort();
    const store = await openStore('memory://');
    const [listener] = await store.insert([
      { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port, links: { out: [{ name: 'pong', port: 'in' }] } },
      { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
    ]);
    const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages() });
    try {
      await runtime.start();
      const plain = async () => (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) })).text();
      expect(await plain()).toBe('pong');
      await store.update([{ ...listener!, tls }]);
      await expect.poll(() => (runtime.table.byName('http')!.node as ListenerNode).secure, { timeout: 3000 }).toBe(true);
      expect(await httpsGet(port, tls.cert)).toEqual({ status: 200, body: 'pong' });
      await store.update([{ ...listener!, revision: 2 }]);
      await expect.poll(() => (runtime.table.byName('http')!.node as ListenerNode).secure, { timeout: 3000 }).toBe(false);
      expect(await plain()).toBe('pong');
    } finally {
      await runtime.close();
    }
  });
});
