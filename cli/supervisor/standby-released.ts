/**
 * In a warm standby of `weft up` (WEFT_STANDBY=1 and an IPC channel): waits until the supervisor
 * says `go` (true) or goes away (false). Anywhere else: true at once. The IPC channel keeps the
 * process alive only while it waits.
 */
export function standbyReleased(): Promise<boolean> {
  if (process.env.WEFT_STANDBY !== '1' || typeof process.send !== 'function') return Promise.resolve(true);
  delete process.env.WEFT_STANDBY;
  return new Promise((resolve) => {
    const onMessage = (message: unknown): void => {
      if ((message as { weft?: unknown } | null)?.weft === 'go') done(true);
    };
    const onDisconnect = (): void => done(false);
    const done = (go: boolean): void => {
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      process.channel?.unref();
      resolve(go);
    };
    process.on('message', onMessage);
    process.on('disconnect', onDisconnect);
    process.channel?.ref();
    // Only now can a `go` be heard: the supervisor sends it after this.
    process.send!({ weft: 'standby' });
  });
}
