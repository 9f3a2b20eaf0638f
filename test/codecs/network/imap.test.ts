import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthRegistry, Scheme } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import type { ImapSourceNode } from '../../../codecs/network/imap/imap-source-node.ts';
import { dovecotOrSkip, mail, type Dovecot } from '../../fixtures/dovecot.ts';
import { startTcpProxy } from '../../fixtures/tcp-proxy.ts';
import {
  collectingLogger, deliver, mailRecorder, newMailbox, server, startMailRuntime, stateOf, subjects, waitFor,
} from './imap-harness.ts';

const scheme = new Scheme({ kinds: coreKinds });
const paths = (spec: Record<string, unknown>): string[] => scheme.validate({ kind: 'imap', url: 'imap://127.0.0.1:143', auth: { user: 'u', pass: 'p' }, ...spec }).map((problem) => problem.path);

describe('imap (spec)', () => {
  it('refuses a bad server, mode, search and onSuccess combination, naming the field', () => {
    expect(paths({})).toEqual([]);
    expect(paths({ url: undefined, host: 'mail.example.com', port: 993 })).toEqual([]);
    expect(paths({ url: undefined })).toEqual(['url']);
    expect(paths({ host: 'a' })).toEqual(['host']);
    expect(paths({ url: 'http://mail.example.com' })).toEqual(['url']);
    expect(paths({ url: 'imap://u:p@mail.example.com' })).toEqual(['url']);
    expect(paths({ url: 'imap://mail.example.com/INBOX' })).toEqual(['url']);
    expect(paths({ url: 'imaps://{{ values.host }}' })).toEqual([]);
    expect(paths({ auth: { user: 'u' } })).toEqual(['auth.pass']);
    expect(paths({ starttls: true })).toEqual([]);
    expect(paths({ url: 'imaps://mail.example.com', starttls: true })).toEqual(['starttls']);
    expect(paths({ mode: 'push' })).toEqual(['mode']);
    expect(paths({ interval: '10ms' })).toEqual(['interval']);
    expect(paths({ retryDelay: 'soon' })).toEqual(['retryDelay']);
    expect(paths({ onSuccess: 'move' })).toEqual(['moveTo']);
    expect(paths({ moveTo: 'Done' })).toEqual(['moveTo']);
    expect(paths({ onSuccess: 'move', moveTo: 'INBOX' })).toEqual(['moveTo']);
    expect(paths({ search: { seen: true } })).toEqual(['search.seen']);
    expect(paths({ onSuccess: 'move', moveTo: 'Done', search: { seen: true } })).toEqual([]);
    expect(paths({ search: { since: '2026-13-45' } })).toEqual(['search.since']);
    expect(paths({ search: { colour: 'red' } })).toEqual(['search.colour']);
    expect(paths({ concurrency: 0 })).toEqual(['concurrency']);
    expect(scheme.validate({ kind: 'imap-append', url: 'imap://h', auth: { user: 'u', pass: 'p' } }).map((problem) => problem.path)).toEqual(['mailbox']);
  });
});

const dovecotStarted = await dovecotOrSkip();

