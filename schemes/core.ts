import type { KindDefinition } from '../src/index.ts';
import { definition as nop } from '../codecs/control/nop.ts';
import { definition as snippet } from '../codecs/control/snippet.ts';
import { definition as listener } from '../codecs/network/listener.ts';
import { definition as router } from '../codecs/network/router.ts';

/** The built-in kinds every runtime knows, as a readonly table (no import side effects). */
export const coreKinds = [snippet, nop, router, listener] as const satisfies readonly KindDefinition[];
