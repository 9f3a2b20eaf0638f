/** The canonical error categories (DESIGN.md §2); every error code belongs to exactly one. */
export type Category =
  | 'invalid argument'
  | 'not found'
  | 'already exists'
  | 'permission denied'
  | 'unauthenticated'
  | 'resource exhausted'
  | 'failed precondition'
  | 'aborted'
  | 'deadline exceeded'
  | 'unavailable'
  | 'unimplemented'
  | 'internal';

/** The HTTP status that answers an unhandled error of each category. */
export const httpStatusOf: Readonly<Record<Category, number>> = {
  'invalid argument': 400,
  'not found': 404,
  'already exists': 409,
  'permission denied': 403,
  unauthenticated: 401,
  'resource exhausted': 429,
  'failed precondition': 412,
  aborted: 409,
  'deadline exceeded': 504,
  unavailable: 503,
  unimplemented: 501,
  internal: 500,
};
