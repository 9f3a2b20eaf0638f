import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeftError } from '../../src/index.ts';
import { callError, testClient, type TestClient } from '../codecs/network/grpc/grpc-clients.ts';
import { eventually, freePort, spawnWeft, stopWeft, tempDir } from '../harness/cli.ts';
import { wire } from '../harness/wire.ts';
import { exampleSpecs, runExample, type RunningExample } from './run-example.ts';

const proto = fileURLToPath(new URL('../../examples/grpc/calculator.proto', import.meta.url));

describe('examples/grpc/calculator.yaml', () => {
  let running: RunningExample;
  let calculator: TestClient;

  beforeAll(async () => {
    running = await runExample(exampleSpecs('grpc/calculator.yaml', (spec) => (spec.kind === 'listener' ? { ...spec, proto } : spec)));
    calculator = testClient(proto, 'calculator.Calculator', running.url.replace('http://', ''));
  });

  afterAll(async () => {
    calculator.close();
    await running.close();
  });

  it('answers the four methods to a grpc-js client that is not weft', async () => {
    expect(await calculator.unary('Add', { a: 2, b: 3.5 })).toEqual({ result: 5.5 });
    expect(await calculator.unary('Subtract', { a: 2, b: 3 })).toEqual({ result: -1 });
    expect(await calculator.unary('Multiply', { a: 6, b: 7 })).toEqual({ result: 42 });
    expect(await calculator.unary('Divide', { a: 1, b: 4 })).toEqual({ result: 0.25 });
    expect(await calculator.unary('Add', {})).toEqual({ result: 0 });
  });

  it('answers a division by zero with INVALID_ARGUMENT and the weft code in the metadata', async () => {
    const error = await callError(calculator.unary('Divide', { a: 1, b: 0 }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toBe('division by zero');
    expect(error.metadata.get('weft-error-code')).toEqual(['ERR_THROWN_INVALID_ARGUMENT']);
  });

  it('is called by weft grpc nodes too: the reply is the response, division by zero ERR_GRPC_STATUS with the server\'s code', async () => {
    const target = running.url.replace('http://', '');
    const wired = await wire(['Add', 'Divide'].map((method) => ({ kind: 'grpc', name: method, target, proto, method: `calculator.Calculator/${method}`, deadline: '5s' })));
    try {
      expect((await wired.send('Add', { a: 40, b: 2 })).payload).toEqual({ result: 42 });
      expect((await wired.send('Divide', { a: 1, b: 8 })).payload).toEqual({ result: 0.125 });
      const failed = (await wired.send('Divide', { a: 1, b: 0 })).payload as WeftError;
      expect(failed.code).toBe('ERR_GRPC_STATUS');
      expect(failed.details).toEqual({ status: 'INVALID_ARGUMENT', code: status.INVALID_ARGUMENT, remoteCode: 'ERR_THROWN_INVALID_ARGUMENT' });
    } finally {
      await wired.close();
    }
  });
});

describe('examples/grpc/calculator.yaml under weft start', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('serves from the repository layout, its proto path relative to the working directory', async () => {
    const port = await freePort();
    mkdirSync(join(dir.path, 'examples', 'grpc'), { recursive: true });
    copyFileSync(proto, join(dir.path, 'examples', 'grpc', 'calculator.proto'));
    const yaml = readFileSync(new URL('../../examples/grpc/calculator.yaml', import.meta.url), 'utf8');
    writeFileSync(join(dir.path, 'examples', 'grpc', 'calculator.yaml'), yaml.replace('port: 50051', `port: ${port}`));
    const child = spawnWeft(['start', '-f', 'examples/grpc/calculator.yaml', '--store', 'memory://'], { cwd: dir.path });
    const calculator = testClient(proto, 'calculator.Calculator', `127.0.0.1:${port}`);
    try {
      await eventually(async () => child.output().split('\n').find((line) => line.includes('listening (gRPC)')), 15_000, 'the listening line');
      expect(await calculator.unary('Multiply', { a: 6, b: 7 })).toEqual({ result: 42 });
    } finally {
      calculator.close();
      await stopWeft(child);
    }
  }, 30_000);
});
