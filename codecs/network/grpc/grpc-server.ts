import type { Server, UntypedHandleCall } from '@grpc/grpc-js';
import { WeftError } from '../../../src/index.ts';
import { grpcLibrary } from './grpc-library.ts';
import type { GrpcMethod, MethodShape } from './proto-file.ts';

/** Who answers the calls of a GrpcServer: the listener node that owns it now. */
export interface GrpcCallHandler {
  /** Serves one call of `method`; grpc-js hands over the call object (and, for unary and client-stream calls, the callback). */
  handle(method: GrpcMethod, call: unknown, callback?: unknown): void;
}

/** A server's bound address. */
export interface GrpcAddress {
  readonly host: string;
  readonly port: number;
}

/** How long closing lets open calls finish before cutting them. */
const CLOSE_GRACE_MS = 1000;

const HANDLER_TYPE: Readonly<Record<MethodShape, string>> = { unary: 'unary', 'server-stream': 'serverStream', 'client-stream': 'clientStream', bidi: 'bidi' };

/**
 * One grpc-js server on one address, passed from listener to listener across reloads (the
 * socket stays bound). Each registered method dispatches to the `owner` of the moment the call
 * arrives; `serve` swaps the set of methods in one synchronous step, so a reload that changes
 * the .proto file turns methods on and off without a moment with none. Methods not registered
 * answer UNIMPLEMENTED (grpc-js).
 */
export class GrpcServer {
  owner: GrpcCallHandler;
  readonly host: string;
  readonly #port: number;
  #server: Server = new (grpcLibrary().grpc.Server)();
  #methods: readonly GrpcMethod[] = [];
  #bound: number | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: { readonly host: string; readonly port: number; readonly owner: GrpcCallHandler }) {
    this.host = options.host;
    this.#port = options.port;
    this.owner = options.owner;
  }

  get listening(): boolean {
    return this.#bound !== undefined && this.#closing === undefined;
  }

  address(): GrpcAddress | undefined {
    return this.#bound === undefined ? undefined : { host: this.host, port: this.#bound };
  }

  /** Binds the address (idempotent); ERR_LISTEN_FAILED when it cannot. */
  async listen(): Promise<void> {
    if (this.#bound !== undefined) return;
    const address = `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.#port}`;
    try {
      this.#bound = await new Promise<number>((resolve, reject) => {
        this.#server.bindAsync(address, grpcLibrary().grpc.ServerCredentials.createInsecure(), (error, port) => {
          if (error === null) resolve(port);
          else reject(new WeftError('ERR_LISTEN_FAILED', { address, reason: error.message }, { cause: error }));
        });
      });
    } catch (thrown) {
      // grpc-js keeps a failed bind's result for the address: a retry (once the port is free) needs a fresh server.
      this.#server.forceShutdown();
      this.#server = new (grpcLibrary().grpc.Server)();
      this.serve(this.#methods);
      throw thrown;
    }
  }

  /** Makes exactly `methods` callable, each answered by the owner at call time. */
  serve(methods: readonly GrpcMethod[]): void {
    for (const method of this.#methods) this.#server.unregister(method.path);
    this.#methods = methods;
    for (const method of methods) {
      const handler = (call: unknown, callback?: unknown): void => this.owner.handle(method, call, callback);
      const { responseSerialize, requestDeserialize } = method.definition;
      this.#server.register(method.path, handler as UntypedHandleCall, responseSerialize, requestDeserialize, HANDLER_TYPE[method.shape]);
    }
  }

  /** Stops accepting calls; open ones get CLOSE_GRACE_MS to finish, then are cancelled (idempotent). */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, CLOSE_GRACE_MS);
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.#closing;
  }
}
