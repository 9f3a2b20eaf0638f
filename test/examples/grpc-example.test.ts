import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callError, testClient, type TestClient } from '../codecs/network/grpc/grpc-clients.ts';
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
});
