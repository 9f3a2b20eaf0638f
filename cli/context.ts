import { createDefaultLanguages, createSnippetSandbox, Scheme, type HealthRegistry, type LanguageRegistry } from '../src/index.ts';
import { coreKinds } from '../schemes/core.ts';
import type { Config } from './config.ts';

/** The scheme of the kinds weft ships. */
export function createScheme(): Scheme {
  return new Scheme({ kinds: coreKinds });
}

/**
 * The languages weft ships; javascript/typescript isolates run where `sandbox` says. With a
 * health registry, the sandbox pool is a readiness contributor named `sandbox`.
 */
export function createLanguages(isolation: Config['sandbox'] = 'process', health?: HealthRegistry): LanguageRegistry {
  const sandbox = createSnippetSandbox({ isolation });
  if (health !== undefined && sandbox.health !== undefined) health.register('sandbox', () => sandbox.health!());
  return createDefaultLanguages({ javascript: { isolation, sandbox } });
}
