import type { Packet } from '../../src/index.ts';
import type { HttpAnswer } from './http-answer.ts';
import { equalValue, matchValue, plain } from './match-value.ts';
import type { PacketRecorder } from './packet-recorder.ts';
import type { Expectations } from './test-file.ts';

/** One unmet expectation: what was checked, what the case expected and what it got. */
export interface Failure {
  readonly what: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** Checks a case's reply (and, for a request, the response) and the packets seen against its expectations. */
export function checkExpectations(expect: Expectations, reply: Packet, http: HttpAnswer | undefined, recorder: PacketRecorder): Failure[] {
  const failures: Failure[] = [];
  const fail = (what: string, expected: unknown, actual: unknown) => failures.push({ what, expected, actual });
  const value = reply.payload;
  const error = value instanceof Error ? (plain(value) as { code?: string; message: string }) : undefined;
  const actualReply = error === undefined ? plain(value) : { error };
  if (expect.error !== undefined) {
    if (error === undefined) fail('error', expect.error, actualReply);
    else if (error.code !== expect.error.code || (expect.error.message !== undefined && error.message !== expect.error.message)) fail('error', expect.error, error);
  }
  if (expect.reply !== undefined && (error !== undefined || !equalValue(value, expect.reply.value))) fail('reply', expect.reply.value, actualReply);
  if (expect.replyMatch !== undefined && (error !== undefined || !matchValue(value, expect.replyMatch.value))) fail('replyMatch', expect.replyMatch.value, actualReply);
  if (http !== undefined) {
    if (expect.status !== undefined && http.status !== expect.status) fail('status', expect.status, http.status);
    if (expect.header !== undefined) {
      for (const [name, expected] of Object.entries(expect.header)) {
        if (http.header[name] !== expected) fail(`header ${name}`, expected, http.header[name] ?? null);
      }
    }
    if (expect.body !== undefined && !equalValue(http.body, expect.body.value)) fail('body', expect.body.value, plain(http.body));
    if (expect.bodyMatch !== undefined && !matchValue(http.body, expect.bodyMatch.value)) fail('bodyMatch', expect.bodyMatch.value, plain(http.body));
  }
  for (const packets of expect.packets ?? []) {
    const seen = recorder.on(packets.node, packets.port);
    const where = `packets on ${packets.node}.${packets.port}`;
    if (packets.count !== undefined && seen.length !== packets.count) fail(`${where} (count)`, packets.count, seen.length);
    if (packets.hasPayload && !seen.some((item) => equalValue(item, packets.payload))) fail(`${where} (payload)`, packets.payload, seen);
    if (packets.hasMatch && !seen.some((item) => matchValue(item, packets.match))) fail(`${where} (match)`, packets.match, seen);
    if (packets.count === undefined && !packets.hasPayload && !packets.hasMatch && seen.length === 0) fail(where, 'at least one packet', 'none');
  }
  return failures;
}
