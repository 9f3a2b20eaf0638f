import { describe, expect, it } from 'vitest';
import { Process, ProcessGroup } from '../../../src/index.ts';

const within = <T>(promise: Promise<T>, ms = 1000): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))]);

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Process', () => {
  describe('id', () => {
    it('is a UUIDv7, stable across reads and distinct per process', () => {
      const process = new Process();
      expect(process.id).toMatch(UUID_V7);
      expect(process.id).toBe(process.id);
      expect(new Process().id).not.toBe(process.id);
    });

    it('is made on first read, so ids order by when they were first read', () => {
      const first = new Process();
      const second = new Process();
      const secondId = second.id;
      const firstId = first.id;
      expect(firstId > secondId).toBe(true);
    });
  });

  describe('data', () => {
    it('lets a child read its parent’s entries', () => {
      const parent = new Process();
      parent.data.set('key', 1);
      const child = parent.fork();
      expect(child.data.get('key')).toBe(1);
      expect(child.data.has('key')).toBe(true);
    });

    it('keeps a child’s writes local (copy-on-write)', () => {
      const parent = new Process();
      parent.data.set('key', 'parent');
      const child = parent.fork();
      child.data.set('key', 'child');
      child.data.set('own', true);
      expect(child.data.get('key')).toBe('child');
      expect(parent.data.get('key')).toBe('parent');
      expect(parent.data.has('own')).toBe(false);
    });

    it('delete removes only the local entry; the parent’s shows through again', () => {
      const parent = new Process();
      parent.data.set('key', 'parent');
      const child = parent.fork();
      child.data.set('key', 'child');
      expect(child.data.delete('key')).toBe(true);
      expect(child.data.get('key')).toBe('parent');
      expect(child.data.delete('key')).toBe(false);
      expect(parent.data.get('key')).toBe('parent');
    });

    it('take removes the entry from the ancestor where it was found', () => {
      const root = new Process();
      root.data.set('response', 'writer');
      const grandchild = root.fork().fork();
      expect(grandchild.data.take('response')).toBe('writer');
      expect(root.data.has('response')).toBe(false);
      expect(grandchild.data.take('response')).toBeUndefined();
    });

    it('take prefers the nearest entry and leaves the farther one', () => {
      const parent = new Process();
      parent.data.set('key', 'parent');
      const child = parent.fork();
      child.data.set('key', 'child');
      expect(child.data.take('key')).toBe('child');
      expect(child.data.get('key')).toBe('parent');
    });

    it('keeps symbol keys apart from string keys', () => {
      const process = new Process();
      const key = Symbol('key');
      process.data.set(key, 'symbol');
      expect(process.data.get('key')).toBeUndefined();
      expect(process.data.get(key)).toBe('symbol');
    });

    it('is cleared when the process exits', async () => {
      const process = new Process();
      process.data.set('key', 1);
      await within(process.exit());
      expect(process.data.has('key')).toBe(false);
    });
  });

  describe('exit', () => {
    it('runs exit hooks last-registered first, with the exit error', async () => {
      const process = new Process();
      const calls: [string, Error | undefined][] = [];
      process.onExit((error) => void calls.push(['first', error]));
      process.onExit((error) => void calls.push(['second', error]));
      process.onExit((error) => void calls.push(['third', error]));
      const error = new Error('failed');
      await within(process.exit(error));
      expect(calls).toEqual([['third', error], ['second', error], ['first', error]]);
      expect(process.state).toBe('exited');
      expect(process.error).toBe(error);
    });

    it('waits for an async hook before the next one runs', async () => {
      const process = new Process();
      const calls: string[] = [];
      process.onExit(() => void calls.push('first'));
      process.onExit(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        calls.push('second');
      });
      await within(process.exit());
      expect(calls).toEqual(['second', 'first']);
    });

    it('is idempotent: hooks run once and the first error stays', async () => {
      const process = new Process();
      let count = 0;
      process.onExit(() => void count++);
      const first = new Error('first');
      const exiting = process.exit(first);
      expect(process.exit(new Error('second'))).toBe(exiting);
      await within(exiting);
      await within(process.exit());
      expect(count).toBe(1);
      expect(process.error).toBe(first);
    });

    it('marks the process exited at once, before the hooks have run', () => {
      const process = new Process();
      expect(process.state).toBe('running');
      void process.exit();
      expect(process.state).toBe('exited');
    });

    it('runs the other hooks when one throws or rejects', async () => {
      const process = new Process();
      const calls: string[] = [];
      process.onExit(() => void calls.push('first'));
      process.onExit(() => {
        throw new Error('sync failure');
      });
      process.onExit(() => Promise.reject(new Error('async failure')));
      process.onExit(() => void calls.push('last'));
      await within(process.exit());
      expect(calls).toEqual(['last', 'first']);
    });

    it('aborts the signal with the exit error', async () => {
      const process = new Process();
      const signal = process.signal;
      expect(signal.aborted).toBe(false);
      const error = new Error('cancelled');
      await within(process.exit(error));
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBe(error);
    });

    it('gives an aborted signal when it is first read after exit', async () => {
      const process = new Process();
      await within(process.exit());
      expect(process.signal.aborted).toBe(true);
    });

    it('runs a hook registered after exit', async () => {
      const process = new Process();
      const error = new Error('done');
      await within(process.exit(error));
      const seen = await within(new Promise<Error | undefined>((resolve) => process.onExit(resolve)));
      expect(seen).toBe(error);
    });
  });

  describe('children', () => {
    it('fork makes a running child with this process as parent', () => {
      const parent = new Process();
      const child = parent.fork();
      expect(child.parent).toBe(parent);
      expect(child.state).toBe('running');
      expect(child.id).not.toBe(parent.id);
    });

    it('parent exit exits the children with the same error, before the parent’s hooks', async () => {
      const parent = new Process();
      const child = parent.fork();
      const grandchild = child.fork();
      const calls: string[] = [];
      parent.onExit(() => void calls.push('parent'));
      child.onExit(() => void calls.push('child'));
      grandchild.onExit(() => void calls.push('grandchild'));
      const error = new Error('request failed');
      await within(parent.exit(error));
      expect(child.state).toBe('exited');
      expect(grandchild.state).toBe('exited');
      expect(child.error).toBe(error);
      expect(grandchild.error).toBe(error);
      expect(calls).toEqual(['grandchild', 'child', 'parent']);
    });

    it('join resolves at once without children', async () => {
      await within(new Process().join());
    });

    it('join resolves once every child has exited', async () => {
      const parent = new Process();
      const a = parent.fork();
      const b = parent.fork();
      let joined = false;
      const joining = parent.join().then(() => (joined = true));
      await a.exit();
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(joined).toBe(false);
      await b.exit();
      await within(joining);
      expect(joined).toBe(true);
    });

    it('a child’s exit leaves its parent running', async () => {
      const parent = new Process();
      await within(parent.fork().exit(new Error('child failed')));
      expect(parent.state).toBe('running');
      expect(parent.error).toBeUndefined();
    });

    it('finish waits for the children, then exits', async () => {
      const parent = new Process();
      const child = parent.fork();
      const finishing = parent.finish();
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(parent.state).toBe('running');
      await child.exit();
      await within(finishing);
      expect(parent.state).toBe('exited');
      expect(parent.error).toBeUndefined();
    });

    it('finish passes its error to exit', async () => {
      const process = new Process();
      const error = new Error('status 500');
      await within(process.finish(error));
      expect(process.error).toBe(error);
    });
  });
});

describe('Process exit re-entrancy', () => {
  it('releases once when an exit hook calls exit again', async () => {
    const group = new ProcessGroup();
    const process = group.spawn();
    const other = group.spawn();
    process.onExit(() => void process.exit());
    await process.exit();
    expect(group.size).toBe(1);
    await other.exit();
    expect(group.size).toBe(0);
  });
});

describe('Process.fork after exit', () => {
  it('gives a child that is already exited, with its signal aborted', async () => {
    const parent = new Process();
    const reason = new Error('gone');
    await parent.exit(reason);
    const child = parent.fork();
    expect(child.state).toBe('exited');
    expect(child.signal.aborted).toBe(true);
    expect(child.error).toBe(reason);
    await within(parent.join());
  });
});
