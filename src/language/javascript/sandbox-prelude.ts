/**
 * The code that runs inside every snippet's context before the snippet's module, so it holds
 * the context's pristine built-ins. Evaluated, it is a function of a secret `token` that returns
 * the calling convention the host drives through isolated-vm References:
 * - `bind(fn)` takes the module's default export (anything else is a compile error);
 * - `call(input)` / `callError(view)` / `callJson(text)` call it with exactly one argument
 *   (`this` undefined); an error payload arrives as a plain copy that gains `error()` and
 *   `toString()` (its message); `callJson` takes the payload as JSON text (the process sandbox
 *   sends JSON-safe payloads so, which spares its child a decode and a copy) and answers
 *   `token + 'j' + JSON` when the result is JSON-exact (no bigint, Uint8Array, NaN, ±Infinity
 *   or -0), the plain result otherwise;
 * - a thrown value, or a returned Error, is *returned* as `token + 'f' + text` (an Error's
 *   message, a string as it is, anything else as JSON), and so is a failed `bind`. Nothing the
 *   snippet threw ever leaves the isolate as a thrown value: isolated-vm copies a thrown object
 *   after the call's timeout has ended, reading its `message` and `stack`, so a getter or an
 *   `Error.prepareStackTrace` of the snippet's would run there without any limit;
 * - a thenable result is parked under an id and `call` returns `token + 'a' + id`; the host then
 *   awaits `wait(id)` (whose promise never rejects: it resolves with a result or a failure as
 *   above) and may `cancel(id)` when its deadline passes;
 * - results become plain data (DESIGN.md §2): undefined, functions and symbols are dropped from
 *   objects and are null in lists (as JSON does), Date → ISO string, Map → object, Set → list,
 *   other byte views and ArrayBuffer → Uint8Array, RegExp → string, a nested Error →
 *   {name, message}, boxed primitives → primitives, class instances → their own fields;
 *   nesting deeper than 1000 (a cycle) is a failure.
 * - a result larger than `maxResult` (characters of its JSON text, or of strings plus bytes of
 *   byte arrays for other results) is returned as `token + 'l' + size` instead, before it is
 *   copied out: a snippet cannot make its process hold a result bigger than the payload limit;
 * - `probe(n)` tells whether `n` more bytes of ArrayBuffer fit under the isolate's limit, which
 *   makes isolated-vm run a full garbage collection first when they might not (HeapGuard uses it
 *   to learn the live size of a heap that looks over its limit, garbage included);
 * - `WebAssembly` is removed before the snippet runs: a WebAssembly memory grows outside the heap
 *   limit (measured here: 3.9 GB reserved by a snippet limited to 16 MiB).
 * A snippet can tamper with its own context's prototypes and so confuse only its own results:
 * what leaves the isolate is always a copy, checked again by the host.
 */
