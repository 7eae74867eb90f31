/**
 * Validators of the `group_open_http_svc` bodies, shared by the client and the emulator.
 * Codes: 10004 bad parameter, 10005 more than 50 accounts asked, 10007 not allowed for the group
 * type, 10015 invalid group id, 60015 an account that is not a string.
 * @packageDocumentation
 */
import { refuse } from '../errors';
import type {
  AddGroupMemberRequest,
  AppDefinedDataItem,
  ApplyJoinOption,
  CreateGroupMember,
  CreateGroupRequest,
  DeleteGroupMemberRequest,
  DestroyGroupRequest,
  GetGroupMemberInfoRequest,
  GetSpecifiedGroupMemberInfoRequest,
  GroupMemberFilters,
  GroupMemberInfoField,
  GroupMemberPageField,
  GroupMemberRole,
  GroupMsgFlag,
  GroupType,
  ModifyGroupMemberInfoRequest,
} from '../types';
import {
  accountField,
  accountList,
  asFields,
  byteLength,
  Fields,
  flag,
  isOneOf,
  isPrintableAscii,
  list,
  objects,
  oneOf,
  str,
  uint,
} from './check';

/** Group service codes. */
export const GroupCode = {
  Internal: 10002,
  BadCommand: 10003,
  BadParameter: 10004,
  TooManyAccounts: 10005,
  NoPermission: 10007,
  NoSuchGroup: 10010,
  GroupFull: 10014,
  BadGroupId: 10015,
  NoSuchUser: 10019,
  GroupIdInUse: 10021,
} as const;

/** Documented limits of the group calls. */
export const GROUP_LIMITS = {
  groupIdBytes: 48,
  nameBytes: 30,
  introductionBytes: 240,
  notificationBytes: 300,
  faceUrlBytes: 100,
  nameCardBytes: 50,
  createMembers: 100,
  addMembers: 300,
  deleteMembers: 100,
  specifiedMembers: 50,
  /** `get_group_member_info`'s `Limit`: "不得超过200，建议100" (https://cloud.tencent.com/document/product/269/1617). */
  pageLimit: 200,
  memberKeyBytes: 16,
  memberValueBytes: 64,
  /** Distinct member custom keys per app. */
  memberKeys: 5,
  groupValueBytes: 4000,
  /** Distinct group custom keys per request. */
  groupKeys: 10,
} as const;

/** All group types. */
export const GROUP_TYPES: readonly GroupType[] = ['Private', 'Work', 'Public', 'ChatRoom', 'Meeting', 'AVChatRoom', 'Community'];
/** All member roles. */
export const MEMBER_ROLES: readonly GroupMemberRole[] = ['Owner', 'Admin', 'Member'];
/** All message flags. */
export const MSG_FLAGS: readonly GroupMsgFlag[] = ['AcceptAndNotify', 'AcceptNotNotify', 'Discard', 'AcceptNotNotifyExceptAt'];
/** Fields `MemberInfoFilter` may name. */
export const MEMBER_INFO_FIELDS: readonly GroupMemberInfoField[] = [
  'Member_Account',
  'Role',
  'JoinTime',
  'MsgSeq',
  'MsgFlag',
  'LastSendMsgTime',
  'MuteUntil',
  'NameCard',
  'OnlineStatus',
];
/** Fields `get_group_member_info`'s `MemberInfoFilter` may name: `ShutUpUntil` where the other query says `MuteUntil`. */
export const MEMBER_PAGE_FIELDS: readonly GroupMemberPageField[] = MEMBER_INFO_FIELDS.map((f) => (f === 'MuteUntil' ? 'ShutUpUntil' : f));
const APPLY_JOIN_OPTIONS: readonly ApplyJoinOption[] = ['FreeAccess', 'NeedPermission', 'DisableApply'];
const SETTABLE_ROLES = ['Admin', 'Member'] as const;

const P = GroupCode.BadParameter;

/**
 * Whether `id` is a well-formed group id: 1..48 bytes of printable ASCII; one starting `@TGS#`
 * must be a server-made id (`@TGS#` + letters and digits) or a Community id (`@TGS#_...`).
 */
export function isValidGroupId(id: string): boolean {
  if (id.length === 0 || byteLength(id) > GROUP_LIMITS.groupIdBytes || !isPrintableAscii(id)) return false;
  if (!id.startsWith('@TGS#')) return true;
  return /^@TGS#[A-Za-z0-9]+$/.test(id) || /^@TGS#_[\x21-\x7e]+$/.test(id);
}

/** Whether `key` can name a custom field: <= 16 bytes of `[A-Za-z0-9_]`, not starting with a digit. */
export function isValidCustomKey(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && key.length <= GROUP_LIMITS.memberKeyBytes;
}

