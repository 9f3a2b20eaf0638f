// `weft start --log-format`: JSON lines for machines, one readable line per event for people
// (auto: readable on a terminal, JSON otherwise), through a real engine process.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';

const PING = readFileSync(new URL('../../examples/ping.yaml', import.meta.url), 'utf8');
const CLI = new URL('../../cli/weft.ts', import.meta.url).pathname;

describe('weft start --log-format', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: ReturnType<typeof spawnWeft> | undefined;
  let port = 0;

  beforeEach(async () => {
    dir = tempDir();
    port = await freePort();
    writeFileSync(join(dir.path, 'ping.yaml'), PING.replace('port: 8000', `host: 127.0.0.1\n  port: ${port}`));
  });
  afterEach(async () => {
    await stopWeft(engine);
    engine = undefined;
    dir.remove();
  });

  const started = (output: () => string) => eventually(async () => (output().includes('weft is running') ? true : undefined), 30_000, 'the engine to start');

  it('writes JSON lines by default when standard output is not a terminal', async () => {
    engine = spawnWeft(['start', '-f', 'ping.yaml', '--store', 'memory://', '--insecure'], { cwd: dir.path });
    await started(engine.output);
    const lines = engine.output().split('\n').filter((line) => line.startsWith('{'));
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain('listening');
  });

  it('writes one readable line per event with --log-format pretty (time, level, message, fields)', async () => {
    engine = spawnWeft(['start', '-f', 'ping.yaml', '--store', 'memory://', '--insecure', '--log-format', 'pretty'], { cwd: dir.path });
    await started(engine.output);
    const listening = engine.output().split('\n').find((line) => line.includes('listening'));
    expect(listening).toMatch(new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] INFO: listening \\{.*"url":"http://127\\.0\\.0\\.1:${port}"`));
    expect(engine.output()).not.toMatch(/^\{"level"/m);
  });

  it.skipIf(!existsSync('/usr/bin/script'))('is readable by default on a terminal (auto), with colours unless NO_COLOR', async () => {
    // util-linux `script` gives the engine a pseudo-terminal as standard output.
    const child = spawn('/usr/bin/script', ['-qec', `${process.execPath} ${CLI} start -f ping.yaml --store memory:// --insecure`, '/dev/null'], { cwd: dir.path, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    engine = Object.assign(child, { output: () => output });
    await started(() => output);
    expect(output).toMatch(/\] INFO: listening \{/);
    expect(output).not.toContain('"level":30');
  });

  it('refuses an unknown format with ERR_CONFIG_INVALID naming logFormat', async () => {
    const run = await weft(['start', '--store', 'memory://', '--log-format', 'fancy'], { cwd: dir.path });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('ERR_CONFIG_INVALID');
    expect(run.stderr).toContain('logFormat');
  });
});
