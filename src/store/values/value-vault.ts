import type { StoredValue, ValueData, ValueFilter, ValueInput, ValueStore } from '../value-store.ts';
import { isSealedSecret } from './sealed-secret.ts';
import { openSecret, rewrapSecret, sealSecret } from './seal-secret.ts';
import type { SecretKeyring } from './secret-keyring.ts';

/** How a secret's data shows wherever it is not revealed. */
export const SECRET_MASK = '<secret>';

/**
 * Values with their secrets in the clear for the caller, sealed in the store: `set` seals a
 * secret with the keyring's current key (ERR_SECRET_KEY_MISSING without one), `open` decrypts
 * (ERR_SECRET_UNREADABLE for a wrong key), `masked` shows secrets as `<secret>`.
 */
export class ValueVault {
  readonly #store: ValueStore;
  readonly #keyring: SecretKeyring;

  constructor(options: { store: ValueStore; keyring: SecretKeyring }) {
    this.#store = options.store;
    this.#keyring = options.keyring;
  }

  /** Writes values, sealing the secrets; returns them masked. */
  async set(values: readonly ValueInput[]): Promise<StoredValue[]> {
    const sealed = values.map((value) => (value.secret === true ? { ...value, data: sealSecret(value.data, this.#keyring, label(value.namespace ?? 'default', value.name)) as unknown as ValueData } : value));
    return (await this.#store.putValues(sealed)).map(masked);
  }

  /** The stored values matching the filter, secrets masked. */
  async list(filter: ValueFilter = {}): Promise<StoredValue[]> {
    return (await this.#store.findValues(filter)).map(masked);
  }

  /** The stored values matching the filter, secrets decrypted. */
  async reveal(filter: ValueFilter = {}): Promise<StoredValue[]> {
    return (await this.#store.findValues(filter)).map((value) => ({ ...value, data: this.open(value) }));
  }

  /** A stored value's data in the clear (a secret decrypted). */
  open(value: StoredValue): ValueData {
    if (!value.secret) return value.data;
    if (!isSealedSecret(value.data)) return value.data;
    return openSecret(value.data, this.#keyring, label(value.namespace, value.name));
  }

  /** Re-wraps every secret (of a namespace, when given) under the current key; returns how many changed. */
  async rotate(filter: ValueFilter = {}): Promise<number> {
    const changed: ValueInput[] = [];
    for (const value of await this.#store.findValues(filter)) {
      if (!value.secret || !isSealedSecret(value.data)) continue;
      const rewrapped = rewrapSecret(value.data, this.#keyring, label(value.namespace, value.name));
      if (rewrapped !== value.data) changed.push({ namespace: value.namespace, name: value.name, secret: true, data: rewrapped as unknown as ValueData });
    }
    if (changed.length > 0) await this.#store.putValues(changed);
    return changed.length;
  }
}

/** A value with a secret's data replaced by `<secret>`. */
export function masked(value: StoredValue): StoredValue {
  return value.secret ? { ...value, data: SECRET_MASK } : value;
}

/** The associated data a secret is bound to: `namespace/name`. */
function label(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
