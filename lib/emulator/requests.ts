/**
 * Parsing and validation of the callers' JSON (the `a` field of REQUEST frames). Every parser
 * either returns a fully checked value or throws {@link RequestError}; nothing is applied before
 * the whole request has been accepted.
 * @packageDocumentation
 */
import { Code, RequestError } from './codes';
import type { ProfilePatch } from './context';
import { CUSTOM_KEY_PREFIX } from './tim-json';

/** At most this many ids per GET_STATUS. */
export const MAX_STATUS_IDS = 500;
/** At most this many ids per SUBSCRIBE. */
export const MAX_SUBSCRIBE_IDS = 100;
/** Longest custom status, in UTF-8 bytes. */
export const MAX_CUSTOM_STATUS_BYTES = 100;
/** Longest profile string (nick, signature, face url, location, custom value), in UTF-8 bytes. */
export const MAX_PROFILE_VALUE_BYTES = 500;
/** Longest custom profile keyword (after the prefix), in bytes. */
export const MAX_CUSTOM_KEYWORD_BYTES = 8;

/** Whether `id` is a valid user id: printable ASCII (0x20-0x7E), 1 to 32 bytes. */
export function isValidUserId(id: string): boolean {
  return /^[\x20-\x7e]{1,32}$/.test(id);
}

function invalid(desc: string): RequestError {
  return new RequestError(Code.INVALID_PARAMS, desc);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestError(Code.INVALID_JSON, 'invalid JSON');
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUint32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Checks an array of user ids: strings of at least one character, at most `max`; returns them deduplicated in order. */
function idArray(v: unknown, what: string, max: number, allowEmpty = false): string[] {
  if (!Array.isArray(v)) throw invalid(`${what} must be an array of user ids`);
  if (v.length === 0 && !allowEmpty) throw invalid(`${what} is empty`);
  if (v.length > max) throw invalid(`${what} has ${v.length} ids, at most ${max} allowed`);
  for (const id of v) {
    if (typeof id !== 'string' || id.length === 0) throw invalid(`${what} must hold non-empty strings`);
  }
  return [...new Set(v as string[])];
}

function onlyKeys(o: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(o)) {
    if (!allowed.has(key)) throw invalid(`unknown key "${key}"`);
  }
}

const GET_PROFILES_KEYS = new Set([
  'friendship_getprofilelist_param_identifier_array',
  'friendship_getprofilelist_param_force_update',
]);

/**
 * GET_PROFILES: `{identifier_array, force_update?}` -> the ids (at least one, deduplicated). No
 * count cap: 100 ids per call is Tencent's recommendation, not a limit ("userIDList 建议一次最大 100
 * 个，因为数量过多可能会导致数据包太大被后台拒绝，后台限制数据包最大为 1M", V2TIMManager getUsersInfo in
 * Tencent's SDK reference). What bounds a call is the 1 MB frame: a larger request fails 9522 in the
 * client, a larger answer is refused 9522 by the server.
 */
export function parseGetProfiles(text: string): string[] {
  const o = parseJson(text);
  if (!isObject(o)) throw invalid('expected an object');
  onlyKeys(o, GET_PROFILES_KEYS);
  const force = o['friendship_getprofilelist_param_force_update'];
  if (force !== undefined && typeof force !== 'boolean') throw invalid('force_update must be a boolean');
  return idArray(o['friendship_getprofilelist_param_identifier_array'], 'identifier array', Number.MAX_SAFE_INTEGER);
}

/** A status id list (GET_STATUS, SUBSCRIBE): a JSON array of ids. */
export function parseIdList(text: string, max: number): string[] {
  return idArray(parseJson(text), 'identifier array', max);
}

/** UNSUBSCRIBE: `""`, `null` or `[]` mean everyone (`'all'`); else the ids. */
export function parseUnsubscribe(text: string): string[] | 'all' {
  if (text.trim() === '') return 'all';
  const v = parseJson(text);
  if (v === null) return 'all';
  const ids = idArray(v, 'identifier array', Number.MAX_SAFE_INTEGER, true);
  return ids.length === 0 ? 'all' : ids;
}

const SET_STATUS_KEYS = new Set([
  'user_status_custom_status',
  // The rest of a TIMUserStatus is accepted and ignored: only the custom status can be set.
  'user_status_identifier',
  'user_status_status_type',
  'user_status_online_devices',
  'KTIMUserStatusOnlineDevices',
]);

/** SET_STATUS: `{"user_status_custom_status": s}` -> s (at most 100 bytes; `""` clears). */
export function parseSetStatus(text: string): string {
  const o = parseJson(text);
  if (!isObject(o)) throw invalid('expected an object');
  onlyKeys(o, SET_STATUS_KEYS);
  const custom = o['user_status_custom_status'];
  if (typeof custom !== 'string') throw invalid('user_status_custom_status must be a string');
  if (bytes(custom) > MAX_CUSTOM_STATUS_BYTES) {
    throw invalid(`custom status is ${bytes(custom)} bytes, at most ${MAX_CUSTOM_STATUS_BYTES} allowed`);
  }
  return custom;
}

