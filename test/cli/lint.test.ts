import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, weft } from '../harness/cli.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const FIXTURE = 'test/fixtures/lint-mistakes';

/** The 20 mistakes of test/fixtures/lint-mistakes, each where it is: file:line:column, code, path, severity. */
const EXPECTED = [
  ['01-broken.yaml:5:1', 'ERR_FILE_PARSE', '', 'error'],
  ['02-api.yaml:8:9', 'ERR_LINK_DANGLING', 'links.out[0].name', 'error'],
  ['02-api.yaml:12:3', 'ERR_LISTENER_UNROUTED', 'links.out', 'warning'],
  ['02-api.yaml:25:9', 'ERR_PORT_UNKNOWN', 'links.out[0][0].port', 'error'],
  ['02-api.yaml:26:5', 'ERR_PORT_UNKNOWN', 'links.outt', 'error'],
  ['02-api.yaml:33:3', 'ERR_NODE_UNREACHABLE', '', 'warning'],
  ['03-fields.yaml:2:3', 'ERR_SPEC_INVALID', 'code', 'error'],
  ['03-fields.yaml:11:3', 'ERR_SPEC_INVALID', 'colour', 'error'],
  ['03-fields.yaml:17:3', 'ERR_SPEC_INVALID', 'memory', 'error'],
  ['03-fields.yaml:18:3', 'ERR_KIND_UNKNOWN', 'kind', 'error'],
  ['03-fields.yaml:21:3', 'ERR_SPEC_INVALID', 'name', 'error'],
  ['03-fields.yaml:25:3', 'ERR_NAME_TAKEN', 'name', 'error'],
  ['04-code.yaml:5:3', 'ERR_LANGUAGE_UNKNOWN', 'language', 'error'],
  ['04-code.yaml:11:3', 'ERR_SNIPPET_COMPILE', 'code', 'error'],
  ['04-code.yaml:16:3', 'ERR_SNIPPET_COMPILE', 'code', 'error'],
  ['04-code.yaml:21:3', 'ERR_SNIPPET_COMPILE', 'code', 'error'],
  ['04-code.yaml:25:3', 'ERR_SNIPPET_COMPILE', 'when', 'error'],
  ['04-code.yaml:32:7', 'ERR_SNIPPET_COMPILE', 'matches[1].when', 'error'],
  ['04-code.yaml:43:7', 'ERR_SNIPPET_COMPILE', 'specs[1].code', 'error'],
  ['04-code.yaml:48:3', 'ERR_SNIPPET_COMPILE', 'code', 'error'],
] as const;

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  code: string;
  path: string;
  severity: string;
  message: string;
  hint: string;
}

const TIMEOUT_MS = 60_000;
const lint = (...args: string[]) => weft(['lint', ...args], { cwd: ROOT, env: {} });
const summary = (findings: JsonFinding[]) => findings.map((finding) => [`${finding.file.replace(`${FIXTURE}/`, '')}:${finding.line}:${finding.column}`, finding.code, finding.path, finding.severity]);

