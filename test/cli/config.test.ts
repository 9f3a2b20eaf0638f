import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, loadConfigWithSources } from '../../cli/config.ts';
import { tempDir } from '../harness/cli.ts';

describe('CLI configuration', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  const io = (env: Record<string, string> = {}) => ({ stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env, cwd: dir.path });

  it('layers defaults < weft.config.yaml < WEFT_* < flags', () => {
    expect(loadConfig(io(), {})).toMatchObject({ store: 'sqlite://.weft/weft.db', namespace: 'default', logLevel: 'info' });
    writeFileSync(join(dir.path, 'weft.config.yaml'), 'store: memory://\nnamespace: from-file\nlogLevel: warn\n');
    expect(loadConfig(io(), {})).toMatchObject({ store: 'memory://', namespace: 'from-file', logLevel: 'warn' });
    expect(loadConfig(io({ WEFT_NAMESPACE: 'from-env' }), {})).toMatchObject({ namespace: 'from-env', logLevel: 'warn' });
    expect(loadConfig(io({ WEFT_NAMESPACE: 'from-env' }), { namespace: 'from-flag' })).toMatchObject({ namespace: 'from-flag' });
  });

  it('backlogLimit is unset by default (the runtime\'s 10000) and comes from the file or WEFT_BACKLOG_LIMIT; a negative or fractional one is refused', () => {
    expect(loadConfig(io(), {}).backlogLimit).toBeUndefined();
    writeFileSync(join(dir.path, 'weft.config.yaml'), 'backlogLimit: 50\n');
    expect(loadConfig(io(), {}).backlogLimit).toBe(50);
    expect(loadConfig(io({ WEFT_BACKLOG_LIMIT: '0' }), {}).backlogLimit).toBe(0);
    for (const bad of ['-1', '2.5', 'many']) {
      expect(() => loadConfig(io({ WEFT_BACKLOG_LIMIT: bad }), {}), bad).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    }
  });

  it('refuses an invalid value with ERR_CONFIG_INVALID naming the key', () => {
    writeFileSync(join(dir.path, 'weft.config.yaml'), 'logLevel: loud\n');
    expect(() => loadConfig(io(), {})).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('logLevel') }));
  });

  it('refuses a config file that is no single YAML mapping within the limits (alias bomb, duplicate key, two documents)', () => {
    let bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    for (const [index, name] of [...'bcdefghi'].entries()) bomb += `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(', ')}]\n`;
    for (const text of [bomb, 'store: memory://\nstore: memory://\n', 'store: memory://\n---\nstore: memory://\n', 'store: *nope\n']) {
      writeFileSync(join(dir.path, 'weft.config.yaml'), text);
      expect(() => loadConfig(io(), {}), text.slice(0, 20)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    }
  });

  it('refuses an unknown key', () => {
    writeFileSync(join(dir.path, 'weft.config.yaml'), 'stroe: memory://\n');
    expect(() => loadConfig(io(), {})).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
  });

  it('takes the snippet sandbox from a namespace entry of the file, its top level, WEFT_SANDBOX or --sandbox', () => {
    expect(loadConfig(io(), {}).sandbox).toBe('process');
    writeFileSync(join(dir.path, 'weft.config.yaml'), 'sandbox: process\nnamespaces:\n  system: { sandbox: in-process }\n');
    expect(loadConfig(io(), {}).sandbox).toBe('process');
    expect(loadConfig(io(), { namespace: 'system' }).sandbox).toBe('in-process');
    expect(loadConfig(io({ WEFT_SANDBOX: 'process' }), { namespace: 'system' }).sandbox).toBe('process');
    expect(loadConfig(io({ WEFT_SANDBOX: 'in-process' }), {}).sandbox).toBe('in-process');
    expect(loadConfig(io({ WEFT_SANDBOX: 'in-process' }), { sandbox: 'process' }).sandbox).toBe('process');
  });

  it('takes a namespace\'s store from its entry of the file, unless WEFT_STORE or --store says otherwise', () => {
    writeFileSync(join(dir.path, 'weft.config.yaml'), 'store: sqlite://main.db\nnamespaces:\n  orders: { store: sqlite://orders.db, replicas: 2, ops: 127.0.0.1:9470, args: [-f, orders.yaml], env: { A: b } }\n');
    expect(loadConfig(io(), {}).store).toBe('sqlite://main.db');
    expect(loadConfig(io(), { namespace: 'orders' }).store).toBe('sqlite://orders.db');
    expect(loadConfigWithSources(io(), { namespace: 'orders' }).sources.store).toBe('file namespaces.orders');
    expect(loadConfig(io({ WEFT_STORE: 'memory://' }), { namespace: 'orders' }).store).toBe('memory://');
    expect(loadConfig(io(), { namespace: 'orders', store: 'sqlite://flag.db' }).store).toBe('sqlite://flag.db');
    writeFileSync(join(dir.path, 'weft.config.yaml'), 'namespaces:\n  orders: { replicas: -1 }\n');
    expect(() => loadConfig(io(), {})).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('replicas') }));
  });

  it('refuses an unknown sandbox or namespace setting', () => {
    expect(() => loadConfig(io({ WEFT_SANDBOX: 'thread' }), {})).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('sandbox') }));
    writeFileSync(join(dir.path, 'weft.config.yaml'), 'namespaces:\n  system: { sandbox: in-process, port: 1 }\n');
    expect(() => loadConfig(io(), {})).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
  });

  it('takes the admin API exposure from the file, WEFT_ADMIN_BIND_PUBLIC / WEFT_ADMIN_HOSTS or the flags', () => {
    expect(loadConfig(io(), {})).toMatchObject({ adminBindPublic: false, adminHosts: [] });
    expect(loadConfig(io({ WEFT_ADMIN_BIND_PUBLIC: 'true', WEFT_ADMIN_HOSTS: 'admin.example.com, ops.local' }), {}))
      .toMatchObject({ adminBindPublic: true, adminHosts: ['admin.example.com', 'ops.local'] });
    expect(loadConfig(io({ WEFT_ADMIN_BIND_PUBLIC: '0' }), {}).adminBindPublic).toBe(false);
    writeFileSync(join(dir.path, 'weft.config.yaml'), 'adminBindPublic: true\nadminHosts: [a.example]\n');
    expect(loadConfig(io(), {})).toMatchObject({ adminBindPublic: true, adminHosts: ['a.example'] });
    expect(loadConfig(io(), { adminBindPublic: false, adminHosts: ['b.example'] })).toMatchObject({ adminBindPublic: false, adminHosts: ['b.example'] });
    expect(() => loadConfig(io({ WEFT_ADMIN_BIND_PUBLIC: 'maybe' }), {})).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('adminBindPublic') }));
  });
});
