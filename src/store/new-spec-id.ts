import { v7 } from 'uuid';

/** A new spec id: a UUIDv7, so ids sort in creation order (monotonic within one process). */
export function newSpecId(): string {
  return v7();
}
