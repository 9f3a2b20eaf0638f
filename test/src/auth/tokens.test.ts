import { describe, expect, it } from 'vitest';
import {
  Authenticator, MemoryStore, parseApiToken, roleAllows, TOKENS_NAMESPACE, TokenRegistry, TokenVerifier, WeftError, type Principal, type Verdict,
} from '../../../src/index.ts';

const codeOf = (verdict: Verdict): string | undefined => (verdict instanceof WeftError ? verdict.code : undefined);

describe('TokenRegistry', () => {
  it('creates a token whose text parses to the stored id and whose secret the store never holds', async () => {
    const store = new MemoryStore();
    const registry = new TokenRegistry(store);
    const { token, info } = await registry.create({ name: 'ci', role: 'write' });
    const parts = parseApiToken(token)!;
    expect(parts.id).toBe(info.id);
    const raw = JSON.stringify(await store.findValues({ namespace: TOKENS_NAMESPACE }));
    expect(raw).not.toContain(parts.secret);
    expect(raw).toContain('"hash"');
    expect(await registry.list()).toEqual([info]);
    await store.close();
  });

  it('refuses a taken name, a bad name and a past expiry with coded errors, and revokes all or nothing', async () => {
    const store = new MemoryStore();
    const registry = new TokenRegistry(store);
    await registry.create({ name: 'a', role: 'read' });
    await expect(registry.create({ name: 'a', role: 'admin' })).rejects.toMatchObject({ code: 'ERR_TOKEN_NAME_TAKEN' });
    await expect(registry.create({ name: ' spaced out', role: 'read' })).rejects.toMatchObject({ code: 'ERR_TOKEN_INVALID' });
    await expect(registry.create({ name: 'old', role: 'read', expiresAt: new Date(Date.now() - 1000) })).rejects.toMatchObject({ code: 'ERR_TOKEN_INVALID' });
    await expect(registry.revoke(['a', 'nobody'])).rejects.toMatchObject({ code: 'ERR_TOKEN_NOT_FOUND' });
    expect((await registry.list()).map((token) => token.name)).toEqual(['a']);
    expect((await registry.revoke(['a'])).map((token) => token.name)).toEqual(['a']);
    expect(await registry.list()).toEqual([]);
    await store.close();
  });
});

describe('TokenVerifier', () => {
  it('answers from its memory synchronously after the first lookup, and asks the store again after ttlMs', async () => {
    const store = new MemoryStore();
    const registry = new TokenRegistry(store);
    const verifier = new TokenVerifier({ registry, ttlMs: 50 });
    const { token, info } = await registry.create({ name: 'svc', role: 'read' });
    const first = verifier.verify(token);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ method: 'token', id: info.id, name: 'svc', role: 'read' } satisfies Principal);
    const second = verifier.verify(token);
    expect(second).not.toBeInstanceOf(Promise);
    await registry.revoke(['svc']);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(codeOf(await verifier.verify(token))).toBe('ERR_AUTH_REQUIRED');
    await store.close();
  });

  it('refuses an expired token, and answers ERR_AUTH_UNAVAILABLE (not a pass) when the store fails', async () => {
    const store = new MemoryStore();
    const registry = new TokenRegistry(store);
    const { token } = await registry.create({ name: 'brief', role: 'read', expiresAt: new Date(Date.now() + 60) });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(codeOf(await new TokenVerifier({ registry }).verify(token))).toBe('ERR_AUTH_REQUIRED');
    const { token: other } = await registry.create({ name: 'other', role: 'read' });
    await store.close();
    expect(codeOf(await new TokenVerifier({ registry }).verify(other))).toBe('ERR_AUTH_UNAVAILABLE');
  });
});

describe('Authenticator', () => {
  it('reads "Bearer" without case, refuses other schemes, and checks the role (read < write < admin)', async () => {
    const store = new MemoryStore();
    const registry = new TokenRegistry(store);
    const auth = new Authenticator({ tokens: new TokenVerifier({ registry }) });
    const { token } = await registry.create({ name: 'w', role: 'write' });
    expect(await auth.authorize(`bearer ${token}`, 'write')).toMatchObject({ name: 'w', role: 'write' });
    expect(codeOf(await auth.authorize(`Bearer ${token}`, 'admin'))).toBe('ERR_AUTH_FORBIDDEN');
    expect(codeOf(await auth.authorize(`Basic ${token}`, 'read'))).toBe('ERR_AUTH_REQUIRED');
    expect(codeOf(await auth.authorize(undefined, 'read'))).toBe('ERR_AUTH_REQUIRED');
    expect(codeOf(await auth.authorize('Bearer eyJhbGciOiJIUzI1NiJ9.e30.x', 'read'))).toBe('ERR_AUTH_REQUIRED');
    expect([roleAllows('admin', 'write'), roleAllows('read', 'write'), roleAllows('write', 'write')]).toEqual([true, false, true]);
    await store.close();
  });
});
