import type { Dispatcher } from 'undici';
import { WeftError } from '../../../src/index.ts';
import { decodeBody } from '../../_shared/http/decode-body.ts';
import type { FormLists } from '../../_shared/http/form.ts';

/** The reply of the `http` node: the response's status, headers and decoded body. */
export interface HttpReply {
  readonly status: number;
  /** Lower-cased name → list of values. */
  readonly header: FormLists;
  readonly body: unknown;
}

/**
 * Reads a response body of at most `maxBytes` (refusing it with ERR_HTTP_RESPONSE_TOO_LARGE as
 * soon as its Content-Length or the bytes received say it is larger) and decodes it by its
 * Content-Type and Content-Encoding. A body that does not decode is ERR_HTTP_RESPONSE_INVALID.
 */
export async function readResponse(response: Dispatcher.ResponseData, url: string, maxBytes: number): Promise<HttpReply> {
  const header = headerLists(response.headers);
  const declared = Number(header['content-length']?.[0]);
  if (declared > maxBytes) {
    response.body.destroy();
    throw tooLarge(url, maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.body.destroy();
      throw tooLarge(url, maxBytes);
    }
    chunks.push(chunk);
  }
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  let body: unknown;
  try {
    body = decodeBody(bytes, header['content-type']?.[0], header['content-encoding']?.join(', '));
  } catch (thrown) {
    const reason = thrown instanceof WeftError ? String(thrown.params.reason) : String(thrown);
    throw new WeftError('ERR_HTTP_RESPONSE_INVALID', { url, reason }, { cause: thrown });
  }
  return { status: response.statusCode, header, body };
}

function headerLists(headers: Dispatcher.ResponseData['headers']): FormLists {
  const lists: FormLists = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    Object.defineProperty(lists, name.toLowerCase(), { value: Array.isArray(value) ? [...value] : [value], enumerable: true, writable: true, configurable: true });
  }
  return lists;
}

function tooLarge(url: string, maxBytes: number): WeftError {
  return new WeftError('ERR_HTTP_RESPONSE_TOO_LARGE', { url, max: maxBytes });
}