describe('weft lint', () => {
  it('finds exactly the 20 mistakes of the fixture at their line:column, and exits 1', async () => {
    const run = await lint('-f', FIXTURE, '-o', 'json');
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as { files: number; errors: number; warnings: number; findings: JsonFinding[] };
    expect(summary(report.findings)).toEqual(EXPECTED);
    expect([report.files, report.errors, report.warnings]).toEqual([4, 18, 2]);
    for (const finding of report.findings) expect(finding.hint.length, finding.code).toBeGreaterThan(10);
  }, TIMEOUT_MS);

  it('prints one compiler-style line per finding on stderr: file:line:column  CODE  path  message  (hint)', async () => {
    const run = await weft(['validate', '-f', FIXTURE], { cwd: ROOT, env: {} });
    expect(run.code).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[1]).toBe(`${FIXTURE}/02-api.yaml:8:9  ERR_LINK_DANGLING  links.out[0].name  links.out points at "routr", which is neither in the files nor stored in namespace "default"  (Fix the target's name (or id), add the spec it names, or pass --allow-dangling when it is applied later (links bind late): the finding is then a warning.)`);
    expect(lines[2]).toMatch(/^\S+02-api\.yaml:12:3 {2}ERR_LISTENER_UNROUTED {2}links\.out {2}warning: /);
    expect(lines[20]).toBe('error ERR_LINT_FAILED: 18 error(s) and 2 warning(s) in 4 file(s)');
  }, TIMEOUT_MS);

  it('--allow-dangling makes a link to a missing spec a warning', async () => {
    const run = await lint('-f', FIXTURE, '-o', 'json', '--allow-dangling');
    const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
    expect(summary(findings)).toEqual(EXPECTED.map((entry) => (entry[1] === 'ERR_LINK_DANGLING' ? [entry[0], entry[1], entry[2], 'warning'] : entry)));
  }, TIMEOUT_MS);

  it('writes GitHub workflow annotations and SARIF 2.1.0', async () => {
    const github = await lint('-f', FIXTURE, '-o', 'github');
    const lines = github.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    expect(lines[1]).toMatch(/^::error file=test\/fixtures\/lint-mistakes\/02-api\.yaml,line=8,col=9,title=ERR_LINK_DANGLING::links\.out\[0\]\.name: links\.out points at "routr"/);
    expect(lines[2]).toMatch(/^::warning file=\S+,line=12,col=3,title=ERR_LISTENER_UNROUTED::/);
    const sarif = JSON.parse((await lint('-f', FIXTURE, '-o', 'sarif')).stdout) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const [runOf] = sarif.runs;
    expect(runOf!.tool.driver.name).toBe('weft');
    expect(runOf!.results.map((result) => {
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      return [`${artifactLocation.uri.replace(`${FIXTURE}/`, '')}:${region.startLine}:${region.startColumn}`, result.ruleId, runOf!.tool.driver.rules[result.ruleIndex]!.id, result.level];
    })).toEqual(EXPECTED.map(([where, code, , severity]) => [where, code, code, severity]));
  }, TIMEOUT_MS);

  it.each(readdirSync(join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.yaml') && !file.endsWith('.test.yaml') && !file.endsWith('weft.config.yaml')))('finds nothing in examples/%s', async (file) => {
    const run = await lint('-f', `examples/${file}`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+ spec\(s\) valid\n$/);
  }, TIMEOUT_MS);

  describe('on files of its own', () => {
    let dir: ReturnType<typeof tempDir>;
    beforeEach(() => (dir = tempDir()));
    afterEach(() => dir.remove());

    it('exits 0 when there are only warnings, saying how many', async () => {
      writeFileSync(join(dir.path, 'idle.yaml'), 'kind: listener\nname: idle\nprotocol: http\nport: 0\n');
      const run = await weft(['lint', '-f', 'idle.yaml'], { cwd: dir.path, env: {} });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/^idle\.yaml:1:1 {2}ERR_LISTENER_UNROUTED {2}links\.out {2}warning: /);
      expect(run.stdout).toBe('1 spec(s) valid, 1 warning(s)\n');
    });

    it('places findings of a JSON file and of stdin too', async () => {
      writeFileSync(join(dir.path, 'spec.json'), '[\n  {"kind": "nop", "name": "a"},\n  {"kind": "nop", "name": "b", "extra": 1}\n]\n');
      const file = await weft(['lint', '-f', 'spec.json', '-o', 'json'], { cwd: dir.path, env: {} });
      expect(summary((JSON.parse(file.stdout) as { findings: JsonFinding[] }).findings)).toEqual([['spec.json:3:32', 'ERR_SPEC_INVALID', 'extra', 'error']]);
      const stdin = await weft(['lint', '-f', '-', '-o', 'json'], { cwd: dir.path, env: {}, stdin: 'kind: nop\nname: x\nlinks:\n  out: [{ name: y, port: in }]\n' });
      expect(summary((JSON.parse(stdin.stdout) as { findings: JsonFinding[] }).findings)).toEqual([
        ['stdin:4:3', 'ERR_PORT_UNKNOWN', 'links.out', 'error'],
        ['stdin:4:11', 'ERR_LINK_DANGLING', 'links.out[0].name', 'error'],
      ]);
    });
  });
});

describe('weft apply refuses what lint finds, before writing', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
  });
  afterEach(() => dir.remove());

  const apply = (yaml: string, ...flags: string[]) => {
    writeFileSync(join(dir.path, 'specs.yaml'), yaml);
    return weft(['apply', '-f', 'specs.yaml', ...flags], { env, cwd: dir.path });
  };
  const stored = async () => (JSON.parse((await weft(['get', '-A', '-o', 'json'], { env, cwd: dir.path })).stdout) as { name: string }[]).map((spec) => spec.name);

  it.each([
    ['export default 42', 'kind: snippet\nname: s\nlanguage: javascript\ncode: export default 42\n', 'ERR_SNIPPET_COMPILE'],
    ['language: python', 'kind: snippet\nname: s\nlanguage: python\ncode: print(1)\n', 'ERR_LANGUAGE_UNKNOWN'],
    ['CEL that does not parse', 'kind: if\nname: s\nwhen: "self >"\n', 'ERR_SNIPPET_COMPILE'],
    ['a link to a missing node', 'kind: snippet\nname: s\nlanguage: text\ncode: hi\nlinks:\n  out: [{ name: routr, port: in }]\n', 'ERR_LINK_DANGLING'],
  ])('%s', async (_label, yaml, code) => {
    const run = await apply(yaml);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`[${code}]`);
    expect(run.stderr).toContain('nothing was written');
    expect(await stored()).toEqual([]);
  }, TIMEOUT_MS);

  it('applies a dangling link with --allow-dangling, printing a warning at its line:column', async () => {
    const run = await apply('kind: snippet\nname: s\nlanguage: text\ncode: hi\nlinks:\n  out: [{ name: later, port: in }]\n', '--allow-dangling');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/specs\.yaml:6:11: warning ERR_LINK_DANGLING links\.out\[0\]\.name: links\.out points at "later"/);
    expect(await stored()).toEqual(['s']);
  });
});
