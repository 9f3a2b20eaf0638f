export { httpStatusOf, type Category } from './category.ts';
export { catalogue, type ErrorCode, type ErrorRow } from './catalogue.ts';
export { WeftError, type ErrorParams, type WeftErrorOptions } from './weft-error.ts';
export { errorChain, errorMatches, toWeftError } from './chain.ts';
