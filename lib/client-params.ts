/**
 * The JSON parameters of `TIMClient`'s calls: each public method's arguments validated and
 * built into exactly the JSON its C function documents, and the parsers of the answers. Runs on
 * the caller's stack, before anything reaches the library; a bad argument is a `TypeError`.
 * @packageDocumentation
 */
import {
  kTIMFriendShipGetProfileListParamForceUpdate,
  kTIMFriendShipGetProfileListParamIdentifierArray,
  kTIMUserProfileCustomStringInfoKey,
  kTIMUserProfileCustomStringInfoValue,
  kTIMUserProfileItemAddPermission,
  kTIMUserProfileItemBirthDay,
  kTIMUserProfileItemCustomStringArray,
  kTIMUserProfileItemFaceUrl,
  kTIMUserProfileItemGender,
  kTIMUserProfileItemLanguage,
  kTIMUserProfileItemLevel,
  kTIMUserProfileItemLocation,
  kTIMUserProfileItemNickName,
  kTIMUserProfileItemRole,
  kTIMUserProfileItemSelfSignature,
  kTIMUserStatusCustomStatus,
  TIMGenderType,
  TIMProfileAddPermission,
} from './constants';
import { checkBoolean, checkEnum, checkKnownKeys, checkObject, checkString, checkStringArray, checkUint32, describe, invalidArgument } from './validate';

const PROFILE_ITEM_STRING_KEYS: ReadonlySet<string> = new Set([
  kTIMUserProfileItemNickName,
  kTIMUserProfileItemFaceUrl,
  kTIMUserProfileItemSelfSignature,
  kTIMUserProfileItemLocation,
]);
const PROFILE_ITEM_UINT32_KEYS: ReadonlySet<string> = new Set([
  kTIMUserProfileItemLanguage,
  kTIMUserProfileItemBirthDay,
  kTIMUserProfileItemLevel,
  kTIMUserProfileItemRole,
]);
const PROFILE_ITEM_KEYS: ReadonlySet<string> = new Set([
  ...PROFILE_ITEM_STRING_KEYS,
  ...PROFILE_ITEM_UINT32_KEYS,
  kTIMUserProfileItemGender,
  kTIMUserProfileItemAddPermission,
  kTIMUserProfileItemCustomStringArray,
]);
const CUSTOM_STRING_INFO_KEYS: ReadonlySet<string> = new Set([
  kTIMUserProfileCustomStringInfoKey,
  kTIMUserProfileCustomStringInfoValue,
]);
const PROFILE_LIST_PARAM_KEYS: ReadonlySet<string> = new Set([
  kTIMFriendShipGetProfileListParamIdentifierArray,
  kTIMFriendShipGetProfileListParamForceUpdate,
]);
const STATUS_PARAM_KEYS: ReadonlySet<string> = new Set([kTIMUserStatusCustomStatus]);

/** The answer of calls that answer nothing the caller needs. */
export function parseNothing(): void {
  return undefined;
}

/** An answer that is a JSON array; `""` (some calls answer nothing) is `[]`. */
export function parseArray(json: string): unknown[] {
  if (json === '') return [];
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${describe(value)}`);
  return value;
}

/** `TIMClient.getUserProfileList`'s `FriendShipGetProfileListParam`, from ids or the full param. */
export function buildProfileListParam(param: unknown): Record<string, unknown> {
  if (Array.isArray(param)) {
    return { [kTIMFriendShipGetProfileListParamIdentifierArray]: checkStringArray(param, 'userIds') };
  }
  if (typeof param !== 'object' || param === null) {
    throw invalidArgument(`param must be an array of user ids or a GetUserProfileListParam, got ${describe(param)}`);
  }
  const obj = param as Record<string, unknown>;
  checkKnownKeys(obj, PROFILE_LIST_PARAM_KEYS, 'param');
  const key = kTIMFriendShipGetProfileListParamIdentifierArray;
  const out: Record<string, unknown> = { [key]: checkStringArray(obj[key], `param.${key}`) };
  const force = obj[kTIMFriendShipGetProfileListParamForceUpdate];
  if (force !== undefined) {
    out[kTIMFriendShipGetProfileListParamForceUpdate] = checkBoolean(force, `param.${kTIMFriendShipGetProfileListParamForceUpdate}`);
  }
  return out;
}

/** `TIMClient.modifySelfUserProfile`'s `UserProfileItem`: known keys, typed values, `undefined` left out. */
export function checkProfileItem(item: unknown): Record<string, unknown> {
  const obj = checkObject(item, 'item');
  checkKnownKeys(obj, PROFILE_ITEM_KEYS, 'item');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const what = `item.${key}`;
    if (PROFILE_ITEM_STRING_KEYS.has(key)) out[key] = checkString(value, what);
    else if (PROFILE_ITEM_UINT32_KEYS.has(key)) out[key] = checkUint32(value, what);
    else if (key === kTIMUserProfileItemGender) out[key] = checkEnum(value, TIMGenderType, 'TIMGenderType', what);
    else if (key === kTIMUserProfileItemAddPermission) {
      out[key] = checkEnum(value, TIMProfileAddPermission, 'TIMProfileAddPermission', what);
    } else out[key] = checkCustomStrings(value, what);
  }
  return out;
}

function checkCustomStrings(value: unknown, what: string): Record<string, string>[] {
  if (!Array.isArray(value)) throw invalidArgument(`${what} must be an array of custom string infos, got ${describe(value)}`);
  return value.map((entry: unknown, i) => {
    const obj = checkObject(entry, `${what}[${i}]`);
    checkKnownKeys(obj, CUSTOM_STRING_INFO_KEYS, `${what}[${i}]`);
    return {
      [kTIMUserProfileCustomStringInfoKey]: checkString(obj[kTIMUserProfileCustomStringInfoKey], `${what}[${i}].${kTIMUserProfileCustomStringInfoKey}`),
      [kTIMUserProfileCustomStringInfoValue]: checkString(
        obj[kTIMUserProfileCustomStringInfoValue],
        `${what}[${i}].${kTIMUserProfileCustomStringInfoValue}`,
      ),
    };
  });
}

/** `TIMClient.setSelfStatus`'s `UserStatusParam`; a string is the custom status. */
export function buildStatusParam(status: unknown): Record<string, string> {
  if (typeof status === 'string') return { [kTIMUserStatusCustomStatus]: checkString(status, 'status') };
  const obj = checkObject(status, 'status');
  checkKnownKeys(obj, STATUS_PARAM_KEYS, 'status');
  return { [kTIMUserStatusCustomStatus]: checkString(obj[kTIMUserStatusCustomStatus], `status.${kTIMUserStatusCustomStatus}`) };
}
