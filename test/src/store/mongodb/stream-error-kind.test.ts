import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { streamErrorKind } from '../../../../src/store/mongodb/stream-error-kind.ts';

const server = (code: number, labels: string[] = []) => new MongoServerError({ message: `code ${code}`, code, errorLabels: labels });

describe('streamErrorKind', () => {
  it('calls network and server-selection errors, resumable labels and resumable codes transient', () => {
    expect(streamErrorKind(new MongoNetworkError('reset'), false)).toBe('transient');
    expect(streamErrorKind(new MongoServerSelectionError('no primary', { } as never), false)).toBe('transient');
    expect(streamErrorKind(server(1234, ['ResumableChangeStreamError']), false)).toBe('transient');
    expect(streamErrorKind(server(11602), false)).toBe('transient');
    expect(streamErrorKind(server(43), true)).toBe('transient');
    expect(streamErrorKind({ name: 'MongoCursorExhaustedError' }, false)).toBe('transient');
  });

  it('calls lost history, unknown tokens and missing pre-images a lost position', () => {
    for (const code of [260, 280, 286, 51770]) expect(streamErrorKind(server(code), false)).toBe('position');
    expect(streamErrorKind(server(9999, ['NonResumableChangeStreamError']), false)).toBe('position');
    expect(streamErrorKind({ code: 286, errorLabels: ['NonResumableChangeStreamError'] }, false)).toBe('position');
  });

  it('blames the position for any server refusal while opening from a token the server has not accepted yet', () => {
    expect(streamErrorKind(server(2), true)).toBe('position');
    expect(streamErrorKind(server(2), false)).toBe('fatal');
  });

  it('calls everything else fatal', () => {
    expect(streamErrorKind(server(13), false)).toBe('fatal');
    expect(streamErrorKind(new Error('bug'), true)).toBe('fatal');
    expect(streamErrorKind('text', false)).toBe('fatal');
  });
});
