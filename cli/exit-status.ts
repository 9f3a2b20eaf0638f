/**
 * Ends a command with a chosen exit code instead of the usual 0/1: `weft diff` exits 1 when
 * there are changes (no `reason`) and 2 on an error (`reason` is reported like any failure).
 */
export class ExitStatus extends Error {
  readonly code: number;
  readonly reason: unknown;

  constructor(code: number, reason?: unknown) {
    super(`exit ${code}`);
    this.code = code;
    this.reason = reason;
  }
}