describe.skipIf(typeof dovecotStarted === 'string')('imap (against Dovecot)', () => {
  let dovecot: Dovecot;
  let client: ImapFlow;

  beforeAll(async () => {
    dovecot = dovecotStarted as Dovecot;
    client = await dovecot.client();
  }, 20_000);

  afterAll(async () => {
    await client?.logout().catch(() => undefined);
    await dovecot?.stop();
  });

  it('processes 200 delivered mails exactly once (concurrency 4) and flags each \\Seen', async () => {
    const mailbox = await newMailbox(client);
    await deliver(client, mailbox, 120);
    const work = mailRecorder();
    process.env.WEFT_TEST_IMAP_PASS = dovecot.pass;
    const runtime = await startMailRuntime([
      // The password through an {{ env.NAME }} template, as a user would keep it out of the spec.
      { kind: 'imap', name: 'inbox', url: dovecot.url, auth: { user: dovecot.user, pass: '{{ env.WEFT_TEST_IMAP_PASS }}' }, mailbox, interval: '200ms', concurrency: 4, links: { out: [{ name: 'work', port: 'in' }] } },
      { kind: 'mail-record', name: 'work', key: 'work', ms: 5 },
    ], new Map([['work', work]]));
    try {
      // 80 more arrive while the first ones run.
      await deliver(client, mailbox, 80, 'm', 120);
      await waitFor(() => work.seen.size === 200, 20_000, '200 mails', () => work.seen.size);
      // Several more passes: nothing comes twice.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect([...work.seen.values()].every((count) => count === 1)).toBe(true);
      expect(work.payloads).toHaveLength(200);
      expect(work.maxActive).toBeLessThanOrEqual(4);
      expect(work.maxActive).toBeGreaterThan(1);
      expect(await subjects(client, mailbox, { seen: false })).toEqual([]);
      expect(await subjects(client, mailbox, { seen: true })).toHaveLength(200);
      const node = runtime.table.byName('inbox')!.node as ImapSourceNode;
      expect(node.counters).toMatchObject({ processed: 200, failed: 0, unmarked: 0 });
    } finally {
      await runtime.close();
      delete process.env.WEFT_TEST_IMAP_PASS;
    }
  }, 40_000);

  it('leaves exactly the failed mails unseen, and retries them no sooner than retryDelay, once per pass at most', async () => {
    const mailbox = await newMailbox(client);
    await deliver(client, mailbox, 30);
    const work = mailRecorder();
    const failing = new Set(['m0', 'm7', 'm14', 'm21', 'm28']);
    work.fail = (payload) => failing.has(String(payload.subject));
    const runtime = await startMailRuntime([
      { kind: 'imap', name: 'inbox', ...server(dovecot), mailbox, interval: '100ms', retryDelay: '400ms', concurrency: 3, links: { out: [{ name: 'work', port: 'in' }] } },
      { kind: 'mail-record', name: 'work', key: 'work' },
    ], new Map([['work', work]]));
    try {
      await waitFor(() => work.seen.size === 30, 10_000, '30 mails');
      const started = Date.now();
      await waitFor(() => [...failing].every((subject) => (work.seen.get(subject) ?? 0) >= 3), 10_000, 'three attempts of the failing ones');
      const elapsed = Date.now() - started;
      for (const [subject, count] of work.seen) expect(count, subject).toBe(failing.has(subject) ? count : 1);
      // Passes run every 100 ms; a failed mail waits 400 ms: at most one attempt per 400 ms.
      for (const subject of failing) expect(work.seen.get(subject)!).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 400));
      const attempts = work.payloads.filter((payload) => payload.subject === 'm7').map((payload) => payload.attempt);
      expect(attempts.slice(0, 3)).toEqual([1, 2, 3]);
      expect(await subjects(client, mailbox, { seen: false })).toEqual([...failing].sort());
      // Once the handler stops failing, the next retry succeeds and flags them.
      work.fail = () => false;
      await waitFor(() => (runtime.table.byName('inbox')!.node as ImapSourceNode).counters.processed === 30, 5000, 'the retries to succeed');
      expect(await subjects(client, mailbox, { seen: false })).toEqual([]);
    } finally {
      await runtime.close();
    }
  }, 30_000);

  it('mode idle picks up a new mail within 1 s (no polling: interval 5m)', async () => {
    const mailbox = await newMailbox(client);
    const work = mailRecorder();
    const runtime = await startMailRuntime([
      { kind: 'imap', name: 'inbox', ...server(dovecot), mailbox, mode: 'idle', interval: '5m', links: { out: [{ name: 'work', port: 'in' }] } },
      { kind: 'mail-record', name: 'work', key: 'work' },
    ], new Map([['work', work]]));
    try {
      await waitFor(() => stateOf(runtime, 'inbox') === 'watching', 5000, 'watching');
      const latencies: number[] = [];
      for (let n = 0; n < 5; n++) {
        // Let the connection settle into IDLE first (its first pass is done after 'watching').
        await new Promise((resolve) => setTimeout(resolve, 300));
        const sent = Date.now();
        await client.append(mailbox, mail({ subject: `idle${n}`, text: 'new' }));
        await waitFor(() => work.firstSeen.has(`idle${n}`), 1000, `idle${n} within 1 s`);
        latencies.push(work.firstSeen.get(`idle${n}`)! - sent);
      }
      console.log(`imap idle: new mail seen after ${latencies.join(', ')} ms`);
      expect(Math.max(...latencies)).toBeLessThan(1000);
      expect(await subjects(client, mailbox, { seen: false })).toEqual([]);
    } finally {
      await runtime.close();
    }
  }, 20_000);

  it('sends {uid, messageId, from, to, subject, date, text, html, headers, attachments}; onSuccess: move moves it to moveTo', async () => {
    const mailbox = await newMailbox(client);
    const done = await newMailbox(client, 'done');
    const boundary = 'b-1';
    const source = [
      'From: "Ann Smith" <ann@example.com>', 'To: orders@example.com, Bob <bob@example.com>', 'Subject: =?UTF-8?B?T3JkZXIg4oSWIDQy?=',
      'Date: Fri, 04 Dec 2026 10:00:00 +0000', 'Message-ID: <order-42@example.com>', 'X-Shop: north', 'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`, '',
      `--${boundary}`, 'Content-Type: multipart/alternative; boundary="alt"', '',
      '--alt', 'Content-Type: text/plain; charset=utf-8', '', '2 x widget', '--alt', 'Content-Type: text/html; charset=utf-8', '', '<p>2 x widget</p>', '--alt--',
      `--${boundary}`, 'Content-Type: text/csv; name="order.csv"', 'Content-Disposition: attachment; filename="order.csv"', 'Content-Transfer-Encoding: base64', '',
      Buffer.from('sku,qty\nwidget,2\n').toString('base64'), `--${boundary}--`, '',
    ].join('\r\n');
    await client.append(mailbox, source);
    const work = mailRecorder();
    const runtime = await startMailRuntime([
      { kind: 'imap', name: 'inbox', ...server(dovecot), mailbox, interval: '100ms', onSuccess: 'move', moveTo: done, links: { out: [{ name: 'work', port: 'in' }] } },
      { kind: 'mail-record', name: 'work', key: 'work' },
    ], new Map([['work', work]]));
    try {
      await waitFor(() => work.payloads.length === 1, 5000, 'the mail');
      expect(work.payloads[0]).toMatchObject({
        uid: 1, mailbox, attempt: 1, messageId: '<order-42@example.com>',
        from: { name: 'Ann Smith', address: 'ann@example.com' },
        to: [{ name: '', address: 'orders@example.com' }, { name: 'Bob', address: 'bob@example.com' }],
        subject: 'Order № 42', date: '2026-12-04T10:00:00.000Z', html: '<p>2 x widget</p>',
        attachments: [{ filename: 'order.csv', contentType: 'text/csv', size: 17 }],
      });
      expect(String(work.payloads[0]!.text).trim()).toBe('2 x widget');
      expect((work.payloads[0]!.headers as Record<string, string>)['x-shop']).toBe('north');
      await waitFor(() => (runtime.table.byName('inbox')!.node as ImapSourceNode).counters.processed === 1, 3000, 'the move');
      expect(await subjects(client, mailbox, { all: true })).toEqual([]);
      expect(await subjects(client, done, { seen: true })).toEqual(['Order № 42']);
    } finally {
      await runtime.close();
    }
  }, 20_000);

  it('imap-append stores a composed mail (UTF-8 subject, html part, In-Reply-To) and refuses a bad payload with a code', async () => {
    const replies = await newMailbox(client, 'replies');
    const runtime = await startMailRuntime([
      { kind: 'imap-append', name: 'reply', ...server(dovecot), mailbox: replies },
    ], new Map());
    try {
      const { Process, Packet } = await import('../../../src/index.ts');
      const send = async (payload: unknown): Promise<unknown> => {
        const proc = new Process();
        const reply = await runtime.table.byName('reply')!.node.in('in')!.handle(proc, new Packet(payload));
        await proc.finish();
        return reply.payload;
      };
      const stored = await send({ from: { name: 'Orders', address: 'orders@example.com' }, to: 'ann@example.com', subject: 'Re: Order № 42', text: 'Thanks, Ann!', html: '<p>Thanks</p>', inReplyTo: '<order-42@example.com>' }) as { uid: number; messageId: string };
      expect(stored).toMatchObject({ mailbox: replies, uid: 1 });
      const lock = await client.getMailboxLock(replies);
      try {
        const message = await client.fetchOne(String(stored.uid), { source: true, flags: true, envelope: true }, { uid: true });
        if (message === false) throw new Error(`UID ${stored.uid} is not in ${replies}`);
        expect(message.envelope?.subject).toBe('Re: Order № 42');
        expect(message.envelope?.inReplyTo).toBe('<order-42@example.com>');
        expect(message.envelope?.messageId).toBe(stored.messageId);
        expect([...(message.flags ?? [])]).toContain('\\Seen');
      } finally {
        lock.release();
      }
      expect(await send({ to: 'a@b', subject: 's', text: 't' })).toMatchObject({ code: 'ERR_IMAP_MESSAGE_INVALID' });
      expect(await send({ from: 'a@b', to: 'c@d', subject: 'two\r\nBcc: x@y', text: 't' })).toMatchObject({ code: 'ERR_IMAP_MESSAGE_INVALID' });
    } finally {
      await runtime.close();
    }
  }, 20_000);

  it('reconnects with backoff when the server goes away (one coded log line, not ready meanwhile) and processes mail again once it is back', async () => {
    const mailbox = await newMailbox(client);
    const work = mailRecorder();
    const lines: string[] = [];
    const proxy = await startTcpProxy({ host: dovecot.host, port: dovecot.port });
    const health = new HealthRegistry();
    const ready = (): unknown => health.check().find((report) => report.name === 'imap default/inbox');
    const runtime = await startMailRuntime([
      { kind: 'imap', name: 'inbox', url: `imap://127.0.0.1:${proxy.port}`, auth: { user: dovecot.user, pass: dovecot.pass }, mailbox, mode: 'idle', interval: '1s', links: { out: [{ name: 'work', port: 'in' }] } },
      { kind: 'mail-record', name: 'work', key: 'work' },
    ], new Map([['work', work]]), collectingLogger(lines), health);
    try {
      await waitFor(() => stateOf(runtime, 'inbox') === 'watching', 5000, 'watching');
      expect(ready()).toMatchObject({ ok: true });
      await proxy.cut();
      await waitFor(() => stateOf(runtime, 'inbox') === 'reconnecting', 5000, 'reconnecting');
      expect(ready()).toMatchObject({ ok: false, reason: 'imap reconnecting' });
      await client.append(mailbox, mail({ subject: 'during', text: 'x' }));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // One line for the outage, not one per attempt.
      expect(lines.filter((line) => line.includes('ERR_IMAP_UNAVAILABLE'))).toEqual(['warn ERR_IMAP_UNAVAILABLE imap server unavailable: retrying with backoff']);
      expect(work.seen.size).toBe(0);
      await proxy.restore();
      await waitFor(() => stateOf(runtime, 'inbox') === 'watching', 15_000, 'watching again');
      expect(lines.some((line) => line.includes('reachable again'))).toBe(true);
      expect(ready()).toMatchObject({ ok: true });
      await waitFor(() => work.seen.has('during'), 5000, 'the mail delivered during the outage');
      await client.append(mailbox, mail({ subject: 'after', text: 'x' }));
      await waitFor(() => work.seen.has('after'), 5000, 'the mail after the outage');
      expect([...work.seen.values()]).toEqual([1, 1]);
    } finally {
      await runtime.close();
      await proxy.close();
    }
  }, 40_000);

  it('a paused namespace starts no message, even when IDLE reports new mail; resume processes what came meanwhile, once', async () => {
    const mailbox = await newMailbox(client);
    const work = mailRecorder();
    const runtime = await startMailRuntime([
      { kind: 'imap', name: 'inbox', ...server(dovecot), mailbox, mode: 'idle', interval: '200ms', links: { out: [{ name: 'work', port: 'in' }] } },
      { kind: 'mail-record', name: 'work', key: 'work' },
    ], new Map([['work', work]]));
    try {
      await waitFor(() => stateOf(runtime, 'inbox') === 'watching', 5000, 'watching');
      expect(runtime.pause()).toBe(true);
      await deliver(client, mailbox, 5, 'p');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(work.seen.size).toBe(0);
      expect(await subjects(client, mailbox, { seen: false })).toHaveLength(5);
      expect(runtime.resume()).toBe(true);
      await waitFor(() => work.seen.size === 5, 5000, 'the five after resume');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect([...work.seen.values()]).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await runtime.close();
    }
  }, 20_000);

  it('close drains: a message running when the engine stops finishes and is flagged; none starts after', async () => {
    const mailbox = await newMailbox(client);
    const work = mailRecorder();
    const runtime = await startMailRuntime([
      { kind: 'imap', name: 'inbox', ...server(dovecot), mailbox, interval: '100ms', links: { out: [{ name: 'work', port: 'in' }] } },
      { kind: 'mail-record', name: 'work', key: 'work', ms: 600 },
    ], new Map([['work', work]]));
    let closed = false;
    try {
      await deliver(client, mailbox, 3, 'd');
      await waitFor(() => work.active === 1, 5000, 'the first mail running');
      await runtime.close();
      closed = true;
      expect(work.seen.size).toBe(1);
      expect(work.active).toBe(0);
      const [first] = [...work.seen.keys()];
      expect(await subjects(client, mailbox, { seen: true })).toEqual([first]);
      expect(await subjects(client, mailbox, { seen: false })).toHaveLength(2);
    } finally {
      if (!closed) await runtime.close();
    }
  }, 20_000);

  it('starttls: true refuses a server that does not offer STARTTLS (ERR_IMAP_UNAVAILABLE), so no login goes out in clear text', async () => {
    const lines: string[] = [];
    const runtime = await startMailRuntime([
      { kind: 'imap', name: 'inbox', ...server(dovecot), starttls: true },
    ], new Map(), collectingLogger(lines));
    try {
      await waitFor(() => lines.some((line) => line.startsWith('warn ERR_IMAP_UNAVAILABLE')), 5000, 'the refusal', () => lines);
      expect(stateOf(runtime, 'inbox')).toBe('reconnecting');
    } finally {
      await runtime.close();
    }
  }, 20_000);

  it('a refused login is ERR_IMAP_AUTH_FAILED in the log; the engine keeps serving its other nodes', async () => {
    const lines: string[] = [];
    const work = mailRecorder();
    const runtime = await startMailRuntime([
      { kind: 'imap', name: 'inbox', url: dovecot.url, auth: { user: dovecot.user, pass: 'wrong' } },
      { kind: 'mail-record', name: 'work', key: 'work' },
    ], new Map([['work', work]]), collectingLogger(lines));
    try {
      await waitFor(() => lines.some((line) => line.startsWith('warn ERR_IMAP_AUTH_FAILED')), 5000, 'the auth failure', () => lines);
      expect(stateOf(runtime, 'inbox')).toBe('reconnecting');
      const { Process, Packet } = await import('../../../src/index.ts');
      const proc = new Process();
      const reply = await runtime.table.byName('work')!.node.in('in')!.handle(proc, new Packet({ subject: 'still here' }));
      await proc.finish();
      expect(reply.payload).toEqual({ subject: 'still here' });
    } finally {
      await runtime.close();
    }
  }, 20_000);
});
