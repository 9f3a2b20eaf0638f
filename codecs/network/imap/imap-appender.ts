import type { ImapFlow } from 'imapflow';
import { WeftError } from '../../../src/index.ts';
import { imapClient, imapError, type ImapServer } from './imap-server.ts';

/**
 * One IMAP connection that appends messages, opened on first use and opened again on the next
 * append after the server dropped it (one attempt per append: a failure is the append's error).
 */
export class ImapAppender {
  readonly #server: ImapServer;
  #client: ImapFlow | undefined;
  #connecting: Promise<ImapFlow> | undefined;
  #closed = false;

  constructor(server: ImapServer) {
    this.#server = server;
  }

  /** Appends `source` to `mailbox` with `flags`; resolves to the new message's UID when the server tells it (UIDPLUS). */
  async append(mailbox: string, source: Buffer, flags: readonly string[]): Promise<{ uid?: number }> {
    const client = await this.#connected();
    let result;
    try {
      result = await client.append(mailbox, source, [...flags]);
    } catch (thrown) {
      const missing = /TRYCREATE|not exist|nonexist/i.test(`${(thrown as { serverResponseCode?: string }).serverResponseCode ?? ''} ${(thrown as { responseText?: string }).responseText ?? ''}`);
      if (missing) throw new WeftError('ERR_IMAP_MAILBOX_NOT_FOUND', { server: this.#server.label, mailbox });
      throw imapError(this.#server, thrown);
    }
    if (result === false) throw new WeftError('ERR_IMAP_UNAVAILABLE', { server: this.#server.label, reason: `APPEND to ${mailbox} failed` });
    return result.uid === undefined ? {} : { uid: result.uid };
  }

  /** Logs out (idempotent). */
  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await client.logout().catch(() => client.close());
  }

  async #connected(): Promise<ImapFlow> {
    if (this.#closed) throw new WeftError('ERR_NODE_CLOSED', { node: `imap-append ${this.#server.label}` });
    if (this.#client?.usable === true) return this.#client;
    this.#connecting ??= (async () => {
      const client = imapClient(this.#server, { idle: false });
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (thrown) {
        client.close();
        throw imapError(this.#server, thrown);
      }
      if (this.#closed) {
        client.close();
        throw new WeftError('ERR_NODE_CLOSED', { node: `imap-append ${this.#server.label}` });
      }
      this.#client = client;
      return client;
    })().finally(() => (this.#connecting = undefined));
    return await this.#connecting;
  }
}
