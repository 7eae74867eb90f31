/**
 * The console's registration of custom fields, which the service requires before a key can be
 * written: custom profile fields ("App 管理员可以通过即时通信 IM 控制台 > 应用配置 > 功能配置 申请自定义资料字段",
 * https://cloud.tencent.com/document/product/269/1500) and group member custom fields ("首先要在 控制台
 * (功能配置 -> 群成员自定义字段) 配置用户自定义字段，然后再调用该接口进行设置", V2TIMSetGroupMemberInfo.customInfo
 * in Tencent's SDK reference). The emulator has no console: these keys come from `startEmulator`
 * options, `tim-native emulator` flags, or the emulator-only setup call
 * (`POST /v4/tim_native_emulator/register_custom_fields`). Registration only adds keys, as the
 * console does ("一旦添加成功后，便不可修改及删除", https://cloud.tencent.com/developer/article/1494042).
 *
 * Lenient mode (`lenientCustomFields`, off by default) registers a key on its first write instead,
 * up to the same per-app caps. The service never does that: code that passes only in lenient mode
 * fails against Tencent.
 * @packageDocumentation
 */
import { CUSTOM_KEY_PREFIX } from './tim-json';

/** Custom profile fields an app may register (the console's default). */
export const MAX_PROFILE_FIELDS = 20;

/** Group member custom fields an app may register. */
export const MAX_MEMBER_FIELDS = 5;

/** Longest member custom key, in bytes. */
const MAX_MEMBER_KEY_BYTES = 16;

/** Custom fields to register: what the console's feature configuration lists. */
export interface CustomFieldsRegistration {
  /**
   * Custom profile fields: `Tag_Profile_Custom_<keyword>` or the bare keyword (1 to 8 letters);
   * at most 20 per app.
   */
  profile?: readonly string[];
  /**
   * Group member custom fields: 1 to 16 bytes of `[A-Za-z0-9_]`, not starting with a digit; at
   * most 5 per app.
   */
  groupMember?: readonly string[];
}

/** Every registered key, after a registration. */
export interface RegisteredCustomFields {
  /** Full keys (`Tag_Profile_Custom_<keyword>`), in registration order. */
  profile: string[];
  /** Member keys, in registration order. */
  groupMember: string[];
}

/** A registration that cannot be made; `kind` names the list at fault. */
export class CustomFieldError extends Error {
  constructor(
    readonly kind: 'profile' | 'groupMember',
    message: string,
  ) {
    super(message);
    this.name = 'CustomFieldError';
  }
}

/** The full key of a profile field key (`Tag_Profile_Custom_` added when missing), or undefined when invalid. */
export function fullProfileKey(key: string): string | undefined {
  const keyword = key.startsWith(CUSTOM_KEY_PREFIX) ? key.slice(CUSTOM_KEY_PREFIX.length) : key;
  return /^[A-Za-z]{1,8}$/.test(keyword) ? CUSTOM_KEY_PREFIX + keyword : undefined;
}

/** Whether `key` can name a group member custom field. */
export function isMemberKey(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && key.length <= MAX_MEMBER_KEY_BYTES;
}

/**
 * The keys a registration adds to `registered`, validated: full profile keys and member keys not
 * registered yet. Throws {@link CustomFieldError} for a malformed key, a list that is not an array
 * of strings, or a total past the per-app cap; nothing is registered then.
 */
export function newKeys(
  request: CustomFieldsRegistration,
  registered: { profile: ReadonlySet<string>; groupMember: ReadonlySet<string> },
): { profile: string[]; groupMember: string[] } {
  const profile = listOf(request.profile, 'profile').map((k) => {
    const full = fullProfileKey(k);
    if (!full) {
      throw new CustomFieldError('profile', `invalid custom profile field "${k}": Tag_Profile_Custom_ and 1 to 8 letters`);
    }
    return full;
  });
  const groupMember = listOf(request.groupMember, 'groupMember').map((k) => {
    if (!isMemberKey(k)) {
      throw new CustomFieldError('groupMember', `invalid group member custom field "${k}": 1 to 16 bytes of [A-Za-z0-9_], not starting with a digit`);
    }
    return k;
  });
  const fresh = {
    profile: [...new Set(profile)].filter((k) => !registered.profile.has(k)),
    groupMember: [...new Set(groupMember)].filter((k) => !registered.groupMember.has(k)),
  };
  if (registered.profile.size + fresh.profile.length > MAX_PROFILE_FIELDS) {
    throw new CustomFieldError('profile', `an app registers at most ${MAX_PROFILE_FIELDS} custom profile fields`);
  }
  if (registered.groupMember.size + fresh.groupMember.length > MAX_MEMBER_FIELDS) {
    throw new CustomFieldError('groupMember', `an app registers at most ${MAX_MEMBER_FIELDS} group member custom fields`);
  }
  return fresh;
}

function listOf(v: unknown, kind: 'profile' | 'groupMember'): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((k) => typeof k !== 'string')) {
    throw new CustomFieldError(kind, `${kind} custom fields must be an array of strings`);
  }
  return v as string[];
}

/** Why keys were not admitted: not registered (strict), or a new key past the cap (lenient). */
export interface Refusal {
  reason: 'unregistered' | 'limit';
  keys: string[];
}

/**
 * Which of `keys` a write may use. Strict: only registered keys (else `unregistered`). Lenient:
 * unregistered keys too, as long as the app stays within `max` (else `limit`); `fresh` lists the
 * ones to register on the write.
 */
export function admitKeys(
  registered: ReadonlySet<string> | readonly string[],
  keys: Iterable<string>,
  lenient: boolean,
  max: number,
): { refused?: Refusal; fresh: string[] } {
  const known = registered instanceof Set ? registered : new Set(registered as readonly string[]);
  const fresh = [...new Set(keys)].filter((k) => !known.has(k));
  if (fresh.length === 0) return { fresh };
  if (!lenient) return { refused: { reason: 'unregistered', keys: fresh }, fresh: [] };
  if (known.size + fresh.length > max) return { refused: { reason: 'limit', keys: fresh }, fresh: [] };
  return { fresh };
}

/** The message of a refusal, for `ErrorInfo` and `desc`. */
export function refusalText(r: Refusal, what: string, max: number): string {
  return r.reason === 'unregistered'
    ? `${what} ${r.keys.join(', ')} not registered: register it like the console does (startEmulator customFields, ` +
        'tim-native emulator --profile-field/--member-field, or POST /v4/tim_native_emulator/register_custom_fields)'
    : `at most ${max} ${what}s per app; ${r.keys.join(', ')} would pass it`;
}
