import { MemoryStore } from '../../src/index.ts';
import { describeSpecStore } from './spec-store.conformance.ts';

describeSpecStore('memory', async () => new MemoryStore());
