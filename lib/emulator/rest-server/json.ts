/**
 * Serialising answers: `JSON.stringify` of a response body, except that objects whose text was
 * remembered with {@link rememberJson} (frozen, cached member entries) are written from that text
 * instead of being serialised again. The output is the same as `JSON.stringify(body)`.
 * @packageDocumentation
 */

const texts = new WeakMap<object, string>();

/** Freezes `value` and remembers its JSON text; returns the value. */
export function rememberJson<T extends object>(value: T): Readonly<T> {
  texts.set(Object.freeze(value), JSON.stringify(value));
  return value;
}

/**
 * `JSON.stringify(body)` for a plain object body: top-level arrays are written element by
 * element, remembered elements from their text.
 */
export function stringifyBody(body: Record<string, unknown>): string {
  let out = '{';
  for (const key of Object.keys(body)) {
    const value = body[key];
    const text = Array.isArray(value) ? stringifyArray(value) : JSON.stringify(value);
    if (text === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}

function stringifyArray(values: readonly unknown[]): string {
  if (values.length === 0) return '[]';
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const known = typeof v === 'object' && v !== null ? texts.get(v) : undefined;
    parts[i] = known ?? JSON.stringify(v) ?? 'null';
  }
  return `[${parts.join(',')}]`;
}
