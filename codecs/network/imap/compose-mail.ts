import { randomUUID } from 'node:crypto';
import { WeftError } from '../../../src/index.ts';

/** What `imap-append` takes: the parts of a mail, or a whole RFC 5322 message as `raw`. */
export interface MailParts {
  readonly from: string | Address;
  readonly to: string | Address | readonly (string | Address)[];
  readonly cc?: string | Address | readonly (string | Address)[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly inReplyTo?: string;
  readonly references?: string | readonly string[];
  readonly messageId?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An address as the imap source gives it. */
export interface Address {
  readonly name?: string;
  readonly address: string;
}

const invalid = (reason: string): WeftError => new WeftError('ERR_IMAP_MESSAGE_INVALID', { reason });

/** Builds the RFC 5322 bytes of a payload (`{raw}` is taken as it is); bad input is ERR_IMAP_MESSAGE_INVALID. */
export function composeMail(payload: unknown, domain: string): { source: Buffer; messageId?: string } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw invalid('the payload must be an object');
  const given = payload as Record<string, unknown>;
  if (given.raw !== undefined) {
    if (typeof given.raw !== 'string' && !(given.raw instanceof Uint8Array)) throw invalid('raw must be a string or bytes');
    if (given.raw.length === 0) throw invalid('raw is empty');
    return { source: Buffer.from(given.raw as string | Uint8Array) };
  }
  const parts = given as unknown as MailParts;
  for (const field of ['subject', 'text'] as const) if (typeof parts[field] !== 'string') throw invalid(`${field} must be a string`);
  if (parts.html !== undefined && typeof parts.html !== 'string') throw invalid('html must be a string');
  const messageId = parts.messageId ?? `<${randomUUID()}@${domain}>`;
  const lines = [
    `From: ${addressList(parts.from, 'from')}`,
    `To: ${addressList(parts.to, 'to')}`,
    ...(parts.cc === undefined ? [] : [`Cc: ${addressList(parts.cc, 'cc')}`]),
    `Subject: ${encodeWord(parts.subject)}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${headerValue(messageId, 'messageId')}`,
  ];
  if (parts.inReplyTo !== undefined) lines.push(`In-Reply-To: ${headerValue(parts.inReplyTo, 'inReplyTo')}`);
  if (parts.references !== undefined) {
    const list = typeof parts.references === 'string' ? [parts.references] : parts.references;
    if (!Array.isArray(list)) throw invalid('references must be a string or a list of strings');
    lines.push(`References: ${list.map((reference) => headerValue(reference, 'references')).join(' ')}`);
  }
  for (const [name, value] of Object.entries(parts.headers ?? {})) {
    if (!/^[!-9;-~]+$/.test(name)) throw invalid(`header name "${name}" is not a valid field name`);
    lines.push(`${name}: ${encodeWord(headerValue(value, `headers.${name}`))}`);
  }
  lines.push('MIME-Version: 1.0');
  if (parts.html === undefined) {
    lines.push(...textPart('plain', parts.text));
  } else {
    const boundary = `weft-${randomUUID()}`;
    lines.push(`Content-Type: multipart/alternative; boundary="${boundary}"`, '', `--${boundary}`, ...textPart('plain', parts.text), `--${boundary}`, ...textPart('html', parts.html), `--${boundary}--`);
  }
  return { source: Buffer.from(`${lines.join('\r\n')}\r\n`), messageId };
}

/** A text part in base64 (any UTF-8, line lengths within the RFC's). */
function textPart(subtype: 'plain' | 'html', body: string): string[] {
  const encoded = Buffer.from(body, 'utf8').toString('base64').match(/.{1,76}/g) ?? [];
  return [`Content-Type: text/${subtype}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', ...encoded, ''];
}

/** A header value without line breaks. */
function headerValue(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  if (/[\r\n]/.test(value)) throw invalid(`${field} must not hold a line break`);
  return value;
}

/** An RFC 2047 encoded word for text that is not plain ASCII. */
function encodeWord(value: string): string {
  if (/[\r\n]/.test(value)) throw invalid('a header must not hold a line break');
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function addressList(value: unknown, field: string): string {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw invalid(`${field} names no address`);
  return list.map((entry: unknown) => {
    if (typeof entry === 'string') return headerValue(entry, field);
    const address = entry as Partial<Address> | null;
    if (address === null || typeof address !== 'object' || typeof address.address !== 'string' || !address.address.includes('@')) throw invalid(`${field} must be an address, "Name <a@b>" or {name, address}`);
    headerValue(address.address, field);
    return address.name === undefined || address.name === '' ? address.address : `${encodeWord(quoteName(address.name))} <${address.address}>`;
  }).join(', ');
}

/** A display name, quoted when it holds specials. */
function quoteName(name: string): string {
  return /^[\w !#$%&'*+\-/=?^`{|}~]*$/.test(name) ? name : /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : name;
}
