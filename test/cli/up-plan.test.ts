import { describe, expect, it } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { loadConfig } from '../../cli/config.ts';
import type { CliIO } from '../../cli/io.ts';
import { planEngines } from '../../cli/supervisor/plan-engines.ts';
import { backoffMs, RESTART_POLICY } from '../../cli/supervisor/restart-policy.ts';
import { tempDir } from '../harness/cli.ts';
import { writeConfig } from '../harness/supervisor.ts';

function ioIn(cwd: string, env: Record<string, string> = {}): CliIO {
  return { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from(['']), env, cwd };
}

describe('weft up plans its engines from namespaces:', () => {
  it('runs `replicas` engines per namespace with its store, sandbox, ops port (PORT+N) and extra args', () => {
    const dir = tempDir();
    try {
      writeConfig(dir.path, {
        store: 'sqlite://main.db', sandbox: 'process',
        namespaces: {
          orders: { store: 'sqlite://orders.db', sandbox: 'in-process', replicas: 2, ops: '127.0.0.1:9470', args: ['-f', 'orders.yaml'], env: { ORDERS: '1' } },
          web: {},
          off: { replicas: 0 },
        },
      });
      const io = ioIn(dir.path);
      const plans = planEngines(io, loadConfig(io, {}), 'r1');
      expect(plans.map((plan) => [plan.namespace, plan.replica, plan.engineId])).toEqual([['orders', 0, 'orders-0-r1'], ['orders', 1, 'orders-1-r1'], ['web', 0, 'web-0-r1']]);
      expect(plans[1]).toMatchObject({
        replicas: 2, store: 'sqlite://orders.db', env: { ORDERS: '1' },
        args: ['start', '-n', 'orders', '--store', 'sqlite://orders.db', '--sandbox', 'in-process', '--ops', '127.0.0.1:9471', '-f', 'orders.yaml'],
      });
      expect(plans[2]!.args).toEqual(['start', '-n', 'web', '--store', 'sqlite://main.db', '--sandbox', 'process', '--ops', '127.0.0.1:0']);
    } finally {
      dir.remove();
    }
  });

  it('refuses a config without engines, and an ops address beyond loopback or past port 65535', () => {
    const dir = tempDir();
    try {
      const io = ioIn(dir.path);
      writeConfig(dir.path, {});
      expect(() => planEngines(io, loadConfig(io, {}), 'r')).toThrow(expect.objectContaining({ code: 'ERR_UP_NO_NAMESPACES' }));
      writeConfig(dir.path, { namespaces: { a: { replicas: 0 } } });
      expect(() => planEngines(io, loadConfig(io, {}), 'r')).toThrow(expect.objectContaining({ code: 'ERR_UP_NO_NAMESPACES' }));
      writeConfig(dir.path, { namespaces: { a: { ops: '0.0.0.0:9470' } } });
      expect(() => planEngines(io, loadConfig(io, {}), 'r')).toThrow(expect.objectContaining({ code: 'ERR_OPS_ADDRESS_INVALID' }));
      writeConfig(dir.path, { namespaces: { a: { ops: '127.0.0.1:65535', replicas: 2 } } });
      expect(() => planEngines(io, loadConfig(io, {}), 'r')).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    } finally {
      dir.remove();
    }
  });

  it('backs off 100 ms, doubling per crash in a row, up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 10, 20].map((crashes) => backoffMs(RESTART_POLICY, crashes))).toEqual([100, 200, 400, 800, 1600, 30_000, 30_000]);
  });
});
