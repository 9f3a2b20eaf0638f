import type { Report } from './supervision.ts';
import { SlotKind } from './watch-slot.ts';

/** What a sandbox child was doing: a call (by call id) or a compile (by snippet id). */
export interface Operation {
  readonly kind: SlotKind;
  readonly id: number;
}

/** What ended a sandbox child, as far as the engine can tell. */
export interface Death {
  /** The watcher's last words: it killed the process for memory or a runaway call. */
  readonly kill?: Extract<Report, { t: 'kill' }>;
  /** Why the engine's watchdog killed it, if it did. */
  readonly killedBecause?: string;
  /** How it exited: `signal SIGKILL`, `exit code 134`. */
  readonly exit: string;
  /** The tail of its stderr (V8 prints its out-of-memory report there before aborting). */
  readonly stderr: string;
  /** The call or compile it was seen running last, if that is still in flight. */
  readonly running?: Operation;
}

/** Who is to blame for a death, and with what evidence. */
export interface Verdict {
  /** The operation that caused it, if one is known; the other operations in flight did not. */
  readonly culprit?: Operation;
  /** `memory` and `timeout` are evidence against the culprit; `crash` only says it was running. */
  readonly why: 'memory' | 'timeout' | 'crash';
  /** Whether the calls in flight that are not the culprit may be sent again (once). */
  readonly resend: boolean;
  /** One line for logs and ERR_SANDBOX_CRASHED. */
  readonly reason: string;
}

const OUT_OF_MEMORY = /out of memory|is_heap_oom|allocation failed|invalid table size|invalid array length/i;

/**
 * Judges a child's death: the watcher's kill report names its operation (and `memory` or
 * `timeout`); otherwise the operation it was running is the suspect, guilty of `memory` when
 * V8 reported running out of it, else only `crash` (an outside SIGKILL looks the same as a
 * segfault). The calls in flight beside a culprit are sent again. With no operation known:
 * after an unexplained death (most likely a kill from outside) every call is sent again once,
 * since none was seen running; after an out-of-memory abort, or the watchdog killing a child
 * that stopped answering (its calls have waited long already), every call fails.
 */
export function crashVerdict(death: Death): Verdict {
  const kill = death.kill;
  if (kill !== undefined) {
    const culprit = kill.kind === SlotKind.call || kill.kind === SlotKind.compile ? { kind: kill.kind, id: kill.id } : undefined;
    const reason = kill.why === 'memory'
      ? `killed at ${kill.rssMb} MiB of memory, over its budget of ${kill.budgetMb} MiB`
      : `killed: a ${kill.kind === SlotKind.compile ? 'compile' : 'call'} ran ${kill.ms} ms and its timeout did not stop it`;
    return { culprit, why: kill.why, resend: true, reason };
  }
  if (death.killedBecause !== undefined) return { culprit: death.running, why: 'crash', resend: death.running !== undefined, reason: death.killedBecause };
  const oom = OUT_OF_MEMORY.test(death.stderr);
  const reason = `${death.exit}${oom ? ', out of memory' : ''}`;
  return { culprit: death.running, why: oom ? 'memory' : 'crash', resend: death.running !== undefined || !oom, reason };
}