/** The `GroupId` field: required string (10004), well-formed (10015). */
export function groupIdField(o: Fields): string {
  const id = str(o, 'GroupId', P, { required: true });
  if (!isValidGroupId(id)) refuse(GroupCode.BadGroupId, `invalid GroupId "${id}"`);
  return id;
}

function customData(o: Fields, key: string, maxValueBytes: number, maxItems: number): AppDefinedDataItem[] | undefined {
  const items = list(o, key, P, { max: maxItems });
  if (!items) return undefined;
  return objects(items, key, P).map((item) => {
    const k = str(item, 'Key', P, { required: true });
    if (!isValidCustomKey(k)) refuse(P, `${key}: invalid key "${k}"`);
    const v = str(item, 'Value', P, { required: true, maxBytes: maxValueBytes });
    return { Key: k, Value: v };
  });
}

function memberData(o: Fields): AppDefinedDataItem[] | undefined {
  return customData(o, 'AppMemberDefinedData', GROUP_LIMITS.memberValueBytes, GROUP_LIMITS.memberKeys);
}

function filters<F extends string>(o: Fields, fields: readonly F[]): GroupMemberFilters<F> {
  const out: GroupMemberFilters<F> = {};
  const info = list(o, 'MemberInfoFilter', P);
  if (info) {
    out.MemberInfoFilter = info.map((f) => {
      if (!isOneOf(f, fields)) refuse(P, `MemberInfoFilter: unknown field ${JSON.stringify(f)}`);
      return f;
    });
  }
  const roles = list(o, 'MemberRoleFilter', P);
  if (roles) {
    out.MemberRoleFilter = roles.map((r) => {
      if (!isOneOf(r, MEMBER_ROLES)) refuse(P, `MemberRoleFilter: unknown role ${JSON.stringify(r)}`);
      return r;
    });
  }
  const keys = list(o, 'AppDefinedDataFilter_GroupMember', P);
  if (keys) {
    out.AppDefinedDataFilter_GroupMember = keys.map((k) => {
      if (typeof k !== 'string' || !isValidCustomKey(k)) {
        refuse(P, `AppDefinedDataFilter_GroupMember: invalid key ${JSON.stringify(k)}`);
      }
      return k;
    });
  }
  return out;
}

/** Validates `get_specified_group_member_info`. */
export function validateGetSpecifiedGroupMemberInfo(body: unknown): GetSpecifiedGroupMemberInfoRequest {
  const o = asFields(body, P);
  const GroupId = groupIdField(o);
  const Member_List_Account = accountList(o, 'Member_List_Account', P, {
    required: true,
    nonEmpty: true,
    max: GROUP_LIMITS.specifiedMembers,
    tooManyCode: GroupCode.TooManyAccounts,
  });
  return { GroupId, Member_List_Account, ...filters(o, MEMBER_INFO_FIELDS) };
}

/** Validates `get_group_member_info`. */
export function validateGetGroupMemberInfo(body: unknown): GetGroupMemberInfoRequest {
  const o = asFields(body, P);
  const GroupId = groupIdField(o);
  const Limit = uint(o, 'Limit', P, GROUP_LIMITS.pageLimit);
  const Offset = uint(o, 'Offset', P);
  const Next = str(o, 'Next', P);
  return {
    GroupId,
    ...(Limit !== undefined ? { Limit } : {}),
    ...(Offset !== undefined ? { Offset } : {}),
    ...(Next !== undefined ? { Next } : {}),
    ...filters(o, MEMBER_PAGE_FIELDS),
  };
}

function createMembers(o: Fields): CreateGroupMember[] | undefined {
  const items = list(o, 'MemberList', P, { max: GROUP_LIMITS.createMembers });
  if (!items) return undefined;
  return objects(items, 'MemberList', P).map((m) => {
    const member: CreateGroupMember = { Member_Account: accountField(m, 'Member_Account', P) };
    const role = oneOf(m, 'Role', SETTABLE_ROLES, P);
    if (role) member.Role = role;
    const data = memberData(m);
    if (data) member.AppMemberDefinedData = data;
    return member;
  });
}

