import { describe, expect, it } from 'vitest';
import { createDefaultLanguages, type SandboxedLanguage } from '../../../../src/index.ts';

describe('createDefaultLanguages and the javascript sandbox', () => {
  it('offers javascript and typescript sharing one process sandbox by default', async () => {
    const languages = createDefaultLanguages();
    const javascript = languages.get('javascript') as SandboxedLanguage;
    const typescript = languages.get('typescript') as SandboxedLanguage;
    expect(javascript.sandbox).toBe(typescript.sandbox);
    expect(javascript.sandbox.isolation).toBe('process');
    const program = await languages.compile('typescript', 'export default (n: number): number => n + 1');
    try {
      expect(await program.run(1)).toBe(2);
      expect(javascript.sandbox.processIds.length).toBeGreaterThan(0);
    } finally {
      await program.close?.();
      await javascript.close();
    }
  });

  it('runs in-process when asked, answering synchronously', async () => {
    const languages = createDefaultLanguages({ javascript: { isolation: 'in-process', limits: { timeoutMs: 100 } } });
    const javascript = languages.get('javascript') as SandboxedLanguage;
    expect(javascript.sandbox.isolation).toBe('in-process');
    const program = await languages.compile('javascript', 'export default (n) => n * 2');
    const looping = await languages.compile('javascript', 'export default () => { for (;;) {} }');
    expect(program.run(21)).toBe(42);
    expect(() => looping.run(null)).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_TIMEOUT' }));
    await javascript.close();
  });
});
