import { httpStatusOf, type Category } from '../../src/index.ts';

/** Every error category (src/errors/category.ts), in the catalogue's order. */
export const categories: readonly Category[] = Object.keys(httpStatusOf) as Category[];

/** True when `value` is one of the error categories. */
export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && Object.hasOwn(httpStatusOf, value);
}
