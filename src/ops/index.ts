export * from './ops-route.ts';
