/**
 * Calls of the emulator's own, NOT part of Tencent's REST API: they stand in for what the IM
 * console does. Served under the service name `tim_native_emulator`, which the real service does
 * not have (it answers 60009 there), with the same common checks as every call (admin UserSig).
 *
 * `POST /v4/tim_native_emulator/register_custom_fields`, body
 * `{"ProfileFields": ["Tag_Profile_Custom_Team"], "GroupMemberFields": ["Level"]}` (both optional):
 * registers custom fields as the console's feature configuration does, and answers every
 * registered key: `{"ProfileFields": [...], "GroupMemberFields": [...]}`. A malformed profile key
 * or more than 20 is 40001, a malformed member key or more than 5 is 10004 (the parameter codes of
 * the services the fields belong to); nothing is registered then.
 * @packageDocumentation
 */
import type { RestApi } from '../../rest/apis';
import { refuse } from '../../rest/errors';
import type { RestResponseBase } from '../../rest/types';
import { GroupCode } from '../../rest/validate/groups';
import { ProfileCode } from '../../rest/validate/profile';
import { CommonCode } from '../../rest/codes';
import type { GroupStore } from '../group-store';
import type { ProfileStore } from '../context';
import { CustomFieldError, newKeys, type CustomFieldsRegistration, type RegisteredCustomFields } from '../custom-fields';
import { route, type Route } from './env';

/** The service name of the emulator's own calls. */
export const EMULATOR_SERVICE = 'tim_native_emulator';

/** Body of `tim_native_emulator/register_custom_fields`. */
export interface RegisterCustomFieldsRequest {
  ProfileFields?: string[];
  GroupMemberFields?: string[];
}

/** Answer of `tim_native_emulator/register_custom_fields`: every registered key. */
export interface RegisterCustomFieldsResponse extends RestResponseBase {
  ProfileFields: string[];
  GroupMemberFields: string[];
}

/**
 * Registers custom fields in both stores, all or nothing. Throws {@link CustomFieldError} for a
 * malformed key or a list past its cap.
 */
export function registerCustomFields(store: ProfileStore, groups: GroupStore, request: CustomFieldsRegistration): RegisteredCustomFields {
  const fresh = newKeys(request, { profile: store.customKeys(), groupMember: new Set(groups.memberKeys()) });
  groups.transaction(() => {
    store.registerCustomKeys(fresh.profile);
    groups.registerMemberKeys(fresh.groupMember);
  });
  return { profile: [...store.customKeys()], groupMember: [...groups.memberKeys()] };
}

function validate(body: unknown): RegisterCustomFieldsRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) refuse(CommonCode.BadJson, 'request body must be a JSON object');
  const o = body as Record<string, unknown>;
  const lists: RegisterCustomFieldsRequest = {};
  for (const [key, code] of [
    ['ProfileFields', ProfileCode.BadParameter],
    ['GroupMemberFields', GroupCode.BadParameter],
  ] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((k) => typeof k !== 'string')) refuse(code, `${key} must be an array of strings`);
    lists[key] = v as string[];
  }
  return lists;
}

const REGISTER_CUSTOM_FIELDS: RestApi<RegisterCustomFieldsRequest, RegisterCustomFieldsResponse> = Object.freeze({
  service: EMULATOR_SERVICE,
  command: 'register_custom_fields',
  validate,
});

/** The emulator-only routes. */
export const emulatorOnlyRoutes: Route[] = [
  route(REGISTER_CUSTOM_FIELDS, (env, req) => {
    try {
      const all = registerCustomFields(env.ctx.store, env.groups, {
        ...(req.ProfileFields ? { profile: req.ProfileFields } : {}),
        ...(req.GroupMemberFields ? { groupMember: req.GroupMemberFields } : {}),
      });
      return { ProfileFields: all.profile, GroupMemberFields: all.groupMember };
    } catch (e) {
      if (!(e instanceof CustomFieldError)) throw e;
      refuse(e.kind === 'profile' ? ProfileCode.BadParameter : GroupCode.BadParameter, e.message);
    }
  }),
];
