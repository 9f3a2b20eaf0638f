import { createRequire } from 'node:module';
import type { WebSocket, WebSocketServer } from 'ws';

/** The parts of the ws library the WebSocket kinds use. */
export interface WsLibrary {
  readonly WebSocket: typeof WebSocket;
  readonly WebSocketServer: typeof WebSocketServer;
}

const require = createRequire(import.meta.url);
let loaded: WsLibrary | undefined;

/**
 * The ws library, loaded (synchronously) when the first WebSocket node is built, so an engine
 * without one never pays for it (some 15 MB of resident memory).
 */
export function wsLibrary(): WsLibrary {
  return (loaded ??= require('ws') as WsLibrary);
}
