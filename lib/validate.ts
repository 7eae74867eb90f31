/**
 * Argument checks run before anything crosses into native code. Each throws a `TypeError` whose
 * message names the argument, what was expected and what was given. Internal.
 * @packageDocumentation
 */

const UINT64_MAX = (1n << 64n) - 1n;
const UINT32_MAX = 0xffffffff;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A short description of a value for error messages: `number 5`, `null`, `an array`... */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `a string of length ${value.length}` : `string ${JSON.stringify(value)}`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    default:
      return typeof value === 'object' ? 'an object' : typeof value;
  }
}

/** Builds the `TypeError` of a bad argument. */
export function invalidArgument(message: string): TypeError {
  const err = new TypeError(message) as TypeError & { code: string };
  err.code = 'ERR_INVALID_ARG_VALUE';
  return err;
}

function hasIsWellFormed(s: string): s is string & { isWellFormed(): boolean } {
  return typeof (s as { isWellFormed?: unknown }).isWellFormed === 'function';
}

/** `String.prototype.isWellFormed` (Node 20+), else `undefined`. */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** Whether `JSON.stringify` escapes anything in this well-formed string (`"`, `\\`, U+0000-U+001F). */
function needsJsonEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

/**
 * A string the C library can receive: a JS string, no NUL character (C strings end at NUL), and
 * valid UTF-16 (a lone surrogate has no UTF-8 form). Length is the library's business.
 */
export function checkString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw invalidArgument(`${what} must be a string, got ${describe(value)}`);
  const nul = value.indexOf('\0');
  if (nul !== -1) throw invalidArgument(`${what} must not contain a NUL character (found at index ${nul})`);
  if (hasIsWellFormed(value) ? !value.isWellFormed() : LONE_SURROGATE.test(value)) {
    const at = LONE_SURROGATE.exec(value)?.index ?? -1;
    throw invalidArgument(`${what} is not valid UTF-16: lone surrogate at index ${at}`);
  }
  return value;
}

/** An array of strings, each checked with {@link checkString}. Returns a copy. */
export function checkStringArray(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) throw invalidArgument(`${what} must be an array of strings, got ${describe(value)}`);
  const out = new Array<string>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = checkString(value[i], `${what}[${i}]`);
  return out;
}

/**
 * `JSON.stringify(checkStringArray(value, what))` in one pass, without the copy: the same checks and
 * messages, the same JSON text. For the calls that take a list of user ids, at every call.
 */
export function stringArrayJson(value: unknown, what: string): string {
  if (!Array.isArray(value)) throw invalidArgument(`${what} must be an array of strings, got ${describe(value)}`);
  let json = '[';
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    // The common case is checked inline; anything else goes through checkString for its message.
    const s =
      typeof item === 'string' && item.indexOf('\0') === -1 && isWellFormed !== undefined && isWellFormed.call(item)
        ? item
        : checkString(item, `${what}[${i}]`);
    if (i > 0) json += ',';
    json += needsJsonEscape(s) ? JSON.stringify(s) : `"${s}"`;
  }
  return `${json}]`;
}

/** A plain object (not null, not an array). */
export function checkObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(`${what} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Refuses keys outside `known`, listing the valid ones. */
export function checkKnownKeys(obj: Record<string, unknown>, known: ReadonlySet<string>, what: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.has(key)) {
      throw invalidArgument(`${what} has an unknown key ${JSON.stringify(key)}; valid keys: ${[...known].join(', ')}`);
    }
  }
}

/** A boolean. */
export function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(`${what} must be a boolean, got ${describe(value)}`);
  return value;
}

/** One of a fixed set of strings. */
export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidArgument(`${what} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** An integer in [0, 2^32 - 1]. */
export function checkUint32(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw invalidArgument(`${what} must be an integer from 0 to ${UINT32_MAX}, got ${describe(value)}`);
  }
  return value;
}

/** One of the values of an `as const` enum object. */
export function checkEnum<T extends Record<string, number>>(value: unknown, enumObject: T, enumName: string, what: string): T[keyof T] {
  const values = Object.values(enumObject);
  if (typeof value !== 'number' || !values.includes(value)) {
    const valid = [...new Set(values)].join(', ');
    throw invalidArgument(`${what} must be a ${enumName} (${valid}), got ${describe(value)}`);
  }
  return value as T[keyof T];
}

/** An integer >= 1 (counts), or `undefined` for the default. */
export function checkPositiveInteger(value: unknown, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidArgument(`${what} must be an integer from 1 to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** An SDKAppID: a non-negative integer that fits uint64 (numbers must be safe integers). */
export function checkSdkAppId(value: unknown): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > UINT64_MAX) {
      throw invalidArgument(`sdkAppId must be in the uint64 range 0..${UINT64_MAX}, got ${value}`);
    }
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw invalidArgument(`sdkAppId must be a non-negative integer, got ${describe(value)}`);
    }
    if (!Number.isSafeInteger(value)) {
      throw invalidArgument(`sdkAppId ${value} is above Number.MAX_SAFE_INTEGER and lost precision; pass a bigint`);
    }
    return BigInt(value);
  }
  throw invalidArgument(`sdkAppId must be a number or a bigint, got ${describe(value)}`);
}

/**
 * Checks an emulator address, `HOST:PORT` (IPv6 hosts in brackets, port 0-65535); the one parser
 * of `TIMClient`'s `emulator` option, `TIM_EMULATOR_HOST` and the CLI's `--emulator`.
 */
export function checkEmulatorAddress(value: unknown, what: string): string {
  const address = checkString(value, what);
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(address) || Number(address.slice(address.lastIndexOf(':') + 1)) > 65535) {
    throw invalidArgument(`${what} must be HOST:PORT, got ${JSON.stringify(address)}`);
  }
  return address;
}
