import { WeftError } from '../../src/index.ts';
import type { Delivery } from './brokers/broker.ts';

/** The headers weft writes on the messages it publishes (see docs/kinds/consumer.md). */
export const HEADER = {
  id: 'weft-id',
  attempt: 'weft-attempt',
  contentType: 'content-type',
  errorCode: 'weft-error-code',
  errorMessage: 'weft-error-message',
  attempts: 'weft-attempts',
  origin: 'weft-queue',
  claimedType: 'weft-content-type',
} as const;

/** What the consumer writes to `out` for each message. */
export interface MessagePayload {
  /** The message id: the publisher's `weft-id`, else the broker's own id; stable across redeliveries. */
  readonly id: string;
  readonly queue: string;
  /** 1 on the first delivery, then one more for each retry. */
  readonly attempt: number;
  readonly body: unknown;
  /** The message headers (names lower-cased), without weft's `weft-id` and `weft-attempt`. */
  readonly headers: Record<string, string>;
}

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BYTES_TYPE = 'application/octet-stream';
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** A payload as message bytes: bytes as they are, a string as UTF-8, anything else as JSON. */
export function encodeBody(payload: unknown): { body: Uint8Array; contentType: string } {
  if (payload instanceof Uint8Array) return { body: payload, contentType: BYTES_TYPE };
  if (typeof payload === 'string') return { body: encoder.encode(payload), contentType: TEXT_TYPE };
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (thrown) {
    throw new WeftError('ERR_QUEUE_PAYLOAD_INVALID', { reason: thrown instanceof Error ? thrown.message : String(thrown) });
  }
  if (text === undefined) throw new WeftError('ERR_QUEUE_PAYLOAD_INVALID', { reason: `${typeof payload} has no JSON form` });
  return { body: encoder.encode(text), contentType: JSON_TYPE };
}

/**
 * The body of a message by its content type: JSON types parse (ERR_QUEUE_MESSAGE_INVALID when
 * they do not), `text/*` is a string, other types are bytes. Without a content type (a message
 * from another producer): JSON when it parses, else a string when it is UTF-8, else bytes.
 */
export function decodeBody(body: Uint8Array, contentType: string | undefined, where: { id: string; queue: string }): unknown {
  if (contentType === JSON_TYPE) return parseJson(body, JSON_TYPE, where);
  const type = contentType?.split(';')[0]!.trim().toLowerCase();
  if (type === undefined || type === '') return guess(body);
  if (type === JSON_TYPE || type.endsWith('+json')) return parseJson(body, type, where);
  if (type.startsWith('text/')) {
    try {
      return utf8.decode(body);
    } catch {
      throw new WeftError('ERR_QUEUE_MESSAGE_INVALID', { ...where, reason: `${type} body is not UTF-8` });
    }
  }
  return body;
}

function parseJson(body: Uint8Array, type: string, where: { id: string; queue: string }): unknown {
  try {
    return JSON.parse(utf8.decode(body)) as unknown;
  } catch (thrown) {
    throw new WeftError('ERR_QUEUE_MESSAGE_INVALID', { ...where, reason: `${type} body does not parse: ${(thrown as Error).message}` });
  }
}

function guess(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return body;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The payload of a delivery (throws ERR_QUEUE_MESSAGE_INVALID for a body that does not decode). */
export function messagePayload(delivery: Delivery, queue: string): MessagePayload {
  const headers: Record<string, string> = {};
  const given = delivery.headers;
  for (const name in given) {
    if (name !== HEADER.id && name !== HEADER.attempt && Object.hasOwn(given, name)) headers[name] = given[name]!;
  }
  const id = delivery.headers[HEADER.id] ?? delivery.brokerId;
  return { id, queue, attempt: delivery.attempt, body: decodeBody(delivery.body, headers[HEADER.contentType], { id, queue }), headers };
}

/** The attempt a message's `weft-attempt` header says (1 when absent or not a positive integer). */
export function headerAttempt(headers: Readonly<Record<string, string>>): number {
  const value = Number(headers[HEADER.attempt]);
  return Number.isInteger(value) && value > 0 ? value : 1;
}
