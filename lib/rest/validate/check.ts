/**
 * Primitive checks for request bodies. Each throws a {@link RestError} with the code the service
 * uses for that kind of mistake; the per-API validators pass their service's parameter code.
 * @packageDocumentation
 */
import { refuse } from '../errors';

/** The body's account fields must be strings (common code 60015). */
export const ACCOUNT_TYPE_CODE = 60015;

/** A JSON object as parsed. */
export type Fields = Record<string, unknown>;

/** UTF-8 length of a string. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Whether every character is printable ASCII (0x20-0x7E). */
export function isPrintableAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** Whether `id` can name an account: 1..32 bytes of printable ASCII. */
export function isValidAccountId(id: string): boolean {
  return id.length > 0 && id.length <= 32 && isPrintableAscii(id);
}

/** The body as an object; anything else is refused with `code`. */
export function asFields(body: unknown, code: number): Fields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) refuse(code, 'request body must be a JSON object');
  return body as Fields;
}

/** Options of {@link str}. */
export interface StringRules {
  required?: boolean;
  /** Refuse the empty string. */
  nonEmpty?: boolean;
  maxBytes?: number;
  /** Code for a too long value (default: the parameter code). */
  tooLongCode?: number;
}

/** A string field. `code` is the service's parameter code. */
export function str(o: Fields, key: string, code: number, rules: StringRules & { required: true }): string;
export function str(o: Fields, key: string, code: number, rules?: StringRules): string | undefined;
export function str(o: Fields, key: string, code: number, rules: StringRules = {}): string | undefined {
  const v = o[key];
  if (v === undefined) {
    if (rules.required) refuse(code, `${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string') refuse(code, `${key} must be a string`);
  if (rules.nonEmpty && v.length === 0) refuse(code, `${key} must not be empty`);
  if (rules.maxBytes !== undefined && byteLength(v) > rules.maxBytes) {
    refuse(rules.tooLongCode ?? code, `${key} is longer than ${rules.maxBytes} bytes`);
  }
  return v;
}

/** An account field: missing is refused with `code`, a non-string with 60015. */
export function accountField(o: Fields, key: string, code: number): string {
  const v = o[key];
  if (v === undefined) refuse(code, `${key} is required`);
  return accountValue(v, key);
}

/** An account value from a list: a non-string is refused with 60015. */
export function accountValue(v: unknown, where: string): string {
  if (typeof v !== 'string') refuse(ACCOUNT_TYPE_CODE, `${where}: accounts must be strings`);
  return v;
}

/** Options of {@link list}. */
export interface ListRules {
  required?: boolean;
  nonEmpty?: boolean;
  max?: number;
  /** Code for more than `max` items (default: the parameter code). */
  tooManyCode?: number;
}

/** An array field. */
export function list(o: Fields, key: string, code: number, rules: ListRules & { required: true }): unknown[];
export function list(o: Fields, key: string, code: number, rules?: ListRules): unknown[] | undefined;
export function list(o: Fields, key: string, code: number, rules: ListRules = {}): unknown[] | undefined {
  const v = o[key];
  if (v === undefined) {
    if (rules.required) refuse(code, `${key} is required`);
    return undefined;
  }
  if (!Array.isArray(v)) refuse(code, `${key} must be an array`);
  if (rules.nonEmpty && v.length === 0) refuse(code, `${key} must not be empty`);
  if (rules.max !== undefined && v.length > rules.max) {
    refuse(rules.tooManyCode ?? code, `${key} has ${v.length} items, more than ${rules.max}`);
  }
  return v;
}

/** A list of account strings (each a string, else 60015). */
export function accountList(o: Fields, key: string, code: number, rules: ListRules & { required: true }): string[] {
  return list(o, key, code, rules).map((v) => accountValue(v, key));
}

/** An unsigned integer field in `[0, max]`. */
export function uint(o: Fields, key: string, code: number, max = 0xffffffff): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!isUint(v, max)) refuse(code, `${key} must be an integer from 0 to ${max}`);
  return v;
}

/** Whether `v` is an integer in `[0, max]`. */
export function isUint(v: unknown, max = 0xffffffff): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

/** A field that must be one of `values`. */
export function oneOf<T extends string>(o: Fields, key: string, values: readonly T[], code: number): T | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!isOneOf(v, values)) refuse(code, `${key} must be one of ${values.join(', ')}`);
  return v;
}

/** Whether `v` is one of `values`. */
export function isOneOf<T extends string>(v: unknown, values: readonly T[]): v is T {
  return typeof v === 'string' && (values as readonly string[]).includes(v);
}

/** A flag field: 0 or 1. */
export function flag(o: Fields, key: string, code: number): 0 | 1 | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v !== 0 && v !== 1) refuse(code, `${key} must be 0 or 1`);
  return v;
}

/** Each item of a list as an object. */
export function objects(items: unknown[], key: string, code: number): Fields[] {
  return items.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) refuse(code, `${key} items must be objects`);
    return item as Fields;
  });
}
