import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort, tempDir, weft } from '../harness/cli.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const TIMEOUT_MS = 30_000;

/** The YAML diagnostic blocks of a TAP report, parsed. */
function diagnostics(tap: string): { at: string; failures: { what: string; expected: unknown; actual: unknown }[] }[] {
  return [...tap.matchAll(/^ {2}---\n([\s\S]*?)^ {2}\.\.\.$/gm)].map((match) => parse(match[1]!.replace(/^ {2}/gm, '')) as never);
}

describe('weft test', () => {
  const dir = tempDir();
  let busy: Server;
  let port: number;
  const run = (...args: string[]) => weft(['test', ...args], { cwd: dir.path, env: {} });
  const write = (name: string, lines: string[]) => writeFileSync(join(dir.path, name), `${lines.join('\n')}\n`);

  beforeAll(async () => {
    // The listener's port is taken: were it bound, the listener would fail to load and every request case would fail.
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = (busy.address() as { port: number }).port;
    const closed = await freePort();
    write('api.yaml', [
      `- {kind: listener, name: api, protocol: http, host: 127.0.0.1, port: ${port}, links: {out: [{name: routes, port: in}]}}`,
      '- kind: router',
      '  name: routes',
      '  routes: [{method: GET, path: /hello, port: "out[0]"}, {method: POST, path: /price, port: "out[1]"}, {method: GET, path: /stock, port: "out[2]"}]',
      '  links:',
      '    "out[0]": [{name: greet, port: in}]',
      '    "out[1]": [{name: price, port: in}]',
      '    "out[2]": [{name: stock, port: in}]',
      '- kind: snippet',
      '  name: greet',
      '  language: cel',
      '  code: \'{"status": 201, "header": {"X-Who": self.header["x-user"][0]}, "body": {"hello": self.query.name[0]}}\'',
      '- kind: snippet',
      '  name: price',
      '  language: javascript',
      '  code: "export default (args) => ({ total: args.body.qty * 3, items: [args.body.qty] })"',
      '  links: {out: [{name: audit, port: in}]}',
      '- {kind: snippet, name: audit, language: text, code: real audit}',
      // A real call to a port nothing listens on: unmocked, it fails.
      `- {kind: http, name: stock, url: "http://127.0.0.1:${closed}/never"}`,
    ]);
  });

  afterAll(async () => {
    dir.remove();
    await new Promise<void>((resolve) => busy.close(() => resolve()));
  });

  it('runs the tests of examples/ and passes them all (exit 0, TAP)', async () => {
    const result = await weft(['test', 'examples/'], { cwd: ROOT, env: {} });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^TAP version 14\n1\.\.(\d+)\n/);
    const plan = Number(/^1\.\.(\d+)$/m.exec(result.stdout)![1]);
    expect(plan).toBeGreaterThanOrEqual(8);
    expect(result.stdout.match(/^ok \d+ - /gm)).toHaveLength(plan);
    expect(result.stdout).toContain('ok 1 - examples/ping.test.yaml: GET /ping answers pong');
    expect(result.stdout).toContain(`# ${plan} passed, 0 failed`);
  }, TIMEOUT_MS);

  it('passes the test file shown in docs/testing.md', async () => {
    const doc = readFileSync(join(ROOT, 'docs/testing.md'), 'utf8');
    const block = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((match) => match[1]!).find((text) => text.includes('specs: sql-sqlite.yaml'));
    expect(block).toBeDefined();
    writeFileSync(join(dir.path, 'doc.test.yaml'), block!.replace('specs: sql-sqlite.yaml', `specs: ${join(ROOT, 'examples/sql-sqlite.yaml')}`));
    const result = await run('doc.test.yaml');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('# 3 passed, 0 failed');
  }, TIMEOUT_MS);

  it('passes request cases on a listener whose port is taken: nothing binds; headers, query and body reach the workflow', async () => {
    write('pass.test.yaml', [
      'specs: api.yaml',
      'cases:',
      '  - name: hello',
      '    request: {method: GET, path: /hello, query: {name: ada}, header: {X-User: bob}}',
      '    expect: {status: 201, header: {x-who: bob}, body: {hello: ada}}',
      '  - name: price in a javascript snippet',
      '    request: {method: POST, path: /price, body: {qty: 4}}',
      '    expect:',
      '      status: 200',
      '      body: real audit',
      '      packets: [{node: audit, port: in, payload: {total: 12, items: [4]}}, {node: price, port: out, count: 1}]',
      '  - name: a node alone, with a subset match',
      '    node: price',
      '    payload: {body: {qty: 2}}',
      '    mocks: {audit: {reply: {ok: true}}}',
      '    expect: {replyMatch: {ok: true}, packets: [{node: audit, port: in, match: {total: 6}}]}',
    ]);
    const result = await run('pass.test.yaml');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.split('\n').filter((line) => /^(not )?ok /.test(line))).toEqual([
      'ok 1 - pass.test.yaml: hello',
      'ok 2 - pass.test.yaml: price in a javascript snippet',
      'ok 3 - pass.test.yaml: a node alone, with a subset match',
    ]);
  }, TIMEOUT_MS);

  it('mocks replace a node by a fixed reply or a coded error, for the whole file or one case', async () => {
    write('mocks.test.yaml', [
      'specs: [api.yaml]',
      'mocks: {stock: {reply: {status: 200, body: {left: 7}}}}',
      'cases:',
      '  - name: stock from the mock',
      '    request: {path: /stock}',
      '    expect: {status: 200, body: {left: 7}, packets: [{node: stock, port: in, count: 1}]}',
      '  - name: stock down',
      '    request: {path: /stock}',
      '    mocks: {stock: {error: {code: ERR_THROWN_UNAVAILABLE, message: stock service down}}}',
      '    expect: {status: 503, error: {code: ERR_THROWN_UNAVAILABLE, message: stock service down}, bodyMatch: {error: {code: ERR_THROWN_UNAVAILABLE}}}',
      '  - name: audit mocked behind the real price',
      '    request: {method: POST, path: /price, body: {qty: 1}}',
      '    mocks: {audit: {reply: fake audit}}',
      '    expect: {body: fake audit}',
      '  - name: the real http node fails (nothing listens there)',
      '    node: stock',
      '    mocks: {}',
      '    expect: {reply: {left: 7}}',
    ]);
    const result = await run('mocks.test.yaml');
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/^ok 1 - mocks.test.yaml: stock from the mock$/m);
    expect(result.stdout).toMatch(/^ok 2 - /m);
    expect(result.stdout).toMatch(/^ok 3 - /m);
    // File-level mocks apply to every case, so case 4 still sees the mock: the reply is the response map.
    expect(result.stdout).toMatch(/^not ok 4 - mocks.test.yaml: the real http node fails/m);
    expect(diagnostics(result.stdout)[0]!.failures[0]).toMatchObject({ what: 'reply', expected: { left: 7 }, actual: { status: 200, body: { left: 7 } } });
  }, TIMEOUT_MS);

  it('reports failed cases as not ok with expected and actual, and exits 1', async () => {
    write('fail.test.yaml', [
      'specs: api.yaml',
      'cases:',
      '  - name: wrong status',
      '    request: {path: /hello, query: {name: ada}, header: {x-user: bob}}',
      '    expect: {status: 200, body: {hello: eve}}',
      '  - name: unmocked http fails',
      '    node: stock',
      '    expect: {reply: anything}',
      '  - name: no such node',
      '    node: nosuch',
      '    expect: {reply: 1}',
      '  - name: packets never seen',
      '    node: greet',
      '    payload: {header: {x-user: [a]}, query: {name: [b]}}',
      '    expect: {packets: [{node: audit, port: in}]}',
    ]);
    const result = await run('fail.test.yaml');
    expect(result.code).toBe(1);
    expect(result.stdout.match(/^not ok \d+ - /gm)).toHaveLength(4);
    expect(result.stdout).toContain('# 0 passed, 4 failed');
    const [wrong, http, missing, packets] = diagnostics(result.stdout);
    expect(wrong!.at).toBe('fail.test.yaml:3');
    expect(wrong!.failures).toEqual([
      { what: 'status', expected: 200, actual: 201 },
      { what: 'body', expected: { hello: 'eve' }, actual: { hello: 'ada' } },
    ]);
    expect(http!.failures[0]!.what).toBe('reply');
    expect((http!.failures[0]!.actual as { error: { code: string } }).error.code).toMatch(/^ERR_HTTP/);
    expect(missing!.failures[0]!.actual).toMatch(/^ERR_NODE_NOT_FOUND/);
    expect(packets!.failures).toEqual([{ what: 'packets on audit.in', expected: 'at least one packet', actual: 'none' }]);
  }, TIMEOUT_MS);

  it('--timeout ends a case that runs too long: it fails with its process\'s error, bounded', async () => {
    write('slow.yaml', ['- {kind: sleep, name: nap, duration: 20s}']);
    write('slow.test.yaml', ['specs: slow.yaml', 'cases: [{name: slow, node: nap, payload: 1, expect: {reply: 1}}]']);
    const started = performance.now();
    const result = await run('--timeout', '300', 'slow.test.yaml');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(1);
    expect(diagnostics(result.stdout)[0]!.failures[0]).toMatchObject({ what: 'reply', expected: 1, actual: { error: { code: 'ERR_PROCESS_ABORTED' } } });
  }, TIMEOUT_MS);

  it('a listener\'s error link handles an error reply; request.listener picks one of several listeners', async () => {
    write('two.yaml', [
      `- {kind: listener, name: front, protocol: http, port: ${port}, links: {out: [{name: boom, port: in}], error: [{name: sorry, port: in}]}}`,
      `- {kind: listener, name: back, protocol: http, port: ${port}, links: {out: [{name: fine, port: in}]}}`,
      '- {kind: throw, name: boom, category: not found, message: gone}',
      '- {kind: snippet, name: sorry, language: cel, code: \'{"status": 410, "body": "sorry"}\'}',
      '- {kind: snippet, name: fine, language: text, code: fine}',
    ]);
    write('two.test.yaml', [
      'specs: two.yaml',
      'cases:',
      '  - {name: front, request: {listener: front, path: /x}, expect: {status: 410, body: sorry, packets: [{node: front, port: error, count: 1}, {node: sorry, port: in, count: 1}]}}',
      '  - {name: back, request: {listener: back, path: /x}, expect: {status: 200, body: fine}}',
      '  - {name: which, request: {path: /x}, expect: {status: 200}}',
    ]);
    const result = await run('two.test.yaml');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ok 1 - two.test.yaml: front$/m);
    expect(result.stdout).toMatch(/^ok 2 - two.test.yaml: back$/m);
    expect(result.stdout).toMatch(/^not ok 3 - two.test.yaml: which$/m);
    expect(String(diagnostics(result.stdout)[0]!.failures[0]!.actual)).toContain('request.listener must name one of the 2 HTTP listeners');
  }, TIMEOUT_MS);

  it('env gives the variables {{ env.NAME }} templates read (not the environment weft runs in)', async () => {
    write('env.yaml', ['- {kind: snippet, name: greeting, language: text, code: "hi {{ env.WHO }}"}']);
    write('env.test.yaml', ['specs: env.yaml', 'env: {WHO: ada}', 'cases: [{name: env, node: greeting, expect: {reply: hi ada}}]']);
    const result = await weft(['test', 'env.test.yaml'], { cwd: dir.path, env: { WHO: 'bob' } });
    expect(result.code, result.stdout).toBe(0);
  }, TIMEOUT_MS);

  it('--reporter junit writes JUnit XML, to standard output or --output FILE', async () => {
    const stdout = await run('--reporter', 'junit', 'fail.test.yaml', 'pass.test.yaml');
    expect(stdout.code).toBe(1);
    expect(stdout.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="weft test" tests="7" failures="4"/);
    expect(stdout.stdout).toContain('<testsuite name="fail.test.yaml" tests="4" failures="4"');
    expect(stdout.stdout).toContain('<testsuite name="pass.test.yaml" tests="3" failures="0"');
    expect(stdout.stdout).toMatch(/<testcase name="wrong status" classname="fail.test.yaml" file="fail.test.yaml" time="[\d.]+">\n\s+<failure message="unmet: status; body" type="AssertionError">/);
    expect(stdout.stdout).toMatch(/<testcase name="hello" classname="pass.test.yaml" file="pass.test.yaml" time="[\d.]+"\/>/);
    const file = await run('--reporter', 'junit', '--output', 'report.xml', 'pass.test.yaml');
    expect(file.code).toBe(0);
    expect(file.stdout).toBe('3 passed, 0 failed (report in report.xml)\n');
    expect(readFileSync(join(dir.path, 'report.xml'), 'utf8')).toContain('<testsuites name="weft test" tests="3" failures="0"');
  }, TIMEOUT_MS);

  it.each([
    ['an unknown field', ['specs: api.yaml', 'cases:', '  - name: a', '    node: greet', '    expect: {reply: 1, stauts: 200}'], 'bad.test.yaml:5', 'cases[0].expect.stauts: unknown field'],
    ['a case with neither node nor request', ['specs: api.yaml', 'cases:', '  - name: a', '    expect: {reply: 1}'], 'bad.test.yaml:3', 'either node'],
    ['a mock with a code not in the catalogue', ['specs: api.yaml', 'mocks:', '  greet: {error: {code: ERR_NOPE}}', 'cases: [{name: a, node: greet, expect: {reply: 1}}]'], 'bad.test.yaml:3', 'ERR_NOPE'],
    ['HTTP expectations on a node case', ['specs: api.yaml', 'cases:', '  - {name: a, node: greet, expect: {status: 200}}'], 'bad.test.yaml:3', 'goes with a request case'],
    ['YAML that does not parse', ['specs: api.yaml', 'cases: [ {name: a'], 'bad.test.yaml', 'line'],
    ['two cases with one name', ['specs: api.yaml', 'cases:', '  - {name: a, node: greet, expect: {reply: 1}}', '  - {name: a, node: greet, expect: {reply: 1}}'], 'bad.test.yaml:4', 'used by another case'],
  ])('refuses a bad test file (%s) with ERR_TEST_FILE at file:line, exit 2, before any case runs', async (_name, lines, where, reason) => {
    write('bad.test.yaml', lines);
    const result = await run('bad.test.yaml', 'pass.test.yaml');
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`ERR_TEST_FILE: bad test file ${where}`);
    expect(result.stderr).toContain(reason);
  }, TIMEOUT_MS);

  it('exits 2 for a spec file that is missing and for a directory without test files', async () => {
    write('lost.test.yaml', ['specs: nosuch.yaml', 'cases: [{name: a, node: greet, expect: {reply: 1}}]']);
    const lost = await run('lost.test.yaml');
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain('ERR_FILE_UNREADABLE');
    const empty = await weft(['test', 'docs/kinds'], { cwd: ROOT, env: {} });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('ERR_TEST_FILE: bad test file docs/kinds: it holds no *.test.yaml file');
  }, TIMEOUT_MS);

  it('weft lint of a directory leaves its test files out (given by name, one is read as specs and refused)', async () => {
    const named = await weft(['lint', '-f', 'pass.test.yaml'], { cwd: dir.path, env: {} });
    expect(named.code).not.toBe(0);
    expect(named.stdout + named.stderr).toContain('pass.test.yaml');
    const directory = await weft(['lint', '-f', '.'], { cwd: dir.path, env: {} });
    expect(directory.stdout + directory.stderr).not.toContain('.test.yaml');
  }, TIMEOUT_MS);
});
