/** A mock: the node answers every packet with `reply`, or with a coded `error`. */
export type Mock =
  | { readonly reply: unknown }
  | { readonly error: { readonly code: string; readonly message?: string } };

/** A request at a listener, as the workflow behind it sees it (the body already decoded). */
export interface TestRequest {
  /** The listener's name; default: the only HTTP listener of the specs. */
  readonly listener?: string;
  readonly method: string;
  readonly path: string;
  readonly host: string;
  readonly query: Readonly<Record<string, string[]>>;
  readonly header: Readonly<Record<string, string[]>>;
  readonly body: unknown;
}

/** Packets a case expects on a port: `count` of them, or at least one matching `payload`/`match`. */
export interface PacketExpectation {
  readonly node: string;
  readonly port: string;
  readonly count?: number;
  readonly payload?: unknown;
  readonly match?: unknown;
  readonly hasPayload: boolean;
  readonly hasMatch: boolean;
}

/** What a case expects; only the fields given are checked. */
export interface Expectations {
  readonly reply?: { readonly value: unknown };
  readonly replyMatch?: { readonly value: unknown };
  readonly error?: { readonly code: string; readonly message?: string };
  readonly status?: number;
  readonly header?: Readonly<Record<string, string>>;
  readonly body?: { readonly value: unknown };
  readonly bodyMatch?: { readonly value: unknown };
  readonly packets?: readonly PacketExpectation[];
}

/** One test case: an input at a node's in-port or a request at a listener, mocks and expectations. */
export interface TestCase {
  readonly name: string;
  /** Where the case starts in its file ("file:line"). */
  readonly where: string;
  readonly input:
    | { readonly type: 'packet'; readonly node: string; readonly port: string; readonly payload: unknown }
    | { readonly type: 'request'; readonly request: TestRequest };
  readonly mocks: Readonly<Record<string, Mock>>;
  readonly expect: Expectations;
}

/** A parsed `*.test.yaml` file: the spec files under test (absolute paths) and its cases. */
export interface TestFile {
  readonly file: string;
  readonly namespace: string;
  readonly specs: readonly string[];
  /** What `{{ env.NAME }}` templates of the specs read: these variables only, not the CLI's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly cases: readonly TestCase[];
}
