export * from './ops-route.ts';
export * from './ops-guard.ts';