/** Validates `create_group`. */
export function validateCreateGroup(body: unknown): CreateGroupRequest {
  const o = asFields(body, P);
  const Type = oneOf(o, 'Type', GROUP_TYPES, P);
  if (!Type) refuse(P, 'Type is required');
  const req: CreateGroupRequest = {
    Type,
    Name: str(o, 'Name', P, { required: true, nonEmpty: true, maxBytes: GROUP_LIMITS.nameBytes }),
  };
  if (o.Owner_Account !== undefined) req.Owner_Account = accountField(o, 'Owner_Account', P);
  const groupId = str(o, 'GroupId', P);
  if (groupId !== undefined) req.GroupId = customGroupId(groupId, Type);
  const introduction = str(o, 'Introduction', P, { maxBytes: GROUP_LIMITS.introductionBytes });
  if (introduction !== undefined) req.Introduction = introduction;
  const notification = str(o, 'Notification', P, { maxBytes: GROUP_LIMITS.notificationBytes });
  if (notification !== undefined) req.Notification = notification;
  const faceUrl = str(o, 'FaceUrl', P, { maxBytes: GROUP_LIMITS.faceUrlBytes });
  if (faceUrl !== undefined) req.FaceUrl = faceUrl;
  const max = uint(o, 'MaxMemberCount', P);
  if (max !== undefined) {
    if (max === 0) refuse(P, 'MaxMemberCount must be at least 1');
    req.MaxMemberCount = max;
  }
  const apply = oneOf(o, 'ApplyJoinOption', APPLY_JOIN_OPTIONS, P);
  if (apply) req.ApplyJoinOption = apply;
  const members = createMembers(o);
  if (members) {
    if (Type === 'AVChatRoom' && members.length > 0) {
      refuse(GroupCode.NoPermission, 'an AVChatRoom cannot be created with members: users join it themselves');
    }
    req.MemberList = members;
  }
  const data = customData(o, 'AppDefinedData', GROUP_LIMITS.groupValueBytes, GROUP_LIMITS.groupKeys);
  if (data) req.AppDefinedData = data;
  return req;
}

/** A custom id must be well-formed; Community ids start `@TGS#_`, other types' do not start `@TGS#`. */
function customGroupId(id: string, type: GroupType): string {
  const community = type === 'Community';
  const ok = isValidGroupId(id) && (community ? id.startsWith('@TGS#_') && id.length > 6 : !id.startsWith('@TGS#'));
  if (!ok) {
    refuse(
      GroupCode.BadGroupId,
      community
        ? `invalid GroupId "${id}": a custom Community id is "@TGS#_" plus printable ASCII, <= 48 bytes`
        : `invalid GroupId "${id}": a custom id is printable ASCII, <= 48 bytes, not starting with "@TGS#"`,
    );
  }
  return id;
}

/** Validates `add_group_member`. */
export function validateAddGroupMember(body: unknown): AddGroupMemberRequest {
  const o = asFields(body, P);
  const GroupId = groupIdField(o);
  const items = list(o, 'MemberList', P, { required: true, nonEmpty: true, max: GROUP_LIMITS.addMembers });
  const MemberList = objects(items, 'MemberList', P).map((m) => ({ Member_Account: accountField(m, 'Member_Account', P) }));
  const Silence = flag(o, 'Silence', P);
  return { GroupId, MemberList, ...(Silence !== undefined ? { Silence } : {}) };
}

/** Validates `delete_group_member`. */
export function validateDeleteGroupMember(body: unknown): DeleteGroupMemberRequest {
  const o = asFields(body, P);
  const GroupId = groupIdField(o);
  const MemberToDel_Account = accountList(o, 'MemberToDel_Account', P, {
    required: true,
    nonEmpty: true,
    max: GROUP_LIMITS.deleteMembers,
  });
  const Silence = flag(o, 'Silence', P);
  const Reason = str(o, 'Reason', P, { maxBytes: 1000 });
  return {
    GroupId,
    MemberToDel_Account,
    ...(Silence !== undefined ? { Silence } : {}),
    ...(Reason !== undefined ? { Reason } : {}),
  };
}

/** Validates `modify_group_member_info`. */
export function validateModifyGroupMemberInfo(body: unknown): ModifyGroupMemberInfoRequest {
  const o = asFields(body, P);
  const req: ModifyGroupMemberInfoRequest = {
    GroupId: groupIdField(o),
    Member_Account: accountField(o, 'Member_Account', P),
  };
  const role = oneOf(o, 'Role', SETTABLE_ROLES, P);
  if (role) req.Role = role;
  const msgFlag = oneOf(o, 'MsgFlag', MSG_FLAGS, P);
  if (msgFlag) req.MsgFlag = msgFlag;
  const nameCard = str(o, 'NameCard', P, { maxBytes: GROUP_LIMITS.nameCardBytes });
  if (nameCard !== undefined) req.NameCard = nameCard;
  const data = memberData(o);
  if (data) req.AppMemberDefinedData = data;
  const mute = uint(o, 'MuteTime', P);
  if (mute !== undefined) req.MuteTime = mute;
  return req;
}

/** Validates `destroy_group`. */
export function validateDestroyGroup(body: unknown): DestroyGroupRequest {
  return { GroupId: groupIdField(asFields(body, P)) };
}
