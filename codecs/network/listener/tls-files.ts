import { unwatchFile, watchFile, readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { Type, type Static } from '@sinclair/typebox';
import { WeftError, type Logger } from '../../../src/index.ts';

/** The listener's `tls` field: PEM files, read at load and watched for replacement. */
export const TlsSchema = Type.Object({
  cert: Type.String({ minLength: 1, description: 'Path of the PEM certificate (chain) file.' }),
  key: Type.String({ minLength: 1, description: 'Path of the PEM private key file.' }),
  ca: Type.Optional(Type.String({ minLength: 1, description: 'Path of a PEM file of CA certificates to trust for client certificates.' })),
  passphrase: Type.Optional(Type.String({ description: 'The passphrase of an encrypted key.' })),
}, { additionalProperties: false });

export type TlsSpec = Static<typeof TlsSchema>;

/** What a TLS server is given: the files' contents. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
  readonly passphrase?: string;
}

/** How often the files are checked for replacement (fs.watchFile polls: works for renames and on every file system). */
export const TLS_CHECK_INTERVAL_MS = 1000;

/**
 * Reads the files and checks that they make a usable context (a key that matches the
 * certificate, the right passphrase); ERR_TLS_INVALID naming the field otherwise.
 */
export function readTlsMaterial(spec: TlsSpec): TlsMaterial {
  const read = (field: 'cert' | 'key' | 'ca', path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (thrown) {
      throw new WeftError('ERR_TLS_INVALID', { field: `tls.${field}`, reason: (thrown as Error).message });
    }
  };
  const material: TlsMaterial = {
    cert: read('cert', spec.cert),
    key: read('key', spec.key),
    ...(spec.ca === undefined ? {} : { ca: read('ca', spec.ca) }),
    ...(spec.passphrase === undefined ? {} : { passphrase: spec.passphrase }),
  };
  try {
    createSecureContext(material);
  } catch (thrown) {
    throw new WeftError('ERR_TLS_INVALID', { field: 'tls', reason: (thrown as Error).message });
  }
  return material;
}

/**
 * Watches a listener's TLS files: when one changes and the set reads as a usable context,
 * `apply` gets it; a replacement that does not (a half-written pair, a wrong key) keeps the
 * old context and is logged once until the files change to something else.
 */
export class TlsWatcher {
  readonly #spec: TlsSpec;
  readonly #paths: string[];
  #lastFailure: string | undefined;
  readonly #apply: (material: TlsMaterial) => void;
  readonly #logger: Logger;
  readonly #onChange = (): void => this.#reload();

  constructor(spec: TlsSpec, apply: (material: TlsMaterial) => void, logger: Logger) {
    this.#spec = spec;
    this.#apply = apply;
    this.#logger = logger;
    this.#paths = [spec.cert, spec.key, ...(spec.ca === undefined ? [] : [spec.ca])];
    for (const path of this.#paths) watchFile(path, { interval: TLS_CHECK_INTERVAL_MS, persistent: false }, this.#onChange);
  }

  stop(): void {
    for (const path of this.#paths) unwatchFile(path, this.#onChange);
  }

  #reload(): void {
    let material: TlsMaterial;
    try {
      material = readTlsMaterial(this.#spec);
    } catch (thrown) {
      const message = (thrown as Error).message;
      if (message !== this.#lastFailure) this.#logger.error({ err: thrown }, 'TLS files replaced by unusable ones; the previous certificate stays in use');
      this.#lastFailure = message;
      return;
    }
    this.#lastFailure = undefined;
    this.#apply(material);
    this.#logger.info('TLS certificate reloaded');
  }
}
