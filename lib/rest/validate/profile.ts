/**
 * Validators of the `profile` bodies, shared by the client and the emulator. Codes: 40001 bad
 * parameter, 40009 unknown tag, 40601 value over 500 bytes, 40605 a standard tag's value out of
 * range, 60015 an account that is not a string.
 * @packageDocumentation
 */
import { refuse } from '../errors';
import type { PortraitGetRequest, PortraitSetRequest, ProfileItem, ProfileTag, StandardProfileTag } from '../types';
import { accountField, accountList, asFields, byteLength, isUint, list, objects } from './check';

/** Profile service codes. */
export const ProfileCode = {
  BadParameter: 40001,
  NoSuchAccount: 40003,
  Internal: 40006,
  UnknownTag: 40009,
  ValueTooLong: 40601,
  BadStandardValue: 40605,
} as const;

/** Documented limits of the profile calls. */
export const PROFILE_LIMITS = {
  valueBytes: 500,
  getAccounts: 100,
  /** Distinct custom tags per app. */
  customTags: 20,
} as const;

/** What a standard tag's value is: a string, one of some names, or an unsigned integer. */
export type TagKind = { kind: 'string' } | { kind: 'enum'; values: readonly string[] } | { kind: 'uint' };

/** Value kinds of the standard tags. */
export const STANDARD_TAGS: Readonly<Record<StandardProfileTag, TagKind>> = {
  Tag_Profile_IM_Nick: { kind: 'string' },
  Tag_Profile_IM_Gender: { kind: 'enum', values: ['Gender_Type_Unknown', 'Gender_Type_Male', 'Gender_Type_Female'] },
  Tag_Profile_IM_BirthDay: { kind: 'uint' },
  Tag_Profile_IM_Location: { kind: 'string' },
  Tag_Profile_IM_SelfSignature: { kind: 'string' },
  Tag_Profile_IM_AllowType: {
    kind: 'enum',
    values: ['AllowType_Type_AllowAny', 'AllowType_Type_NeedConfirm', 'AllowType_Type_DenyAny'],
  },
  Tag_Profile_IM_Language: { kind: 'uint' },
  Tag_Profile_IM_Image: { kind: 'string' },
  Tag_Profile_IM_MsgSettings: { kind: 'uint' },
  Tag_Profile_IM_AdminForbidType: { kind: 'enum', values: ['AdminForbid_Type_None', 'AdminForbid_Type_SendOut'] },
  Tag_Profile_IM_Level: { kind: 'uint' },
  Tag_Profile_IM_Role: { kind: 'uint' },
};

/** Prefix of custom tags. */
export const CUSTOM_TAG_PREFIX = 'Tag_Profile_Custom_';

/** Whether `tag` is a standard tag. */
export function isStandardTag(tag: string): tag is StandardProfileTag {
  return Object.prototype.hasOwnProperty.call(STANDARD_TAGS, tag);
}

/** Whether `tag` is a well-formed custom tag: the prefix and 1..8 letters. */
export function isCustomTag(tag: string): tag is `Tag_Profile_Custom_${string}` {
  return tag.startsWith(CUSTOM_TAG_PREFIX) && /^[A-Za-z]{1,8}$/.test(tag.slice(CUSTOM_TAG_PREFIX.length));
}

const P = ProfileCode.BadParameter;

function tagOf(v: unknown): ProfileTag {
  if (typeof v !== 'string') refuse(P, 'Tag must be a string');
  if (!isStandardTag(v) && !isCustomTag(v)) refuse(ProfileCode.UnknownTag, `unknown profile tag "${v}"`);
  return v;
}

function checkValue(tag: ProfileTag, value: unknown): string | number {
  const kind: TagKind = isStandardTag(tag) ? STANDARD_TAGS[tag] : { kind: 'string' };
  if (kind.kind === 'uint') {
    if (typeof value !== 'number') refuse(P, `${tag} takes an integer`);
    if (!isUint(value)) refuse(ProfileCode.BadStandardValue, `${tag} must be an integer from 0 to 4294967295`);
    return value;
  }
  if (typeof value !== 'string') refuse(P, `${tag} takes a string`);
  if (kind.kind === 'enum' && !kind.values.includes(value)) {
    refuse(ProfileCode.BadStandardValue, `${tag} must be one of ${kind.values.join(', ')}`);
  }
  if (byteLength(value) > PROFILE_LIMITS.valueBytes) {
    refuse(ProfileCode.ValueTooLong, `${tag} is longer than ${PROFILE_LIMITS.valueBytes} bytes`);
  }
  return value;
}

/** Validates `portrait_set`. */
export function validatePortraitSet(body: unknown): PortraitSetRequest {
  const o = asFields(body, P);
  const From_Account = accountField(o, 'From_Account', P);
  const items = list(o, 'ProfileItem', P, { required: true, nonEmpty: true });
  const ProfileItem: ProfileItem[] = objects(items, 'ProfileItem', P).map((item) => {
    const Tag = tagOf(item.Tag);
    if (item.Value === undefined) refuse(P, `${Tag}: Value is required`);
    return { Tag, Value: checkValue(Tag, item.Value) };
  });
  return { From_Account, ProfileItem };
}

/** Validates `portrait_get`. */
export function validatePortraitGet(body: unknown): PortraitGetRequest {
  const o = asFields(body, P);
  const To_Account = accountList(o, 'To_Account', P, { required: true, nonEmpty: true, max: PROFILE_LIMITS.getAccounts });
  const TagList = list(o, 'TagList', P, { required: true, nonEmpty: true }).map(tagOf);
  return { To_Account, TagList };
}

