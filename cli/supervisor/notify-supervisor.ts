/** What a supervised `weft start` tells `weft up` over the IPC channel. */
export type SupervisorMessage =
  | { readonly weft: 'ready'; readonly ops?: string }
  | { readonly weft: 'draining' };

/** Tells the supervising `weft up` (when there is one: the process has an IPC channel) how the engine is doing. */
export function notifySupervisor(message: SupervisorMessage): void {
  if (typeof process.send !== 'function' || !process.connected) return;
  try {
    process.send(message);
  } catch {
    // The supervisor is gone; the engine runs on.
  }
}

/** True when `value` is a SupervisorMessage (what a child sent). */
export function isSupervisorMessage(value: unknown): value is SupervisorMessage {
  const weft = (value as { weft?: unknown } | null)?.weft;
  return weft === 'ready' || weft === 'draining';
}
