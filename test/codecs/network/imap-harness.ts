import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { ImapFlow } from 'imapflow';
import {
  createDefaultLanguages, defineKind, MemoryStore, OneToOneNode, Packet, Runtime, Scheme, WeftError,
  type HealthRegistry, type Logger, type Spec,
} from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { mail, type Dovecot } from '../../fixtures/dovecot.ts';

/** What a `mail-record` node saw: every payload in order, and how often each subject came. */
export interface MailRecorder {
  readonly payloads: Record<string, unknown>[];
  readonly seen: Map<string, number>;
  /** When each subject was first seen (Date.now()). */
  readonly firstSeen: Map<string, number>;
  /** True fails the message (an ERR_INTERNAL reply). */
  fail: (payload: Record<string, unknown>) => boolean;
  active: number;
  maxActive: number;
}

export function mailRecorder(): MailRecorder {
  return { payloads: [], seen: new Map(), firstSeen: new Map(), fail: () => false, active: 0, maxActive: 0 };
}

/** `mail-record`: keeps each payload in the recorder `key`, replies it after `ms` (or an error when `fail` says so). */
function mailRecordKind(recorders: ReadonlyMap<string, MailRecorder>) {
  return defineKind({
    kind: 'mail-record',
    description: 'records mail payloads (tests)',
    schema: Type.Object({ key: Type.String(), ms: Type.Optional(Type.Integer({ minimum: 1 })) }),
    ports: { in: ['in'], out: ['out', 'error'] },
    codec: (spec) => new OneToOneNode(async (_process, packet) => {
      const found = recorders.get(spec.key)!;
      const payload = packet.payload as Record<string, unknown>;
      found.payloads.push(payload);
      const subject = String(payload.subject);
      found.seen.set(subject, (found.seen.get(subject) ?? 0) + 1);
      if (!found.firstSeen.has(subject)) found.firstSeen.set(subject, Date.now());
      found.active++;
      found.maxActive = Math.max(found.maxActive, found.active);
      if (spec.ms !== undefined) await new Promise((resolve) => setTimeout(resolve, spec.ms));
      found.active--;
      return found.fail(payload) ? new Packet(new WeftError('ERR_INTERNAL', { reason: `fails ${subject}` })) : packet;
    }),
  });
}

/** A runtime on a memory store with the core kinds and `mail-record`. */
export async function startMailRuntime(specs: readonly Spec[], recorders: Map<string, MailRecorder>, logger?: Logger, health?: HealthRegistry): Promise<Runtime> {
  const store = new MemoryStore();
  const scheme = new Scheme({ kinds: [...coreKinds, mailRecordKind(recorders)] });
  if (specs.length > 0) await store.insert(specs.map((spec) => ({ namespace: 'default', ...spec })));
  const runtime = new Runtime({ store, scheme, languages: createDefaultLanguages(), logger, health, drainTimeoutMs: 5000 });
  await runtime.start();
  return runtime;
}

/** A logger keeping every line as `level code message`. */
export function collectingLogger(lines: string[]): Logger {
  const at = (level: string) => (fields: unknown, message?: string) => {
    const code = typeof fields === 'object' && fields !== null ? (fields as { code?: string; err?: { code?: string } }).code ?? (fields as { err?: { code?: string } }).err?.code : undefined;
    lines.push(`${level} ${code ?? '-'} ${typeof fields === 'string' ? fields : message ?? ''}`);
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

/** A new mailbox of the test's own, e.g. `t-1a2b3c4d`. */
export async function newMailbox(client: ImapFlow, prefix = 't'): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await client.mailboxCreate(name);
  return name;
}

/** APPENDs mails with subjects `${prefix}${n}` for n in [from, from + count). */
export async function deliver(client: ImapFlow, mailbox: string, count: number, prefix = 'm', from = 0): Promise<void> {
  for (let n = from; n < from + count; n++) await client.append(mailbox, mail({ subject: `${prefix}${n}`, text: `order ${n}` }));
}

/** The subjects of the messages of `mailbox` matching `query` (read without setting \Seen). */
export async function subjects(client: ImapFlow, mailbox: string, query: Record<string, unknown>): Promise<string[]> {
  const lock = await client.getMailboxLock(mailbox);
  try {
    await client.noop();
    const uids = await client.search(query, { uid: true });
    if (uids === false || uids === undefined || uids.length === 0) return [];
    const messages = await client.fetchAll(uids.join(','), { uid: true, envelope: true }, { uid: true });
    return messages.map((message) => message.envelope?.subject ?? '').sort();
  } finally {
    lock.release();
  }
}

/** The source spec fields that reach the test's Dovecot. */
export function server(dovecot: Dovecot): { url: string; auth: { user: string; pass: string } } {
  return { url: dovecot.url, auth: { user: dovecot.user, pass: dovecot.pass } };
}

/** Polls `check` every 10 ms until true; fails after `ms` naming `what`. */
export async function waitFor(check: () => boolean, ms: number, what: string, detail: () => unknown = () => ''): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (${JSON.stringify(detail())})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The state of a named source node of a runtime. */
export function stateOf(runtime: Runtime, name: string): string | undefined {
  return (runtime.table.byName(name)?.node as { state?: string } | undefined)?.state;
}
