import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { catalogue, parseYamlDocuments, WeftError, YamlSourceMap } from '../../src/index.ts';
import type { Expectations, Mock, PacketExpectation, TestCase, TestFile, TestRequest } from './test-file.ts';

const FILE_FIELDS = new Set(['specs', 'namespace', 'env', 'mocks', 'cases']);
const CASE_FIELDS = new Set(['name', 'node', 'port', 'payload', 'request', 'mocks', 'expect']);
const REQUEST_FIELDS = new Set(['listener', 'method', 'path', 'host', 'query', 'header', 'body']);
const EXPECT_FIELDS = new Set(['reply', 'replyMatch', 'error', 'status', 'header', 'body', 'bodyMatch', 'packets']);
const HTTP_ONLY = ['status', 'header', 'body', 'bodyMatch'] as const;
const PACKET_FIELDS = new Set(['node', 'port', 'count', 'payload', 'match']);

type Map = Record<string, unknown>;

/** A problem of a test file at a field path (`cases[1].expect.status`). */
class Problem extends Error {
  readonly path: string;

  constructor(path: string, reason: string) {
    super(reason);
    this.path = path;
  }
}

/**
 * Reads and checks one test file (docs/testing.md); ERR_TEST_FILE naming `file:line` of the
 * field at fault for a file that cannot be read, does not parse or does not follow the format.
 */
export function readTestFile(file: string, shown: string = file): TestFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (thrown) {
    throw new WeftError('ERR_TEST_FILE', { where: shown, reason: `cannot read it (${(thrown as NodeJS.ErrnoException).code ?? String(thrown)})` });
  }
  const parsed = parseYamlDocuments(text);
  if (!parsed.ok) throw new WeftError('ERR_TEST_FILE', { where: shown, reason: parsed.reason });
  const map = new YamlSourceMap(text);
  const at = (path: string) => `${shown}:${map.locate(0, undefined, path).line}`;
  if (parsed.documents.length !== 1) throw new WeftError('ERR_TEST_FILE', { where: shown, reason: 'a test file holds one YAML document' });
  try {
    return testFile(file, parsed.documents[0], at);
  } catch (thrown) {
    if (!(thrown instanceof Problem)) throw thrown;
    throw new WeftError('ERR_TEST_FILE', { where: at(thrown.path), reason: thrown.path === '' ? thrown.message : `${thrown.path}: ${thrown.message}` });
  }
}

function testFile(file: string, value: unknown, at: (path: string) => string): TestFile {
  const top = mapping(value, '');
  known(top, FILE_FIELDS, '');
  const specs = typeof top.specs === 'string' ? [top.specs] : top.specs;
  if (!Array.isArray(specs) || specs.length === 0 || !specs.every((item) => typeof item === 'string' && item !== '')) {
    throw new Problem('specs', 'must name the spec files under test: a path or a list of paths, relative to the test file');
  }
  const namespace = top.namespace ?? 'default';
  if (typeof namespace !== 'string' || namespace === '') throw new Problem('namespace', 'must be a namespace name');
  const env: Record<string, string> = {};
  for (const [name, item] of Object.entries(top.env === undefined ? {} : mapping(top.env, 'env'))) {
    if (!['string', 'number', 'boolean'].includes(typeof item)) throw new Problem(`env.${name}`, 'must be a string');
    env[name] = String(item);
  }
  const fileMocks = top.mocks === undefined ? {} : mocks(top.mocks, 'mocks');
  if (!Array.isArray(top.cases) || top.cases.length === 0) throw new Problem('cases', 'must be a non-empty list of test cases');
  const names = new Set<string>();
  const cases = top.cases.map((item, index) => {
    const path = `cases[${index}]`;
    const parsed = testCase(item, path, at(path), fileMocks);
    if (names.has(parsed.name)) throw new Problem(`${path}.name`, `the name "${parsed.name}" is used by another case`);
    names.add(parsed.name);
    return parsed;
  });
  return { file, namespace, env, specs: (specs as string[]).map((spec) => resolve(dirname(file), spec)), cases };
}

function testCase(value: unknown, path: string, where: string, fileMocks: Readonly<Record<string, Mock>>): TestCase {
  const item = mapping(value, path);
  known(item, CASE_FIELDS, path);
  if (typeof item.name !== 'string' || item.name.trim() === '') throw new Problem(path, 'a case needs a name (a string)');
  if ((item.node === undefined) === (item.request === undefined)) throw new Problem(path, 'a case has either node (a packet at an in-port) or request (an HTTP request at a listener)');
  let input: TestCase['input'];
  if (item.node !== undefined) {
    if (typeof item.node !== 'string' || item.node === '') throw new Problem(`${path}.node`, 'must be the name of a node');
    const port = item.port ?? 'in';
    if (typeof port !== 'string' || port === '') throw new Problem(`${path}.port`, 'must be the name of an in-port');
    input = { type: 'packet', node: item.node, port, payload: item.payload ?? null };
  } else {
    if (item.port !== undefined || item.payload !== undefined) throw new Problem(path, 'port and payload go with node; a request case gives request.body');
    input = { type: 'request', request: request(item.request, `${path}.request`) };
  }
  const caseMocks = item.mocks === undefined ? {} : mocks(item.mocks, `${path}.mocks`);
  const expect = expectations(item.expect, `${path}.expect`, input.type === 'request');
  return { name: item.name, where, input, mocks: { ...fileMocks, ...caseMocks }, expect };
}

