import { afterEach, describe, expect, it, vi } from 'vitest';
import { serviceAvailable } from '../../fixtures/services.ts';

describe('serviceAvailable (the rule the postgres suites skip by)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('reports an unreachable server as unavailable with one line naming why, within the bound', async () => {
    vi.stubEnv('WEFT_TEST_POSTGRES_URL', 'postgres://postgres@127.0.0.1:1/test');
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const started = Date.now();
    const check = await serviceAvailable('postgres', 1000);
    expect(check).toMatchObject({ available: false, url: 'postgres://postgres@127.0.0.1:1/test', reason: expect.stringContaining('ECONNREFUSED') });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('fails instead of skipping when CI=true', async () => {
    vi.stubEnv('WEFT_TEST_POSTGRES_URL', 'postgres://postgres@127.0.0.1:1/test');
    vi.stubEnv('CI', 'true');
    await expect(serviceAvailable('postgres', 1000)).rejects.toBeInstanceOf(Error);
  });
});
