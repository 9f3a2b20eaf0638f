import { Type } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, WeftError, type ErrorCode } from '../../src/index.ts';
import type { Mock } from './test-file.ts';

/** The kind name of a mocked node; known only to the scheme of `weft test`. */
export const MOCK_KIND = 'weft-test-mock';

/** The error a mock answers: the code's catalogue error, with the given message when there is one. */
export function mockError(error: { code: string; message?: string }): WeftError {
  const made = new WeftError(error.code as ErrorCode, error.message === undefined ? {} : { message: error.message, reason: error.message });
  if (error.message !== undefined) made.message = error.message;
  return made;
}

/**
 * `weft-test-mock`: stands in for a node a test case mocks. Every packet at `in` is answered
 * with the fixed `reply` (a copy, so a node downstream cannot change the next case's), or with
 * the coded `error`; it has no links of its own.
 */
export const mockDefinition = defineKind({
  kind: MOCK_KIND,
  description: 'A test double of weft test: answers every packet with a fixed reply or error.',
  schema: Type.Object({ mock: Type.Unknown() }),
  ports: { in: ['in'], out: [] },
  codec: (spec) => {
    const mock = spec.mock as Mock;
    return new OneToOneNode(() => new Packet('error' in mock ? mockError(mock.error) : structuredClone(mock.reply)));
  },
});
