import { afterEach, describe, expect, it } from 'vitest';
import { javascriptLanguage, type SandboxedLanguage } from '../../../../src/index.ts';
import { until } from '../../../harness/wait.ts';

describe('the process sandbox as a readiness contributor', () => {
  let javascript: SandboxedLanguage | undefined;
  afterEach(async () => {
    await javascript?.close();
  });

  it('is ready before its first compile and while its children answer, not ready once children die before answering three times in a row, and ready again when one answers', async () => {
    javascript = javascriptLanguage({ processes: 1, limits: { timeoutMs: 2000, memoryMb: 16 } });
    const sandbox = javascript.sandbox;
    expect(sandbox.health?.()).toEqual({ ok: true, reason: 'no snippet compiled yet' });
    const program = await javascript.compile('export default (input) => input + 1');
    expect(sandbox.health?.()).toEqual({ ok: true, reason: '1 of 1 processes ready' });

    // Kill each child as soon as it appears, before it can answer: each replacement is a failed start.
    const killed = new Set<number>();
    let sawUnready = false;
    const deadline = Date.now() + 15_000;
    while (!sawUnready && Date.now() < deadline) {
      for (const pid of sandbox.processIds) {
        if (killed.has(pid)) continue;
        killed.add(pid);
        process.kill(pid, 'SIGKILL');
      }
      sawUnready = sandbox.health?.().ok === false;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(sawUnready).toBe(true);
    expect(sandbox.health?.().reason).toMatch(/^sandbox processes fail to start \(\d+ in a row/);

    // Left alone, the next child starts, answers, and the sandbox is ready again.
    expect(await program.run(1)).toBe(2);
    await until(() => sandbox.health?.().ok === true, 10_000);
    await javascript.close();
    expect(sandbox.health?.()).toEqual({ ok: false, reason: 'closed' });
  }, 30_000);
});
