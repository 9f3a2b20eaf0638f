import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopWeft, tempDir } from '../../harness/cli.ts';

const CLI = new URL('../../../cli/weft.ts', import.meta.url).pathname;

describe('file source and file-sink on standard input and output', () => {
  it('reads NDJSON from the engine\'s stdin (path "-") and writes to its stdout (path "-"), done following its end', async () => {
    const temp = tempDir();
    writeFileSync(join(temp.path, 'stdio.yaml'), `
- kind: file
  name: stdin
  path: "-"
  format: ndjson
  links:
    out: [{name: double, port: in}]
    done: [{name: summary, port: in}]
- kind: snippet
  name: double
  language: cel
  code: '{"n": self.n * 2}'
  links:
    out: [{name: stdout, port: in}]
- kind: snippet
  name: summary
  language: cel
  code: '{"records": self.records, "lines": self.lines}'
  links:
    out: [{name: stdout, port: in}]
- kind: file-sink
  name: stdout
  path: "-"
`);
    const child = spawn(process.execPath, [CLI, 'start', '--store', 'memory://', '--log-level', 'warn', '-f', 'stdio.yaml'], { cwd: temp.path, stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stdin.write('{"n": 1}\n{"n": 2}\n');
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.stdin.end('{"n": 3}\n');
      const deadline = Date.now() + 20_000;
      while (!output.includes('"records"')) {
        if (Date.now() > deadline) throw new Error(`no summary on stdout: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const lines = output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.slice(0, 3)).toEqual([{ n: 2 }, { n: 4 }, { n: 6 }]);
      expect(lines[3]).toEqual({ records: 3, lines: 3 });
    } finally {
      await stopWeft(child);
      temp.remove();
    }
  }, 30_000);
});