export const SANDBOX_PRELUDE = String.raw`'use strict';
(function prelude(token, maxResult) {
  const ErrorCtor = Error, PromiseCtor = Promise, Uint8ArrayCtor = Uint8Array, ArrayBufferCtor = ArrayBuffer;
  const DateCtor = Date, MapCtor = Map, SetCtor = Set, RegExpCtor = RegExp;
  const NumberCtor = Number, StringCtor = String, BooleanCtor = Boolean, BigIntCtor = BigInt;
  const isArray = Array.isArray, isView = ArrayBuffer.isView, getPrototypeOf = Object.getPrototypeOf;
  const ownKeys = Object.keys, defineProperty = Object.defineProperty, stringify = JSON.stringify, parse = JSON.parse;
  const objectPrototype = Object.prototype, uint8Prototype = Uint8Array.prototype;
  const transfer = ArrayBuffer.prototype.transfer, apply = Reflect.apply, getOwn = Object.getOwnPropertyDescriptor;
  const viewBytes = getOwn(getPrototypeOf(Uint8Array.prototype), 'byteLength').get;
  delete globalThis.WebAssembly;
  const MAX_DEPTH = 1000;
  const pending = Object.create(null), cancels = Object.create(null);
  /** What plain() throws for a result nested too deep; compared by identity, so a snippet cannot forge it. */
  const TOO_DEEP = Object.freeze(Object.create(null));
  /** What plain() throws once a result has grown past maxResult, so a huge value is not walked to its end. */
  const TOO_LARGE = Object.freeze(Object.create(null));
  let fn, next = 0;
  /** Cleared by plain() when the value it walks has something JSON would not carry exactly. */
  let exact = true;
  /** What plain() has seen of the result's size: characters of strings, bytes of byte arrays, 8 per other value. */
  let size = 0;

  function text(thrown) {
    if (thrown === TOO_DEEP) return 'the result is nested more than ' + MAX_DEPTH + ' levels deep (or has a cycle)';
    try {
      if (thrown instanceof ErrorCtor) return StringCtor(thrown.message);
      if (typeof thrown === 'string') return thrown;
      const json = stringify(thrown);
      return json === undefined ? StringCtor(thrown) : json;
    } catch (_) {
      try { return StringCtor(thrown); } catch (_) { return 'a value that cannot be shown as text'; }
    }
  }
  /** The failure reply; text() never throws, and a text too long to prefix gets a short one. */
  function fail(thrown) {
    try { return token + 'f' + text(thrown); } catch (_) { return token + 'f' + 'the error message is too long to show'; }
  }
  function put(object, key, value) {
    if (key === '__proto__') defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    else object[key] = value;
  }

  function plain(value, depth) {
    if (value === null) return null;
    switch (typeof value) {
      case 'object': break;
      case 'undefined': case 'function': case 'symbol': return undefined;
      case 'number': size += 8; if (value !== value || value === Infinity || value === -Infinity || (value === 0 && 1 / value < 0)) exact = false; return value;
      case 'bigint': size += 8; exact = false; return value;
      case 'string': size += value.length; return value;
      default: size += 8; return value;
    }
    size += 8;
    if (size > maxResult) throw TOO_LARGE;
    if (depth > MAX_DEPTH) throw TOO_DEEP;
    if (isArray(value)) return plainList(value, depth);
    const proto = getPrototypeOf(value);
    if (proto === objectPrototype || proto === null) return plainObject(value, depth);
    if (proto === uint8Prototype) { exact = false; size += apply(viewBytes, value, []); return value; }
    return converted(value, depth);
  }
  function plainList(list, depth) {
    let out;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      let value = plain(item, depth + 1);
      if (value === undefined) value = null;
      if (out === undefined) {
        if (value === item) continue;
        out = [];
        for (let j = 0; j < i; j++) out[j] = list[j];
      }
      out[i] = value;
    }
    return out === undefined ? list : out;
  }
  function plainObject(object, depth) {
    const keys = ownKeys(object);
    let out;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i], item = object[key];
      const value = plain(item, depth + 1);
      if (out === undefined) {
        if (value === item && value !== undefined) continue;
        out = {};
        for (let j = 0; j < i; j++) put(out, keys[j], object[keys[j]]);
      }
      if (value !== undefined) put(out, key, value);
    }
    return out === undefined ? object : out;
  }
  /** A fresh Uint8Array copy of a byte view, counted by its real length. */
  function bytes(copy) {
    exact = false;
    size += apply(viewBytes, copy, []);
    return copy;
  }
  function converted(value, depth) {
    if (value instanceof DateCtor) { const time = value.getTime(); return time === time ? value.toISOString() : null; }
    if (isView(value)) return bytes(new Uint8ArrayCtor(value.buffer, value.byteOffset, value.byteLength).slice());
    if (value instanceof ArrayBufferCtor) return bytes(new Uint8ArrayCtor(value.slice(0)));
    if (value instanceof MapCtor) {
      const out = {};
      for (const [key, item] of value) { const entry = plain(item, depth + 1); if (entry !== undefined) put(out, StringCtor(key), entry); }
      return out;
    }
    if (value instanceof SetCtor) {
      const out = [];
      for (const item of value) { const entry = plain(item, depth + 1); out[out.length] = entry === undefined ? null : entry; }
      return out;
    }
    if (value instanceof ErrorCtor) return { name: StringCtor(value.name), message: StringCtor(value.message) };
    if (value instanceof RegExpCtor) return StringCtor(value);
    if (value instanceof NumberCtor || value instanceof StringCtor || value instanceof BooleanCtor || value instanceof BigIntCtor) return value.valueOf();
    if (value instanceof PromiseCtor) return undefined;
    return plainObject({ ...value }, depth);
  }

  function settle(value, json) {
    if (value instanceof ErrorCtor) return fail(value);
    exact = true;
    size = 0;
    let out;
    try {
      out = plain(value, 0);
    } catch (thrown) {
      if (thrown === TOO_LARGE) return token + 'l' + size;
      throw thrown;
    }
    if (out === undefined) out = null;
    if (size > maxResult) return token + 'l' + size;
    if (!json || !exact) return out;
    const text = stringify(out);
    if (typeof text !== 'string') return out;
    return text.length > maxResult ? token + 'l' + text.length : token + 'j' + text;
  }
  function defer(thenable, json) {
    const id = ++next;
    pending[id] = new PromiseCtor((resolve) => {
      cancels[id] = resolve;
      const done = (value) => { delete cancels[id]; try { resolve(settle(value, json)); } catch (thrown) { resolve(fail(thrown)); } };
      const failed = (reason) => { delete cancels[id]; resolve(fail(reason)); };
      try { thenable.then(done, failed); } catch (thrown) { failed(thrown); }
    });
    return token + 'a' + id;
  }
  function run(input, json) {
    try {
      const result = fn(input);
      if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof result.then === 'function') return defer(result, json);
      return settle(result, json);
    } catch (thrown) {
      return fail(thrown);
    }
  }
  function errorView(view) {
    const message = view.message;
    defineProperty(view, 'error', { value: function error() { return message; } });
    defineProperty(view, 'toString', { value: function toString() { return message; } });
    return view;
  }

  return {
    bind(value) {
      if (typeof value !== 'function') return token + 'f' + 'the module must export a function as default (export default function (input) { … }), not ' + (value === null ? 'null' : typeof value);
      fn = value;
      return null;
    },
    call(input) { return run(input, false); },
    callError(view) { return run(errorView(view), false); },
    callJson(text) { return run(parse(text), true); },
    wait(id) { const promise = pending[id]; delete pending[id]; return promise; },
    probe(bytes) { try { apply(transfer, new ArrayBufferCtor(bytes), [0]); return true; } catch (_) { return false; } },
    cancel(id) { const resolve = cancels[id]; if (resolve !== undefined) { delete cancels[id]; resolve(token + 'f' + 'cancelled'); } },
  };
})`;
