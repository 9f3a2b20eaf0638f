import { Type } from '@sinclair/typebox';
import { defineKind, type Problem } from '../../src/index.ts';
import { batchOptions, batchProblems, batchSchema } from '../_shared/batch.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import { FileSourceNode } from './file/file-source-node.ts';

/** The kind name. */
export const kind = 'file';

/** The file source's own spec fields. */
export const schema = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 4096, description: 'The file to read (relative to the engine\'s working directory), or "-" for the engine\'s standard input.' }),
  format: Type.Optional(Type.Union([Type.Literal('lines'), Type.Literal('ndjson'), Type.Literal('csv')], { description: 'lines: each line is a string; ndjson: each line is a JSON value; csv: the header row names the columns, each row is an object (default lines).' })),
  delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 1, description: 'The CSV field delimiter (default ",").' })),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'The most processes running at once; reading stops while full (default 1).' })),
  batch: Type.Optional(batchSchema),
  follow: Type.Optional(Type.Boolean({ description: 'Keep reading as the file grows, like tail -F: truncation restarts at the top, a new file under the same name is read from its start; no done is sent (default false).' })),
  from: Type.Optional(Type.Union([Type.Literal('start'), Type.Literal('end')], { description: 'With follow: start at the beginning of the file or at its end as it is on activation (default start).' })),
  poll: Type.Optional(durationSchema('With follow: how often the file is checked for growth, truncation and rotation (default 250ms, at least 10ms).')),
});

const DEFAULTS = { format: 'lines', delimiter: ',', concurrency: 1, follow: false, pollMs: 250 } as const;

function validate(spec: { path: string; follow?: boolean; from?: string; poll?: string | number; format?: string; delimiter?: string; batch?: { window?: string | number } }): Problem[] {
  const problems: Problem[] = [...batchProblems('batch', spec.batch)];
  const problem = (path: string, message: string): void => void problems.push({ path, code: 'ERR_SPEC_INVALID', message });
  if (spec.from === 'end' && spec.follow !== true) problem('from', 'end needs follow: true');
  if (spec.path === '-' && spec.follow === true) problem('follow', 'standard input cannot be followed (it is read until it ends)');
  if (spec.poll !== undefined) {
    if (spec.follow !== true) problem('poll', 'applies with follow: true only');
    else if (durationMs(spec.poll) < 10 || durationMs(spec.poll) > 60_000) problem('poll', 'must be between 10ms and 1m');
  }
  if (spec.delimiter !== undefined && spec.format !== 'csv') problem('delimiter', 'applies to format: csv only');
  return problems;
}

/** `file`: runs a workflow for each line (or batch of lines) of a file or of stdin. */
export const definition = defineKind({
  kind,
  description: 'Reads a file or stdin (lines, NDJSON or CSV): each record, or each batch, is a process on out; an unreadable line goes to error with its line number; done gets {lines, records, errors, …} at the end.',
  schema,
  ports: { in: [], out: ['out', 'error', 'done'] },
  validate,
  codec: (spec, context) => new FileSourceNode({
    name: spec.name ?? spec.id ?? spec.path,
    path: spec.path,
    format: spec.format ?? DEFAULTS.format,
    delimiter: spec.delimiter ?? DEFAULTS.delimiter,
    concurrency: spec.concurrency ?? DEFAULTS.concurrency,
    batch: batchOptions(spec.batch),
    follow: spec.follow ?? DEFAULTS.follow,
    fromEnd: spec.from === 'end',
    pollMs: spec.poll === undefined ? DEFAULTS.pollMs : durationMs(spec.poll),
    context,
  }),
});
