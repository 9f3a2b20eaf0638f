import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore, silentLogger, type Logger, type WeftError } from '../../src/index.ts';
import { createScheme } from '../../cli/context.ts';
import type { CliIO } from '../../cli/io.ts';
import { seedSystemNamespace, systemNamespaceFolder } from '../../cli/seed-system-namespace.ts';

function io(env: Record<string, string> = {}): CliIO {
  return { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from(['']), env, cwd: process.cwd() };
}

/** A logger that keeps the messages of warn lines. */
function recordingLogger(warnings: string[]): Logger {
  const logger: Logger = { ...silentLogger, warn: (_fields: unknown, message?: string) => void warnings.push(String(message)), child: () => logger };
  return logger;
}

describe('seedSystemNamespace', () => {
  let store: MemoryStore;
  beforeEach(() => {
    store = new MemoryStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('finds the shipped folder next to the sources', () => {
    const folder = systemNamespaceFolder();
    expect(existsSync(join(folder, 'http.yaml'))).toBe(true);
  });

  it('writes the shipped admin workflow into an empty system namespace, valid for the core scheme', async () => {
    const written = await seedSystemNamespace(io(), { store, scheme: createScheme(), logger: silentLogger });
    const stored = await store.find({ namespace: 'system' });
    expect(written).toBe(stored.length);
    expect(stored.map((spec) => spec.name).sort()).toEqual(
      ['catch', 'listener', 'not_routed', 'router', 'specs_create', 'specs_delete', 'specs_get', 'specs_list', 'specs_patch'],
    );
    expect(stored.find((spec) => spec.kind === 'listener')).toMatchObject({ host: '127.0.0.1', port: 8001 });
    expect(await store.find({ namespace: 'default' })).toEqual([]);
  });

  it('takes the listener address from WEFT_SYSTEM_HOST and WEFT_SYSTEM_PORT', async () => {
    await seedSystemNamespace(io({ WEFT_SYSTEM_HOST: '0.0.0.0', WEFT_SYSTEM_PORT: '9123' }), { store, scheme: createScheme(), logger: silentLogger, bindPublic: true });
    expect((await store.find({ namespace: 'system', kind: 'listener' }))[0]).toMatchObject({ host: '0.0.0.0', port: 9123 });
  });

  it('refuses a WEFT_SYSTEM_HOST beyond loopback without bindPublic (--admin-bind-public), writing nothing', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.9']) {
      const failure = await seedSystemNamespace(io({ WEFT_SYSTEM_HOST: host }), { store, scheme: createScheme(), logger: silentLogger }).catch((thrown: unknown) => thrown);
      expect((failure as WeftError).code, host).toBe('ERR_CONFIG_INVALID');
    }
    expect(await store.find({ namespace: 'system' })).toEqual([]);
    await seedSystemNamespace(io({ WEFT_SYSTEM_HOST: '::1' }), { store, scheme: createScheme(), logger: silentLogger });
    expect((await store.find({ namespace: 'system', kind: 'listener' }))[0]).toMatchObject({ host: '::1' });
  });

  it('leaves a namespace that holds specs alone, and warns when an address was asked for', async () => {
    await store.insert([{ kind: 'nop', namespace: 'system', name: 'mine' }]);
    const warnings: string[] = [];
    expect(await seedSystemNamespace(io({ WEFT_SYSTEM_PORT: '9123' }), { store, scheme: createScheme(), logger: recordingLogger(warnings) })).toBe(0);
    expect((await store.find({ namespace: 'system' })).map((spec) => spec.name)).toEqual(['mine']);
    expect(warnings).toHaveLength(1);
  });

  it('refuses a WEFT_SYSTEM_PORT that is not a port with ERR_CONFIG_INVALID', async () => {
    for (const port of ['http', '70000', '-1', '80.5']) {
      const failure = await seedSystemNamespace(io({ WEFT_SYSTEM_PORT: port }), { store, scheme: createScheme(), logger: silentLogger }).catch((thrown: unknown) => thrown);
      expect((failure as WeftError).code).toBe('ERR_CONFIG_INVALID');
    }
    expect(await store.find({ namespace: 'system' })).toEqual([]);
  });
});
