import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { WeftError } from '../../../src/index.ts';
import { requestCoding } from '../../_shared/http/content-encoding.ts';

/**
 * How much of a refused body is still read and thrown away so that the client, which is
 * usually still sending, reads the 413/415 instead of failing with EPIPE when the socket
 * closes under it (a "lingering close", as nginx does). A client that announces more is cut at once.
 */
export const LINGER_BYTES = 16 * 1024 * 1024;

/** fastify's parser callback. */
type Done = (error: Error | null, body?: Buffer) => void;

/**
 * The listener's fastify content-type parser (for every type): collects the body bytes as
 * they came, within `bodySize()` read at each request (so a reloaded listener's new limit
 * applies on the same socket). Refuses before reading an encoding the listener will not undo
 * (ERR_HTTP_ENCODING_UNSUPPORTED, 415) and a body over the limit, announced or sent
 * (ERR_HTTP_BODY_TOO_LARGE, 413), after draining up to LINGER_BYTES of it. Decoding is left
 * to the first node that reads the body (lazy-body.ts).
 */
export function bodyReader(bodySize: () => number): (request: FastifyRequest, payload: IncomingMessage, done: Done) => void {
  return (request, payload, done) => {
    const limit = bodySize();
    const declared = Number(request.headers['content-length']);
    try {
      requestCoding(request.headers['content-encoding']);
    } catch (thrown) {
      refuse(payload, thrown as WeftError, declared, done);
      return;
    }
    if (declared > limit) {
      refuse(payload, tooLarge(limit), declared, done);
      return;
    }
    collect(payload, limit, declared, done);
  };
}

function collect(payload: IncomingMessage, limit: number, declared: number, done: Done): void {
  const chunks: Buffer[] = [];
  let received = 0;
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received <= limit) {
      chunks.push(chunk);
      return;
    }
    detach();
    chunks.length = 0;
    refuse(payload, tooLarge(limit), declared - received, done);
  };
  const onEnd = (): void => {
    detach();
    done(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
  };
  const onError = (error: Error): void => {
    detach();
    done(Object.assign(error, { statusCode: 400 }));
  };
  const detach = (): void => {
    payload.off('data', onData);
    payload.off('end', onEnd);
    payload.off('error', onError);
  };
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
  payload.resume();
}

/**
 * Answers `error` once the rest of the body is drained (at most LINGER_BYTES more, the
 * announced size when known); the answer closes the connection (fastify adds
 * `Connection: close` to a parser error).
 */
function refuse(payload: IncomingMessage, error: WeftError, remaining: number, done: Done): void {
  if (remaining > LINGER_BYTES || payload.complete) {
    done(error);
    return;
  }
  let drained = 0;
  let answered = false;
  const answer = (): void => {
    if (answered) return;
    answered = true;
    payload.off('data', onData);
    payload.off('end', answer);
    payload.off('error', answer);
    payload.off('close', answer);
    done(error);
  };
  const onData = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > LINGER_BYTES) answer();
  };
  payload.on('data', onData);
  payload.on('end', answer);
  payload.on('error', answer);
  payload.on('close', answer);
  payload.resume();
}

function tooLarge(limit: number): WeftError {
  return new WeftError('ERR_HTTP_BODY_TOO_LARGE', { reason: `it is over the listener's limit of ${limit} bytes` });
}
