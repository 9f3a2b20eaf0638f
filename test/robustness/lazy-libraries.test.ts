import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, stopWeft, tempDir } from '../harness/cli.ts';

const RECORDER = new URL('../fixtures/record-packages.ts', import.meta.url).pathname;
// Client libraries of kinds the ping workflow does not use: an engine must not load them.
const UNUSED = ['pg', 'mysql2', 'undici', 'ioredis', 'ws', 'mongodb', 'amqplib', 'mqtt', '@nats-io/transport-node', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'];

describe('client libraries load with the first node that needs them', () => {
  let child: ReturnType<typeof spawnWeft> | undefined;
  let upstream: Server | undefined;
  const dir = tempDir();
  afterEach(async () => {
    await stopWeft(child);
    upstream?.close();
    dir.remove();
  });

  it('an engine serving examples/ping.yaml loads none of the unused kinds\' client libraries, and an http node loads undici on its first call', async () => {
    const port = await freePort();
    const file = join(dir.path, 'ping.yaml');
    upstream = createServer((_request, response) => response.end('upstream'));
    await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    // examples/ping.yaml with one more route, /out, to an http client calling the upstream server.
    const ping = readFileSync(new URL('../../examples/ping.yaml', import.meta.url), 'utf8').replace('port: 8000', `port: ${port}`);
    const withClient = ping
      .replace('      port: out[0]\n', "      port: out[0]\n    - method: GET\n      path: /out\n      port: out[1]\n")
      .replace("  links:\n    out[0]:\n      - name: pong\n        port: in\n", "  links:\n    out[0]:\n      - name: pong\n        port: in\n    out[1]:\n      - name: call\n        port: in\n");
    expect(withClient).toContain('out[1]:');
    writeFileSync(file, `${withClient}\n- kind: http\n  name: call\n  url: http://127.0.0.1:${upstreamPort}\n`);
    const packages = join(dir.path, 'packages.json');
    child = spawnWeft(['start', '-f', file, '--store', 'memory://', '--insecure'], { cwd: dir.path, env: { NODE_OPTIONS: `--import ${RECORDER}`, WEFT_TEST_PACKAGES_FILE: packages } });
    await eventually(async () => ((await fetch(`http://127.0.0.1:${port}/ping`).catch(() => undefined))?.ok ? true : undefined), 20_000, `ping on ${port}\n${child.output()}`);
    const loaded = (): string[] => JSON.parse(readFileSync(packages, 'utf8')) as string[];
    expect(loaded()).toContain('fastify');
    expect(loaded().filter((name) => UNUSED.includes(name))).toEqual([]);

    const response = await fetch(`http://127.0.0.1:${port}/out`);
    // The client's reply {status, header, body} is the listener's answer.
    expect([response.status, await response.text()]).toEqual([200, 'upstream']);
    expect(loaded()).toContain('undici');
  }, 40_000);
});
