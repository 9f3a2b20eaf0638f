import { readFileSync } from 'node:fs';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../../src/index.ts';
import { coreKinds } from '../../schemes/core.ts';
import type { ImapSourceNode } from '../../codecs/network/imap/imap-source-node.ts';
import { dovecotOrSkip, mail, type Dovecot } from '../fixtures/dovecot.ts';
import { waitFor } from '../codecs/network/imap-harness.ts';

const file = (name: string): string => readFileSync(new URL(`../../examples/mail-orders/${name}`, import.meta.url), 'utf8');

/** The replies in the Replies mailbox: subject, In-Reply-To, the order total header and the text. */
async function replies(client: ImapFlow): Promise<{ subject: string; inReplyTo: string; total: string; text: string }[]> {
  const lock = await client.getMailboxLock('Replies');
  try {
    await client.noop();
    if (client.mailbox === false || client.mailbox.exists === 0) return [];
    const messages = await client.fetchAll('1:*', { envelope: true, source: true });
    return messages.map((message) => {
      const source = message.source!.toString();
      const body = source.slice(source.indexOf('\r\n\r\n') + 4).replace(/\r\n/g, '');
      return {
        subject: message.envelope?.subject ?? '',
        inReplyTo: message.envelope?.inReplyTo ?? '',
        total: /^X-Order-Total: (.*)$/m.exec(source)?.[1]?.trim() ?? '',
        text: Buffer.from(body, 'base64').toString('utf8'),
      };
    });
  } finally {
    lock.release();
  }
}

describe('examples/mail-orders', () => {
  it('phase 2 is phase 1 with only `mode: idle` changed', () => {
    const poll = file('inbox-poll.yaml').split('\n');
    const idle = file('inbox-idle.yaml').split('\n');
    expect(idle).toHaveLength(poll.length);
    const changed = poll.map((line, n) => [line, idle[n]]).filter(([a, b]) => a !== b);
    expect(changed).toEqual([['  mode: poll', '  mode: idle']]);
  });
});

const dovecotStarted = await dovecotOrSkip();

describe.skipIf(typeof dovecotStarted === 'string')('examples/mail-orders against Dovecot', () => {
  let dovecot: Dovecot;
  let client: ImapFlow;
  const env = ['MAIL_IMAP_URL', 'MAIL_USER', 'MAIL_PASS'] as const;

  beforeAll(async () => {
    dovecot = dovecotStarted as Dovecot;
    client = await dovecot.client();
    Object.assign(process.env, { MAIL_IMAP_URL: dovecot.url, MAIL_USER: dovecot.user, MAIL_PASS: dovecot.pass });
  }, 20_000);

  afterAll(async () => {
    for (const name of env) delete process.env[name];
    await client?.logout().catch(() => undefined);
    await dovecot?.stop();
  });

  it('answers each order mail once (poll), then, switched to IDLE by a reload of the source alone, answers a new one at once', async () => {
    for (let n = 0; n < 12; n++) {
      await client.append('INBOX', mail({ subject: `Order ${n}`, text: `Hello,\r\n${n % 3 + 1} x widget\r\n1 x gadget\r\nThanks`, messageId: `<order-${n}@example.com>` }));
    }
    await client.append('INBOX', mail({ subject: 'Question', text: 'Do you sell sprockets?', messageId: '<question@example.com>' }));
    const store = new MemoryStore();
    const specs = [...parse(file('orders.yaml')) as Spec[], ...parse(file('inbox-poll.yaml')) as Spec[]];
    await store.insert(specs.map((spec) => ({ namespace: 'default', ...spec })));
    const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), drainTimeoutMs: 5000 });
    await runtime.start();
    try {
      let found: Awaited<ReturnType<typeof replies>> = [];
      const check = setInterval(() => void replies(client).then((list) => (found = list), () => undefined), 200);
      try {
        await waitFor(() => found.length >= 13, 20_000, '13 replies', () => found.length);
      } finally {
        clearInterval(check);
      }
      expect(found).toHaveLength(13);
      const order4 = found.find((reply) => reply.subject === 'Re: Order 4')!;
      // 2 x widget at 2.50 + 1 x gadget at 10.00.
      expect(order4).toMatchObject({ inReplyTo: '<order-4@example.com>', total: '15.00' });
      expect(order4.text).toContain('Total: 15.00');
      expect(found.find((reply) => reply.subject === 'Re: Question')!.text).toContain('could not find an order');
      expect(new Set(found.map((reply) => reply.subject)).size).toBe(13);
      const inbox = runtime.table.byName('inbox')!.node as ImapSourceNode;
      expect(inbox.counters).toMatchObject({ processed: 13, failed: 0 });

      // Phase 2: only the source changes (its spec from inbox-idle.yaml); queue, workers and handler stay.
      const workers = runtime.table.byName('workers')!.node;
      const [stored] = await store.find({ namespace: 'default', name: 'inbox' });
      const idle = (parse(file('inbox-idle.yaml')) as Spec[]).find((spec) => spec.name === 'inbox')!;
      await store.update([{ ...stored!, ...idle }]);
      await waitFor(() => (runtime.table.byName('inbox')?.node as ImapSourceNode | undefined)?.state === 'watching' && runtime.table.byName('inbox')!.node !== inbox, 10_000, 'the idle source');
      expect(runtime.table.byName('workers')!.node).toBe(workers);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = Date.now();
      await client.append('INBOX', mail({ subject: 'Order 99', text: '4 x gizmo', messageId: '<order-99@example.com>' }));
      let latest: Awaited<ReturnType<typeof replies>> = [];
      // Well within the 10 s poll interval: the mail was pushed.
      const deadline = Date.now() + 3000;
      while (!latest.some((reply) => reply.subject === 'Re: Order 99') && Date.now() < deadline) {
        latest = await replies(client);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const elapsed = Date.now() - sent;
      console.log(`mail-orders phase 2: reply stored ${elapsed} ms after the order mail`);
      expect(latest.find((reply) => reply.subject === 'Re: Order 99')).toMatchObject({ total: '29.00', inReplyTo: '<order-99@example.com>' });
      expect(latest).toHaveLength(14);
    } finally {
      await runtime.close();
    }
  }, 60_000);
});
