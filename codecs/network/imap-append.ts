import { Type } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, toWeftError, type Process } from '../../src/index.ts';
import { composeMail } from './imap/compose-mail.ts';
import { ImapAppender } from './imap/imap-appender.ts';
import { imapServer, serverFields, serverProblems, type ImapServer } from './imap/imap-server.ts';

/** The kind name. */
export const kind = 'imap-append';

/** The imap-append node's own spec fields. */
export const schema = Type.Object({
  ...serverFields,
  mailbox: Type.String({ minLength: 1, maxLength: 1000, description: 'The mailbox the messages are appended to (it must exist), e.g. Sent or Replies.' }),
  flags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^\\\\?[A-Za-z0-9$_.-]+$' }), { maxItems: 20, description: 'The flags the appended message gets (default ["\\\\Seen"]).' })),
});

/** Options of an ImapAppendNode. */
export interface ImapAppendOptions {
  readonly server: ImapServer;
  readonly mailbox: string;
  readonly flags: readonly string[];
}

/**
 * Appends each payload as a message to a mailbox (IMAP APPEND) and replies
 * `{mailbox, uid, messageId}`: a mail composed from `{from, to, subject, text, html?, …}`, or
 * `{raw}` as it is. The connection is the node's own, opened on first use.
 */
export class ImapAppendNode extends OneToOneNode {
  readonly #appender: ImapAppender;

  constructor(options: ImapAppendOptions) {
    super((process, packet) => append(options, appender, process, packet));
    const appender = (this.#appender = new ImapAppender(options.server));
  }

  override async close(): Promise<void> {
    await this.#appender.close();
  }
}

async function append(options: ImapAppendOptions, appender: ImapAppender, _process: Process, packet: Packet): Promise<Packet> {
  if (packet.payload instanceof Error) return packet;
  try {
    const { source, messageId } = composeMail(packet.payload, options.server.host);
    const { uid } = await appender.append(options.mailbox, source, options.flags);
    const reply: Record<string, unknown> = { mailbox: options.mailbox };
    if (uid !== undefined) reply.uid = uid;
    if (messageId !== undefined) reply.messageId = messageId;
    return new Packet(reply);
  } catch (thrown) {
    return new Packet(toWeftError(thrown));
  }
}

/** `imap-append`: stores each payload as a mail in an IMAP mailbox. */
export const definition = defineKind({
  kind,
  description: 'Appends the payload as a mail to an IMAP mailbox ({from, to, subject, text, html?, cc?, inReplyTo?, references?, headers?} or {raw}) and replies {mailbox, uid, messageId}.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  validate: serverProblems,
  codec: (spec) => new ImapAppendNode({ server: imapServer(spec), mailbox: spec.mailbox, flags: spec.flags ?? ['\\Seen'] }),
});