type ItemParser = (v: unknown, key: string) => Partial<ProfilePatch>;

function stringItem(field: 'nick' | 'faceUrl' | 'selfSignature' | 'location'): ItemParser {
  return (v, key) => {
    if (typeof v !== 'string') throw invalid(`${key} must be a string`);
    if (bytes(v) > MAX_PROFILE_VALUE_BYTES) {
      throw new RequestError(Code.INVALID_PROFILE, `${key} is ${bytes(v)} bytes, at most ${MAX_PROFILE_VALUE_BYTES}`);
    }
    return { [field]: v };
  };
}

function uintItem(field: 'language' | 'birthday' | 'level' | 'role'): ItemParser {
  return (v, key) => {
    if (!isUint32(v)) throw invalid(`${key} must be an unsigned 32-bit integer`);
    return { [field]: v };
  };
}

function enumItem(field: 'gender' | 'addPermission', max: number): ItemParser {
  return (v, key) => {
    if (!isUint32(v) || v > max) throw invalid(`${key} must be an integer from 0 to ${max}`);
    return { [field]: v };
  };
}

const ITEM_PARSERS: Readonly<Record<string, ItemParser>> = {
  user_profile_item_nick_name: stringItem('nick'),
  user_profile_item_gender: enumItem('gender', 2),
  user_profile_item_face_url: stringItem('faceUrl'),
  user_profile_item_self_signature: stringItem('selfSignature'),
  user_profile_item_add_permission: enumItem('addPermission', 3),
  user_profile_item_location: stringItem('location'),
  user_profile_item_language: uintItem('language'),
  user_profile_item_birthday: uintItem('birthday'),
  user_profile_item_level: uintItem('level'),
  user_profile_item_role: uintItem('role'),
};

const CUSTOM_ITEM_KEYS = new Set(['user_profile_custom_string_info_key', 'user_profile_custom_string_info_value']);

/** The full custom key (`Tag_Profile_Custom_<kw>`) of a caller's key, or a 9001 error. */
export function customKey(key: string): string {
  const kw = key.startsWith(CUSTOM_KEY_PREFIX) ? key.slice(CUSTOM_KEY_PREFIX.length) : key;
  if (!/^[A-Za-z]+$/.test(kw) || kw.length > MAX_CUSTOM_KEYWORD_BYTES) {
    throw new RequestError(
      Code.INVALID_PROFILE,
      `invalid custom profile key "${key}": the keyword must be 1 to ${MAX_CUSTOM_KEYWORD_BYTES} letters`,
    );
  }
  return CUSTOM_KEY_PREFIX + kw;
}

function customItems(v: unknown): Record<string, string> {
  if (!Array.isArray(v)) throw invalid('user_profile_item_custom_string_array must be an array');
  const custom: Record<string, string> = {};
  for (const item of v) {
    if (!isObject(item)) throw invalid('custom string items must be objects');
    onlyKeys(item, CUSTOM_ITEM_KEYS);
    const key = item['user_profile_custom_string_info_key'];
    const value = item['user_profile_custom_string_info_value'];
    if (typeof key !== 'string' || typeof value !== 'string') throw invalid('custom key and value must be strings');
    const full = customKey(key);
    if (bytes(value) > MAX_PROFILE_VALUE_BYTES) {
      throw new RequestError(Code.INVALID_PROFILE, `value of ${full} is over ${MAX_PROFILE_VALUE_BYTES} bytes`);
    }
    custom[full] = value;
  }
  return custom;
}

/**
 * MODIFY_PROFILE: an object of `user_profile_item_*` keys, at least one -> a patch. Shape and type
 * errors (unknown key, wrong type, enum out of range, empty object) are 6017; key and length
 * limits are 9001. Whether the custom keys are registered is the store's check (40009, at write).
 */
export function parseModifyProfile(text: string): ProfilePatch {
  const o = parseJson(text);
  if (!isObject(o)) throw invalid('expected an object');
  const entries = Object.entries(o);
  if (entries.length === 0) throw invalid('nothing to modify');
  let patch: ProfilePatch = {};
  for (const [key, value] of entries) {
    if (key === 'user_profile_item_custom_string_array') {
      patch.custom = customItems(value);
      continue;
    }
    const parse = Object.prototype.hasOwnProperty.call(ITEM_PARSERS, key) ? ITEM_PARSERS[key] : undefined;
    if (!parse) throw invalid(`unknown key "${key}"`);
    patch = { ...patch, ...parse(value, key) };
  }
  return patch;
}
