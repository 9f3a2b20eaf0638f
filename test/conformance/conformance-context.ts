import { randomUUID } from 'node:crypto';
import { v7 } from 'uuid';
import { expect } from 'vitest';
import type { Spec, SpecStore } from '../../src/index.ts';

/** What each conformance test gets: a freshly opened store and a namespace no other test uses. */
export interface ConformanceContext {
  store: SpecStore;
  namespace: string;
  /** Opens another store on the same backend (the driver's `open`). */
  readonly open: () => Promise<SpecStore>;
}

/** A name no other test (or earlier run against a persistent backend) uses. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A fresh UUIDv7 that no store holds yet (for specs inserted with a given id). */
export function anId(): string {
  return v7();
}

/** A minimal spec of a made-up kind (stores do not validate kinds). */
export function aSpec(fields: Partial<Spec> = {}): Spec {
  return { kind: 'snippet', language: 'text', code: 'hi', ...fields };
}

/** Asserts that `promise` rejects with a WeftError of `code` (never its message text). */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'WeftError', code });
}

/** The UUIDv7 shape: version 7, RFC 4122 variant. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