function request(value: unknown, path: string): TestRequest {
  const item = mapping(value, path);
  known(item, REQUEST_FIELDS, path);
  const method = item.method ?? 'GET';
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) throw new Problem(`${path}.method`, 'must be an HTTP method such as GET');
  if (typeof item.path !== 'string' || !item.path.startsWith('/')) throw new Problem(`${path}.path`, 'must be a path starting with /');
  if (item.listener !== undefined && (typeof item.listener !== 'string' || item.listener === '')) throw new Problem(`${path}.listener`, 'must be the name of a listener');
  const host = item.host ?? 'localhost';
  if (typeof host !== 'string') throw new Problem(`${path}.host`, 'must be a string');
  const header = lists(item.header, `${path}.header`, true);
  return {
    ...(item.listener === undefined ? {} : { listener: item.listener as string }),
    method: method.toUpperCase(),
    path: item.path,
    host,
    query: lists(item.query, `${path}.query`, false),
    header: { host: [host], ...header },
    body: item.body ?? null,
  };
}

/** Query or header values as form lists (name → list of strings); header names lower-cased. */
function lists(value: unknown, path: string, lower: boolean): Record<string, string[]> {
  if (value === undefined) return {};
  const item = mapping(value, path);
  const result: Record<string, string[]> = {};
  for (const [name, entry] of Object.entries(item)) {
    const values = Array.isArray(entry) ? entry : [entry];
    if (!values.every((one) => ['string', 'number', 'boolean'].includes(typeof one))) throw new Problem(`${path}.${name}`, 'must be a string or a list of strings');
    result[lower ? name.toLowerCase() : name] = values.map(String);
  }
  return result;
}

function mocks(value: unknown, path: string): Record<string, Mock> {
  const item = mapping(value, path);
  const result: Record<string, Mock> = {};
  for (const [name, entry] of Object.entries(item)) {
    const mock = mapping(entry, `${path}.${name}`);
    const keys = Object.keys(mock);
    if (keys.length !== 1 || (keys[0] !== 'reply' && keys[0] !== 'error')) throw new Problem(`${path}.${name}`, 'a mock is {reply: VALUE} or {error: {code, message}}');
    result[name] = 'reply' in mock ? { reply: mock.reply ?? null } : { error: codedError(mock.error, `${path}.${name}.error`) };
  }
  return result;
}

function codedError(value: unknown, path: string): { code: string; message?: string } {
  const item = typeof value === 'string' ? { code: value } : mapping(value, path);
  known(item, new Set(['code', 'message']), path);
  if (typeof item.code !== 'string' || !(item.code in catalogue)) throw new Problem(path, `code must be an error code of docs/errors.md (e.g. ERR_THROWN_NOT_FOUND), not ${JSON.stringify(item.code)}`);
  if (item.message !== undefined && typeof item.message !== 'string') throw new Problem(`${path}.message`, 'must be a string');
  return item.message === undefined ? { code: item.code } : { code: item.code, message: item.message };
}

function expectations(value: unknown, path: string, http: boolean): Expectations {
  const item = mapping(value, path);
  known(item, EXPECT_FIELDS, path);
  if (Object.keys(item).length === 0) throw new Problem(path, `expects nothing; give one of ${[...EXPECT_FIELDS].join(', ')}`);
  if (!http) for (const field of HTTP_ONLY) if (field in item) throw new Problem(`${path}.${field}`, 'goes with a request case (a node case checks reply, replyMatch, error, packets)');
  if ('reply' in item && 'error' in item) throw new Problem(path, 'a reply is a value or an error: give reply or error, not both');
  const result: { -readonly [K in keyof Expectations]: Expectations[K] } = {};
  if ('reply' in item) result.reply = { value: item.reply };
  if ('replyMatch' in item) result.replyMatch = { value: item.replyMatch };
  if ('body' in item) result.body = { value: item.body };
  if ('bodyMatch' in item) result.bodyMatch = { value: item.bodyMatch };
  if (item.error !== undefined) result.error = codedError(item.error, `${path}.error`);
  if (item.status !== undefined) {
    if (!Number.isInteger(item.status) || (item.status as number) < 100 || (item.status as number) > 599) throw new Problem(`${path}.status`, 'must be an HTTP status (100–599)');
    result.status = item.status as number;
  }
  if (item.header !== undefined) {
    const header: Record<string, string> = {};
    for (const [name, entry] of Object.entries(mapping(item.header, `${path}.header`))) {
      if (typeof entry !== 'string' && typeof entry !== 'number') throw new Problem(`${path}.header.${name}`, 'must be a string');
      header[name.toLowerCase()] = String(entry);
    }
    result.header = header;
  }
  if (item.packets !== undefined) {
    if (!Array.isArray(item.packets)) throw new Problem(`${path}.packets`, 'must be a list of {node, port, count?, payload?, match?}');
    result.packets = item.packets.map((entry, index) => packetExpectation(entry, `${path}.packets[${index}]`));
  }
  return result;
}

function packetExpectation(value: unknown, path: string): PacketExpectation {
  const item = mapping(value, path);
  known(item, PACKET_FIELDS, path);
  if (typeof item.node !== 'string' || item.node === '') throw new Problem(`${path}.node`, 'must be the name of a node');
  if (typeof item.port !== 'string' || item.port === '') throw new Problem(`${path}.port`, 'must be the name of one of its ports (in or out)');
  if (item.count !== undefined && (!Number.isInteger(item.count) || (item.count as number) < 0)) throw new Problem(`${path}.count`, 'must be a whole number ≥ 0');
  return {
    node: item.node, port: item.port, hasPayload: 'payload' in item, hasMatch: 'match' in item, payload: item.payload, match: item.match,
    ...(item.count === undefined ? {} : { count: item.count as number }),
  };
}

function mapping(value: unknown, path: string): Map {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Problem(path, 'must be a mapping');
  return value as Map;
}

function known(item: Map, fields: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(item)) {
    if (!fields.has(key)) throw new Problem(path === '' ? key : `${path}.${key}`, `unknown field (known: ${[...fields].join(', ')})`);
  }
}
