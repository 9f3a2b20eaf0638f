export { controlRoutes } from './control-routes.ts';
export { inject, type InjectResult } from './control/inject.ts';
export { namespaceStatus, type NamespaceStatus, type NodeStatusJson } from './control/namespace-status.ts';
export * from './ops-route.ts';
export * from './ops-guard.ts';
