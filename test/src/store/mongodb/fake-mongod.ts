import { createServer, type Socket } from 'node:net';
import { BSON } from 'mongodb';

/** A TCP server speaking just enough of the MongoDB wire protocol to answer a driver's handshake and commands. */
export interface FakeMongod {
  readonly port: number;
  /** The names of the commands received, in order (handshakes included). */
  readonly commands: string[];
  /** The commands received, whole, in order. */
  readonly received: Record<string, unknown>[];
  close(): Promise<void>;
}

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

/**
 * Starts a fake mongod on 127.0.0.1 whose `hello` (and legacy `isMaster`) reply is the standalone
 * one of a real server merged with `hello`, and which answers every other command with `{ok: 1}`
 * (or what `answer` returns), on `port` (default: a free one). It stands in for what the tests
 * cannot start (a standalone mongod, an old server, a mongos that goes away and comes back), to
 * check what weft does with the real driver's commands and replies.
 */
export async function startFakeMongod(hello: Record<string, unknown>, answer: Answer = () => undefined, port = 0): Promise<FakeMongod> {
  const commands: string[] = [];
  const received: Record<string, unknown>[] = [];
  const sockets = new Set<Socket>();
  let connectionId = 0;
  const reply = async (command: Record<string, unknown>, id: number): Promise<Record<string, unknown>> => {
    const name = Object.keys(command)[0] ?? '';
    commands.push(name);
    received.push(command);
    if (['hello', 'ismaster', 'isMaster'].includes(name)) {
      return {
        ismaster: true, isWritablePrimary: true, helloOk: true, maxBsonObjectSize: 16 * 1024 * 1024, maxMessageSizeBytes: 48_000_000,
        maxWriteBatchSize: 100_000, localTime: new Date(), logicalSessionTimeoutMinutes: 30, connectionId: id, minWireVersion: 0,
        maxWireVersion: 21, readOnly: false, ...hello, ok: 1,
      };
    }
    return (await answer(command)) ?? { ok: 1 };
  };
  const server = createServer((socket) => {
    sockets.add(socket);
    const id = ++connectionId;
    let buffered = Buffer.alloc(0);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // The driver sends one request per connection at a time, so answers keep their order.
    let answering = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 16 && buffered.length >= buffered.readInt32LE(0)) {
        const message = buffered.subarray(0, buffered.readInt32LE(0));
        buffered = buffered.subarray(message.length);
        answering = answering.then(async () => {
          const response = await respond(message, (command) => reply(command, id));
          if (response === undefined) socket.destroy();
          else if (!socket.destroyed) socket.write(response);
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    commands,
    received,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** What a fake server answers to a command: a reply, or undefined for the default `{ok: 1}`. */
export type Answer = (command: Record<string, unknown>) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;

/** The reply frame to one request: OP_REPLY to the OP_QUERY handshake, OP_MSG to OP_MSG; undefined for anything else. */
async function respond(message: Buffer, reply: (command: Record<string, unknown>) => Promise<Record<string, unknown>>): Promise<Buffer | undefined> {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_QUERY) {
    const nameEnd = message.indexOf(0, 20);
    const query = BSON.deserialize(message.subarray(nameEnd + 9), { useBigInt64: true });
    const document = Buffer.from(BSON.serialize(await reply(query)));
    return frame(OP_REPLY, requestId, Buffer.concat([int32(0), Buffer.alloc(8), int32(0), int32(1), document]));
  }
  if (opCode !== OP_MSG || message[20] !== 0) return undefined;
  const command = BSON.deserialize(message.subarray(21, 21 + message.readInt32LE(21)), { useBigInt64: true });
  let offset = 21 + message.readInt32LE(21);
  // Document sequences (kind 1: e.g. the documents of an insert) join the command under their identifier.
  while (offset < message.length && message[offset] === 1) {
    const size = message.readInt32LE(offset + 1);
    const nameEnd = message.indexOf(0, offset + 5);
    const identifier = message.toString('utf8', offset + 5, nameEnd);
    const documents: unknown[] = [];
    for (let at = nameEnd + 1; at < offset + 1 + size; at += message.readInt32LE(at)) documents.push(BSON.deserialize(message.subarray(at, at + message.readInt32LE(at))));
    command[identifier] = documents;
    offset += 1 + size;
  }
  const document = Buffer.from(BSON.serialize(await reply(command)));
  return frame(OP_MSG, requestId, Buffer.concat([int32(0), Buffer.from([0]), document]));
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
}

function frame(opCode: number, responseTo: number, body: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(0, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, body]);
}
