import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';

/** One address of a mail header. */
export interface MailAddress {
  readonly name: string;
  readonly address: string;
}

/** What an attachment is, without its bytes. */
export interface AttachmentMeta {
  readonly filename?: string;
  readonly contentType: string;
  readonly size: number;
  readonly contentId?: string;
}

/** The payload an `imap` source sends for one message. */
export interface MailPayload {
  readonly uid: number;
  readonly mailbox: string;
  readonly attempt: number;
  readonly messageId?: string;
  readonly from?: MailAddress;
  readonly to: MailAddress[];
  readonly cc: MailAddress[];
  readonly replyTo?: MailAddress;
  readonly subject: string;
  readonly date?: string;
  readonly inReplyTo?: string;
  readonly text: string;
  readonly html?: string;
  readonly headers: Record<string, string>;
  readonly attachments: AttachmentMeta[];
  readonly size: number;
}

/** Where a message came from: its UID, mailbox and attempt (1, then +1 per retry by this engine). */
export interface MessageOrigin {
  readonly uid: number;
  readonly mailbox: string;
  readonly attempt: number;
}

/** Parses a message's RFC 5322 source into the payload (MIME decoded; attachments as metadata only). */
export async function mailPayload(source: Buffer, origin: MessageOrigin): Promise<MailPayload> {
  const parsed = await simpleParser(source, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const payload: Record<string, unknown> = {
    uid: origin.uid,
    mailbox: origin.mailbox,
    attempt: origin.attempt,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    headers: headerStrings(parsed.headers),
    attachments: parsed.attachments.map((attachment) => {
      const meta: Record<string, unknown> = { contentType: attachment.contentType, size: attachment.size };
      if (attachment.filename !== undefined) meta.filename = attachment.filename;
      if (attachment.contentId !== undefined) meta.contentId = attachment.contentId;
      return meta;
    }),
    size: source.length,
  };
  if (parsed.messageId !== undefined) payload.messageId = parsed.messageId;
  const from = addresses(parsed.from)[0];
  if (from !== undefined) payload.from = from;
  const replyTo = addresses(parsed.replyTo)[0];
  if (replyTo !== undefined) payload.replyTo = replyTo;
  if (parsed.date !== undefined && !Number.isNaN(parsed.date.getTime())) payload.date = parsed.date.toISOString();
  if (parsed.inReplyTo !== undefined) payload.inReplyTo = parsed.inReplyTo;
  if (typeof parsed.html === 'string') payload.html = parsed.html;
  return payload as unknown as MailPayload;
}

/** The plain addresses of an address header (groups flattened). */
function addresses(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (field === undefined) return [];
  const found: MailAddress[] = [];
  const add = (list: readonly { name: string; address?: string; group?: readonly { name: string; address?: string }[] }[]): void => {
    for (const entry of list) {
      if (entry.group !== undefined) add(entry.group);
      else if (entry.address !== undefined) found.push({ name: entry.name, address: entry.address });
    }
  };
  for (const object of Array.isArray(field) ? field : [field]) add(object.value);
  return found;
}

/** The decoded headers as strings, by lower-cased name (structured values in their text form). */
function headerStrings(headers: Map<string, HeaderValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name] = headerText(value);
  return out;
}

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  if (value !== null && typeof value === 'object') {
    const object = value as { text?: unknown; value?: unknown; params?: Record<string, string> };
    if (typeof object.text === 'string') return object.text;
    if (typeof object.value === 'string') {
      const params = Object.entries(object.params ?? {}).map(([key, param]) => `; ${key}=${param}`).join('');
      return `${object.value}${params}`;
    }
    return JSON.stringify(value);
  }
  return String(value);
}
