import { afterEach, beforeEach, describe } from 'vitest';
import type { SpecStore } from '../../src/index.ts';
import { describeConcurrentWriters } from './concurrency.conformance.ts';
import { unique, type ConformanceContext } from './conformance-context.ts';
import type { ConformanceOptions } from './conformance-options.ts';
import { describeFeedGuarantees } from './feed.conformance.ts';
import { describeFindAndDelete } from './find-delete.conformance.ts';
import { describeInsert } from './insert.conformance.ts';
import { describeLeases } from './lease.conformance.ts';
import { describeValues } from './values.conformance.ts';
import { describeUpdateAndUpsert } from './update-upsert.conformance.ts';
import { describeWatch } from './watch.conformance.ts';

/**
 * The behaviour every SpecStore driver must have, through the interface only. `open` returns a
 * new store on the driver's backend; it may share data with earlier stores (a real database),
 * so each test works in a namespace of its own. Run it from a driver's `*.test.ts`; `options`
 * adds the driver's hooks (e.g. `disconnect`).
 */
export function describeSpecStore(driverName: string, open: () => Promise<SpecStore>, options: ConformanceOptions = {}): void {
  describe(`SpecStore conformance: ${driverName}`, () => {
    const context = { open } as ConformanceContext;

    beforeEach(async () => {
      context.store = await open();
      context.namespace = unique('ns');
    });
    afterEach(async () => {
      await context.store.close();
    });

    describeInsert(context);
    describeFindAndDelete(context);
    describeUpdateAndUpsert(context);
    describeWatch(context);
    describeFeedGuarantees(context, options);
    describeConcurrentWriters(context);
    describeLeases(context);
    describeValues(context, options);
  });
}
