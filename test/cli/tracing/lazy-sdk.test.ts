import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, tempDir } from '../../harness/cli.ts';

const CLI = new URL('../../../cli/weft.ts', import.meta.url).pathname;

/** A module hook that prints each @opentelemetry package the process resolves. */
const HOOK = `import { registerHooks } from 'node:module';
registerHooks({ resolve(specifier, context, next) {
  const resolved = next(specifier, context);
  const match = /node_modules\\/(@opentelemetry\\/[^/]+)/.exec(resolved.url);
  if (match) process.stderr.write('otel-package ' + match[1] + '\\n');
  return resolved;
} });
`;

/** Runs `weft start` until it serves, then stops it; resolves with the @opentelemetry packages it loaded. */
async function packagesLoaded(dir: string, extra: string[]): Promise<Set<string>> {
  const port = await freePort();
  const file = join(dir, 'ping.json');
  writeFileSync(file, JSON.stringify([
    { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port, links: { out: [{ name: 'pong', port: 'in' }] } },
    { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
  ]));
  const child = spawn(process.execPath, ['--import', join(dir, 'hook.mjs'), CLI, 'start', '-f', file, '--store', 'memory://', '--sandbox', 'in-process', ...extra], {
    cwd: dir, env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 20_000;
  while (!output.includes('weft is running') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  expect(output).toContain('weft is running');
  return new Set([...output.matchAll(/otel-package (\S+)/g)].map((match) => match[1]!));
}

describe('the OpenTelemetry SDK is loaded only when tracing is on', () => {
  it('weft start without --otel loads @opentelemetry/api alone; with --otel, the SDK and exporter too', async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'hook.mjs'), HOOK);
      const off = await packagesLoaded(dir.path, []);
      expect([...off]).toEqual(['@opentelemetry/api']);
      const on = await packagesLoaded(dir.path, ['--otel', 'http://127.0.0.1:9']);
      expect(on).toContain('@opentelemetry/sdk-trace');
      expect(on).toContain('@opentelemetry/exporter-trace-otlp-http');
    } finally {
      dir.remove();
    }
  }, 60_000);
});
