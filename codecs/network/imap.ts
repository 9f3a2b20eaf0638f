import { Type } from '@sinclair/typebox';
import type { SearchObject } from 'imapflow';
import { defineKind, type Problem } from '../../src/index.ts';
import { delayProblem } from '../_shared/abortable-delay.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import { imapServer, serverFields, serverProblems } from './imap/imap-server.ts';
import { ImapSourceNode } from './imap/imap-source-node.ts';

/** The kind name. */
export const kind = 'imap';

const text = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description }));
const flag = (description: string) => Type.Optional(Type.Boolean({ description }));
const day = (description: string) => Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}', description }));

/** The search criteria a spec may give (IMAP SEARCH keys, ANDed). */
export const searchSchema = Type.Object({
  seen: flag('true: only read messages; false: only unread ones.'),
  answered: flag('Messages with (true) or without (false) the \\Answered flag.'),
  flagged: flag('Messages with (true) or without (false) the \\Flagged flag.'),
  draft: flag('Messages with (true) or without (false) the \\Draft flag.'),
  keyword: text('Messages with this keyword (custom flag).'),
  unKeyword: text('Messages without this keyword (custom flag).'),
  from: text('The From header contains this text.'),
  to: text('The To header contains this text.'),
  cc: text('The Cc header contains this text.'),
  subject: text('The Subject contains this text.'),
  body: text('The body contains this text.'),
  text: text('The headers or body contain this text.'),
  header: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.String({ maxLength: 1000 }), { description: 'Header name → text it contains ("" : the header is present).' })),
  since: day('Received on or after this day (YYYY-MM-DD).'),
  before: day('Received before this day (YYYY-MM-DD).'),
  larger: Type.Optional(Type.Integer({ minimum: 0, description: 'Larger than this many bytes.' })),
  smaller: Type.Optional(Type.Integer({ minimum: 1, description: 'Smaller than this many bytes.' })),
}, { additionalProperties: false, description: 'Which messages to process, as IMAP SEARCH criteria (all must hold); default {seen: false}.' });

/** The imap source's own spec fields. */
export const schema = Type.Object({
  ...serverFields,
  mailbox: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'The mailbox to watch (default INBOX); hierarchy as the server separates it, e.g. Orders/New.' })),
  mode: Type.Optional(Type.Union([Type.Literal('poll'), Type.Literal('idle')], { description: 'poll: search every interval; idle: the server pushes new mail (IMAP IDLE), with a sweep every interval for retries (default poll).' })),
  interval: Type.Optional(durationSchema('poll: the time between passes (default 30s); idle: the time between sweeps that retry failed messages (default 5m). At least 100ms.')),
  search: Type.Optional(searchSchema),
  onSuccess: Type.Optional(Type.Union([Type.Literal('seen'), Type.Literal('move')], { description: 'What a successful workflow does to its message: flag it \\Seen, or flag it \\Seen and move it to moveTo (default seen).' })),
  moveTo: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'The mailbox successful messages move to (onSuccess: move); it must exist.' })),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'The most messages processed at once (default 1).' })),
  retryDelay: Type.Optional(durationSchema('How long a message whose workflow failed waits before a pass tries it again (default 1m; at least 100ms).')),
});

const DEFAULTS = { mailbox: 'INBOX', mode: 'poll', pollMs: 30_000, idleMs: 300_000, onSuccess: 'seen', concurrency: 1, retryDelayMs: 60_000 } as const;

type ImapSpec = {
  url?: string; host?: string; port?: number; secure?: boolean; auth: { user: string; pass: string };
  mailbox?: string; onSuccess?: 'seen' | 'move'; moveTo?: string; search?: { seen?: boolean; since?: string; before?: string };
  interval?: string | number; retryDelay?: string | number;
};

function validate(spec: ImapSpec): Problem[] {
  const problems = serverProblems(spec);
  const problem = (path: string, message: string): void => void problems.push({ path, code: 'ERR_SPEC_INVALID', message });
  const onSuccess = spec.onSuccess ?? DEFAULTS.onSuccess;
  if (onSuccess === 'move' && spec.moveTo === undefined) problem('moveTo', 'is needed with onSuccess: move');
  if (onSuccess === 'seen' && spec.moveTo !== undefined) problem('moveTo', 'applies to onSuccess: move only');
  if (spec.moveTo !== undefined && spec.moveTo === (spec.mailbox ?? DEFAULTS.mailbox)) problem('moveTo', 'must differ from mailbox');
  // A processed message is flagged \Seen: a search that matches read ones would run it again and again.
  if (onSuccess === 'seen' && spec.search?.seen === true) problem('search.seen', 'must not be true with onSuccess: seen (processed messages would match again); use onSuccess: move');
  for (const field of ['since', 'before'] as const) {
    const value = spec.search?.[field];
    if (value !== undefined && Number.isNaN(Date.parse(value))) problem(`search.${field}`, `"${value}" is not a date (YYYY-MM-DD)`);
  }
  for (const field of ['interval', 'retryDelay'] as const) {
    const value = spec[field];
    if (value === undefined) continue;
    if (durationMs(value) < 100) problem(field, 'must be at least 100ms');
    else {
      const tooLong = delayProblem(field, value);
      if (tooLong !== undefined) problems.push(tooLong);
    }
  }
  return problems;
}

/** The SEARCH criteria of a spec: its own, with `seen: false` added under onSuccess: seen (the default). */
function searchOf(search: Record<string, unknown> | undefined, onSuccess: 'seen' | 'move'): SearchObject {
  const criteria: Record<string, unknown> = { ...(search ?? { seen: false }) };
  if (onSuccess === 'seen') criteria.seen = false;
  for (const field of ['since', 'before'] as const) if (typeof criteria[field] === 'string') criteria[field] = new Date(criteria[field]);
  // An empty object would be an invalid SEARCH: ALL is the neutral criterion.
  if (Object.keys(criteria).length === 0) criteria.all = true;
  return criteria as SearchObject;
}

/** `imap`: runs a workflow for each message of a mailbox and flags it \Seen (or moves it) only when the workflow succeeds. */
export const definition = defineKind({
  kind,
  description: 'Watches an IMAP mailbox (poll or IDLE): each matching message is a root process sending {uid, messageId, from, to, subject, date, text, html?, headers, attachments, …} to out; a reply that is not an error flags it \\Seen (or moves it), an error leaves it unseen for a later pass.',
  schema,
  ports: { in: [], out: ['out', 'error'] },
  validate,
  codec: (spec, context) => {
    const mode = spec.mode ?? DEFAULTS.mode;
    const onSuccess = spec.onSuccess ?? DEFAULTS.onSuccess;
    const mailbox = spec.mailbox ?? DEFAULTS.mailbox;
    return new ImapSourceNode({
      name: spec.name ?? spec.id ?? `imap ${mailbox}`,
      server: imapServer(spec),
      mailbox,
      mode,
      intervalMs: spec.interval === undefined ? (mode === 'idle' ? DEFAULTS.idleMs : DEFAULTS.pollMs) : durationMs(spec.interval),
      search: searchOf(spec.search, onSuccess),
      onSuccess,
      moveTo: spec.moveTo,
      concurrency: spec.concurrency ?? DEFAULTS.concurrency,
      retryDelayMs: spec.retryDelay === undefined ? DEFAULTS.retryDelayMs : durationMs(spec.retryDelay),
      context,
    });
  },
});
