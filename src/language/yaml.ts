import { WeftError } from '../errors/index.ts';
import { constantLanguage } from './constant-language.ts';
import type { Language } from './language.ts';
import { parseYamlDocuments } from './parse-yaml-documents.ts';

/**
 * The `yaml` language: the code is one YAML document, parsed once within the YAML_LIMITS (an
 * alias bomb, an undefined alias, nesting past 100 levels or a duplicate key is a compile
 * error naming the line and column); runs return it (frozen). An empty code is null.
 */
export const yamlLanguage: Language = constantLanguage('yaml', (code) => {
  const parsed = parseYamlDocuments(code);
  if (!parsed.ok) throw new WeftError('ERR_SNIPPET_COMPILE', { language: 'yaml', reason: parsed.reason });
  if (parsed.documents.length > 1) {
    throw new WeftError('ERR_SNIPPET_COMPILE', { language: 'yaml', reason: `the code holds ${parsed.documents.length} documents; the yaml language takes one` });
  }
  return parsed.documents[0] ?? null;
});
