/**
 * The table of REST calls this package knows: URL parts, the shared validator, and the request
 * and response types. The client sends through it; the emulator routes through it.
 * @packageDocumentation
 */
import type * as T from './types';
import { AccountCode, validateAccountImport, validateMultiAccountImport } from './validate/accounts';
import {
  GroupCode,
  validateAddGroupMember,
  validateCreateGroup,
  validateDeleteGroupMember,
  validateDestroyGroup,
  validateGetGroupMemberInfo,
  validateGetSpecifiedGroupMemberInfo,
  validateModifyGroupMemberInfo,
} from './validate/groups';
import { OnlineCode, validateQueryOnlineStatus } from './validate/online';
import { ProfileCode, validatePortraitGet, validatePortraitSet } from './validate/profile';

/** One REST call: `POST /v4/<service>/<command>`, its validator, its request and response types. */
export interface RestApi<Req, Res extends T.RestResponseBase> {
  readonly service: string;
  readonly command: string;
  /** Checks a body and returns it typed; throws `RestError` with the service's code. */
  readonly validate: (body: unknown) => Req;
  /** Type-level only: the response type. Never set. */
  readonly response?: Res;
}

function api<Req, Res extends T.RestResponseBase>(
  service: string,
  command: string,
  validate: (body: unknown) => Req,
): RestApi<Req, Res> {
  return Object.freeze({ service, command, validate });
}

/** Every call the client has a method for, by method name. */
export const REST_APIS = Object.freeze({
  accountImport: api<T.AccountImportRequest, T.AccountImportResponse>('im_open_login_svc', 'account_import', validateAccountImport),
  multiAccountImport: api<T.MultiAccountImportRequest, T.MultiAccountImportResponse>(
    'im_open_login_svc',
    'multiaccount_import',
    validateMultiAccountImport,
  ),
  portraitSet: api<T.PortraitSetRequest, T.PortraitSetResponse>('profile', 'portrait_set', validatePortraitSet),
  portraitGet: api<T.PortraitGetRequest, T.PortraitGetResponse>('profile', 'portrait_get', validatePortraitGet),
  createGroup: api<T.CreateGroupRequest, T.CreateGroupResponse>('group_open_http_svc', 'create_group', validateCreateGroup),
  addGroupMember: api<T.AddGroupMemberRequest, T.AddGroupMemberResponse>(
    'group_open_http_svc',
    'add_group_member',
    validateAddGroupMember,
  ),
  deleteGroupMember: api<T.DeleteGroupMemberRequest, T.DeleteGroupMemberResponse>(
    'group_open_http_svc',
    'delete_group_member',
    validateDeleteGroupMember,
  ),
  modifyGroupMemberInfo: api<T.ModifyGroupMemberInfoRequest, T.ModifyGroupMemberInfoResponse>(
    'group_open_http_svc',
    'modify_group_member_info',
    validateModifyGroupMemberInfo,
  ),
  destroyGroup: api<T.DestroyGroupRequest, T.DestroyGroupResponse>('group_open_http_svc', 'destroy_group', validateDestroyGroup),
  getGroupMemberInfo: api<T.GetGroupMemberInfoRequest, T.GetGroupMemberInfoResponse>(
    'group_open_http_svc',
    'get_group_member_info',
    validateGetGroupMemberInfo,
  ),
  getSpecifiedGroupMemberInfo: api<T.GetSpecifiedGroupMemberInfoRequest, T.GetSpecifiedGroupMemberInfoResponse>(
    'group_open_http_svc',
    'get_specified_group_member_info',
    validateGetSpecifiedGroupMemberInfo,
  ),
  queryOnlineStatus: api<T.QueryOnlineStatusRequest, T.QueryOnlineStatusResponse>(
    'openim',
    'query_online_status',
    validateQueryOnlineStatus,
  ),
});

/** Per-service codes: internal error (retryable), unknown command (when the service has one). */
export const SERVICE_CODES: Readonly<Record<string, { internal: number; badCommand?: number }>> = Object.freeze({
  im_open_login_svc: { internal: AccountCode.Internal },
  profile: { internal: ProfileCode.Internal },
  group_open_http_svc: { internal: GroupCode.Internal, badCommand: GroupCode.BadCommand },
  openim: { internal: OnlineCode.Internal },
});

/** Finds the API of a URL's service and command. */
export function findApi(service: string, command: string): RestApi<unknown, T.RestResponseBase> | undefined {
  return Object.values(REST_APIS).find((a) => a.service === service && a.command === command) as
    | RestApi<unknown, T.RestResponseBase>
    | undefined;
}
