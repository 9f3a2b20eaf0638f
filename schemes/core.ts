import type { KindDefinition } from '../src/index.ts';
import { definition as nop } from '../codecs/control/nop.ts';
import { definition as snippet } from '../codecs/control/snippet.ts';
import { definition as block } from '../codecs/control/block.ts';
import { definition as fork } from '../codecs/control/fork.ts';
import { definition as forLoop, loopDefinition as loop } from '../codecs/control/for.ts';
import { definition as merge } from '../codecs/control/merge.ts';
import { callDefinition as call, definition as pipe } from '../codecs/control/pipe.ts';
import { definition as retry } from '../codecs/control/retry.ts';
import { definition as sleep } from '../codecs/control/sleep.ts';
import { definition as split } from '../codecs/control/split.ts';
import { definition as throwKind } from '../codecs/control/throw.ts';
import { definition as tryKind } from '../codecs/control/try.ts';
import { definition as ifKind } from '../codecs/control/if.ts';
import { definition as switchKind } from '../codecs/control/switch.ts';
import { definition as listener } from '../codecs/network/listener.ts';
import { definition as router } from '../codecs/network/router.ts';
import { definition as http } from '../codecs/network/http.ts';
import { definition as upgrader, gatewayDefinition as gateway } from '../codecs/network/upgrader.ts';
import { definition as send } from '../codecs/network/send.ts';
import { definition as websocket } from '../codecs/network/websocket.ts';
import { definition as grpc } from '../codecs/network/grpc-client.ts';
import { definition as syscall } from '../codecs/system/syscall.ts';
import { definition as exec } from '../codecs/system/exec.ts';
import { definition as schedule } from '../codecs/system/schedule.ts';
import { definition as sql, rdbDefinition as rdb } from '../codecs/io/sql.ts';
import { definition as session } from '../codecs/control/session.ts';
import { definition as cache } from '../codecs/control/cache.ts';
import { definition as signal } from '../codecs/system/signal.ts';
import { definition as consumer } from '../codecs/queue/consumer.ts';
import { definition as publisher } from '../codecs/queue/publisher.ts';
import { definition as imap } from '../codecs/network/imap.ts';
import { definition as imapAppend } from '../codecs/network/imap-append.ts';
import { definition as file } from '../codecs/io/file.ts';
import { definition as fileSink } from '../codecs/io/file-sink.ts';
import { definition as accumulator } from '../codecs/control/accumulator.ts';
import { definition as unbatch } from '../codecs/control/unbatch.ts';
import { definition as aggregate } from '../codecs/control/aggregate.ts';

/** The built-in kinds every runtime knows, as a readonly table (no import side effects). */
export const coreKinds = [
  snippet, nop, router, listener, http, syscall, exec, sql, rdb,
  block, pipe, call, forLoop, loop, fork, merge, split, retry, sleep, tryKind, throwKind,
  ifKind, switchKind, consumer, publisher, schedule, session, cache, signal, upgrader, gateway, send, websocket,
  imap, imapAppend, grpc,
  file, fileSink, accumulator, unbatch, aggregate,
] as const satisfies readonly KindDefinition[];
