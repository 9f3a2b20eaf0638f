import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/index.ts';

const RACER = new URL('../../fixtures/lease-racer.ts', import.meta.url).pathname;

/** Runs one racer to its end; resolves to the rounds it won. */
function race(path: string, holder: string, startAt: number, rounds: number): Promise<{ round: number; holder: string; data: unknown }[]> {
  const child = spawn(process.execPath, [RACER, path, holder, String(startAt), String(rounds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve, reject) => child.once('exit', (code) => {
    clearTimeout(timer);
    if (code !== 0) reject(new Error(`racer ${holder} failed (${String(code)}): ${stderr}`));
    else resolve(stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { round: number; holder: string; data: unknown }));
  }));
}

describe('SqliteStore leases across OS processes', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('give each key to exactly one of four processes racing for it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'weft-sqlite-leases-'));
    const path = join(dir, 'weft.db');
    // The file and its schema exist before the race, as when engines share a store.
    await new SqliteStore({ path }).close();
    const rounds = 40;
    const startAt = Date.now() + 1500;
    const won = (await Promise.all(['p0', 'p1', 'p2', 'p3'].map((holder) => race(path, holder, startAt, rounds)))).flat();
    expect(won.map((entry) => entry.round).sort((a, b) => a - b)).toEqual(Array.from({ length: rounds }, (_, round) => round));
    for (const entry of won) expect(entry.data).toEqual({ winner: entry.holder });
    const store = new SqliteStore({ path });
    try {
      for (let round = 0; round < rounds; round++) {
        const winner = won.find((entry) => entry.round === round)!.holder;
        expect(await store.acquireLease(`race-${round}`, 'late', 1000)).toBeNull();
        expect(await store.acquireLease(`race-${round}`, winner, 1000)).toMatchObject({ holder: winner });
      }
    } finally {
      await store.close();
    }
  }, 30_000);
});
