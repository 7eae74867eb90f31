/**
 * `profile/portrait_set` and `portrait_get` over the same profile store the native clients read:
 * a nick set here is what `getUserProfileList` returns, and the other way round. Enum tags map to
 * the SDK's numbers by name (`Gender_Type_Male` <-> 1, `AllowType_Type_AllowAny` <-> 1, ...).
 * @packageDocumentation
 */
import type { AddPermission, Gender, ProfilePatch, StoredProfile } from '../context';
import { REST_APIS } from '../../rest/apis';
import { refuse } from '../../rest/errors';
import type { ProfileItem, ProfileTag, StandardProfileTag, PortraitUserProfile } from '../../rest/types';
import { isStandardTag, ProfileCode } from '../../rest/validate/profile';
import { admitKeys, MAX_PROFILE_FIELDS, refusalText } from '../custom-fields';
import type { RestEnv } from './env';
import { route, Route } from './env';

type ScalarField = Exclude<keyof ProfilePatch, 'custom'>;

/** Standard tags kept in the shared store, by store field. */
const STORE_FIELDS: Partial<Record<StandardProfileTag, ScalarField>> = {
  Tag_Profile_IM_Nick: 'nick',
  Tag_Profile_IM_Gender: 'gender',
  Tag_Profile_IM_BirthDay: 'birthday',
  Tag_Profile_IM_Location: 'location',
  Tag_Profile_IM_SelfSignature: 'selfSignature',
  Tag_Profile_IM_AllowType: 'addPermission',
  Tag_Profile_IM_Language: 'language',
  Tag_Profile_IM_Image: 'faceUrl',
  Tag_Profile_IM_Level: 'level',
  Tag_Profile_IM_Role: 'role',
};

/** Standard tags the store has no field for, with the value reported before any is set. */
const EXTRA_DEFAULTS: Partial<Record<StandardProfileTag, string | number>> = {
  Tag_Profile_IM_MsgSettings: 0,
  Tag_Profile_IM_AdminForbidType: 'AdminForbid_Type_None',
};

const GENDER_NAMES: Readonly<Record<Gender, string>> = {
  0: 'Gender_Type_Unknown',
  1: 'Gender_Type_Male',
  2: 'Gender_Type_Female',
};

/** The SDK's 0 (unknown) reads as the service's default, NeedConfirm. */
const ALLOW_NAMES: Readonly<Record<AddPermission, string>> = {
  0: 'AllowType_Type_NeedConfirm',
  1: 'AllowType_Type_AllowAny',
  2: 'AllowType_Type_NeedConfirm',
  3: 'AllowType_Type_DenyAny',
};

const GENDER_CODES: Readonly<Record<string, Gender>> = {
  Gender_Type_Unknown: 0,
  Gender_Type_Male: 1,
  Gender_Type_Female: 2,
};

const ALLOW_CODES: Readonly<Record<string, AddPermission>> = {
  AllowType_Type_AllowAny: 1,
  AllowType_Type_NeedConfirm: 2,
  AllowType_Type_DenyAny: 3,
};

/** The store value of a (validated) standard tag's value. */
function storeValue(field: ScalarField, value: string | number): string | number {
  if (field === 'gender') return GENDER_CODES[value];
  if (field === 'addPermission') return ALLOW_CODES[value];
  return value;
}

/** The REST value of a tag for a profile. */
function restValue(env: RestEnv, p: StoredProfile, tag: ProfileTag): string | number {
  if (!isStandardTag(tag)) return p.custom[tag] ?? '';
  const field = STORE_FIELDS[tag];
  if (field === 'gender') return GENDER_NAMES[p.gender];
  if (field === 'addPermission') return ALLOW_NAMES[p.addPermission];
  if (field) return p[field];
  return env.extras.get(p.userId, tag) ?? EXTRA_DEFAULTS[tag] ?? '';
}

/**
 * Refuses custom tags the app has not registered (lenient: past 20 per app) with 40009, the
 * service's "资料字段的 Tag 不存在" (ERR_SVR_PROFILE_TAG_NOT_FOUND, TIMErrorCode.h; portrait_set and
 * portrait_get list it, https://cloud.tencent.com/document/product/269/1640): the console must
 * declare a custom field before it is read or written (https://cloud.tencent.com/document/product/269/1500).
 */
function checkRegistered(env: RestEnv, tags: readonly string[]): void {
  const custom = tags.filter((t) => !isStandardTag(t));
  if (custom.length === 0) return;
  const { refused } = admitKeys(env.ctx.store.customKeys(), custom, env.ctx.config.lenientCustomFields ?? false, MAX_PROFILE_FIELDS);
  if (refused) refuse(ProfileCode.UnknownTag, refusalText(refused, 'custom profile field', MAX_PROFILE_FIELDS));
}

/** Splits validated items into a store patch and extra tags; refuses unregistered custom tags. */
function toPatch(env: RestEnv, items: readonly ProfileItem[]): { patch: ProfilePatch; extras: ProfileItem[] } {
  const patch: Record<string, string | number> = {};
  const custom: Record<string, string> = {};
  const extras: ProfileItem[] = [];
  for (const { Tag, Value } of items) {
    if (!isStandardTag(Tag)) custom[Tag] = String(Value);
    else if (STORE_FIELDS[Tag]) patch[STORE_FIELDS[Tag]] = storeValue(STORE_FIELDS[Tag], Value);
    else extras.push({ Tag, Value });
  }
  checkRegistered(env, Object.keys(custom));
  const full = patch as ProfilePatch;
  if (Object.keys(custom).length > 0) full.custom = custom;
  return { patch: full, extras };
}

/** The profile routes. */
export const profileRoutes: Route[] = [
  route(REST_APIS.portraitSet, (env, req) => {
    const id = req.From_Account;
    if (!env.ctx.store.hasAccount(id)) refuse(ProfileCode.NoSuchAccount, `account ${id} does not exist`);
    const { patch, extras } = toPatch(env, req.ProfileItem);
    const changesProfile = Object.keys(patch).length > 0;
    env.ctx.db.transaction(() => {
      if (changesProfile) env.ctx.store.updateProfile(id, patch);
      for (const e of extras) env.extras.set(id, e.Tag, e.Value);
    })();
    if (changesProfile) env.ctx.presence.profileChanged(id);
    return { ErrorDisplay: '' };
  }),
  route(REST_APIS.portraitGet, (env, req) => {
    if (!(env.ctx.config.lenientCustomFields ?? false)) checkRegistered(env, req.TagList);
    const UserProfileItem: PortraitUserProfile[] = [];
    const Fail_Account: string[] = [];
    for (const id of new Set(req.To_Account)) {
      const p = env.ctx.store.getProfile(id);
      if (!p) {
        Fail_Account.push(id);
        UserProfileItem.push({ To_Account: id, ProfileItem: [], ResultCode: ProfileCode.NoSuchAccount, ResultInfo: 'account does not exist' });
        continue;
      }
      const ProfileItem = req.TagList.map((Tag) => ({ Tag, Value: restValue(env, p, Tag) }));
      UserProfileItem.push({ To_Account: id, ProfileItem, ResultCode: 0, ResultInfo: '' });
    }
    return { UserProfileItem, Fail_Account, ErrorDisplay: '' };
  }),
];
