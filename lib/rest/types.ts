/**
 * Request and response bodies of the REST calls, field for field as they travel (Tencent's
 * names). Each request type is what {@link RestClient} sends; each response type is what it
 * resolves with when `ErrorCode` is 0.
 * @packageDocumentation
 */

/** Fields every response carries. */
export interface RestResponseBase {
  /** `OK` on success, `FAIL` otherwise. */
  ActionStatus: 'OK' | 'FAIL';
  /** 0 on success. */
  ErrorCode: number;
  ErrorInfo: string;
}

/** Any JSON value, for {@link RestClient.call}. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A request body for {@link RestClient.call}. */
export type JsonObject = { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// im_open_login_svc

/** `im_open_login_svc/account_import`: creates one account (idempotent). */
export interface AccountImportRequest {
  /** <= 32 bytes of printable ASCII. */
  UserID: string;
  /** The first nick (<= 500 bytes). */
  Nick?: string;
  /** The first avatar URL (<= 500 bytes). */
  FaceUrl?: string;
}

/** Response of `account_import`. */
export type AccountImportResponse = RestResponseBase;

/** One account of the newer `multiaccount_import` format. */
export interface MultiAccountImportItem {
  /** <= 32 bytes of printable ASCII; an invalid one is listed in `FailAccounts`. */
  UserID: string;
  /** Nick (<= 500 bytes); set also when the account already exists. */
  Nick?: string;
  /** Avatar URL (<= 500 bytes); set also when the account already exists. */
  FaceUrl?: string;
}

/**
 * `im_open_login_svc/multiaccount_import`: creates up to 100 accounts. Both documented formats
 * (https://cloud.tencent.com/document/product/269/4919): the older `Accounts` (UserIDs) and the
 * newer `AccountList` (objects with nick and avatar); one of them per call.
 */
export type MultiAccountImportRequest = { Accounts: string[] } | { AccountList: MultiAccountImportItem[] };

/** Response of `multiaccount_import`. */
export interface MultiAccountImportResponse extends RestResponseBase {
  /** Accounts that could not be imported (invalid ids). */
  FailAccounts: string[];
}

// ---------------------------------------------------------------------------------------------
// profile

/** Standard profile tags. */
export type StandardProfileTag =
  | 'Tag_Profile_IM_Nick'
  | 'Tag_Profile_IM_Gender'
  | 'Tag_Profile_IM_BirthDay'
  | 'Tag_Profile_IM_Location'
  | 'Tag_Profile_IM_SelfSignature'
  | 'Tag_Profile_IM_AllowType'
  | 'Tag_Profile_IM_Language'
  | 'Tag_Profile_IM_Image'
  | 'Tag_Profile_IM_MsgSettings'
  | 'Tag_Profile_IM_AdminForbidType'
  | 'Tag_Profile_IM_Level'
  | 'Tag_Profile_IM_Role';

/** A standard tag or a custom one (`Tag_Profile_Custom_<letters, <= 8 bytes>`). */
export type ProfileTag = StandardProfileTag | `Tag_Profile_Custom_${string}`;

/** `Tag_Profile_IM_Gender` values. */
export type GenderValue = 'Gender_Type_Unknown' | 'Gender_Type_Male' | 'Gender_Type_Female';

/** `Tag_Profile_IM_AllowType` values. */
export type AllowTypeValue = 'AllowType_Type_AllowAny' | 'AllowType_Type_NeedConfirm' | 'AllowType_Type_DenyAny';

/** `Tag_Profile_IM_AdminForbidType` values. */
export type AdminForbidTypeValue = 'AdminForbid_Type_None' | 'AdminForbid_Type_SendOut';

/** One profile field. Strings for string and enum tags, unsigned integers for numeric tags. */
export interface ProfileItem {
  Tag: ProfileTag;
  Value: string | number;
}

/** `profile/portrait_set`: sets fields of one account's profile. */
export interface PortraitSetRequest {
  From_Account: string;
  ProfileItem: ProfileItem[];
}

/** Response of `portrait_set`. */
export interface PortraitSetResponse extends RestResponseBase {
  ErrorDisplay?: string;
}

/** `profile/portrait_get`: reads fields of up to 100 accounts. */
export interface PortraitGetRequest {
  To_Account: string[];
  TagList: ProfileTag[];
}

/** One account's answer in `portrait_get`. */
export interface PortraitUserProfile {
  To_Account: string;
  ProfileItem: ProfileItem[];
  /** 0, or 40003 when the account does not exist. */
  ResultCode: number;
  ResultInfo: string;
}

/** Response of `portrait_get`. */
export interface PortraitGetResponse extends RestResponseBase {
  UserProfileItem: PortraitUserProfile[];
  /** Accounts that do not exist. */
  Fail_Account: string[];
  ErrorDisplay?: string;
}

// ---------------------------------------------------------------------------------------------
// group_open_http_svc

/** Group types; Private = Work and ChatRoom = Meeting. */
export type GroupType = 'Private' | 'Work' | 'Public' | 'ChatRoom' | 'Meeting' | 'AVChatRoom' | 'Community';

/** Member roles. */
export type GroupMemberRole = 'Owner' | 'Admin' | 'Member';

/** How a member receives group messages. */
export type GroupMsgFlag = 'AcceptAndNotify' | 'AcceptNotNotify' | 'Discard' | 'AcceptNotNotifyExceptAt';

/** How join requests are handled. */
export type ApplyJoinOption = 'FreeAccess' | 'NeedPermission' | 'DisableApply';

/** Member fields `MemberInfoFilter` of `get_specified_group_member_info` can name (its mute field is `MuteUntil`). */
export type GroupMemberInfoField =
  | 'Member_Account'
  | 'Role'
  | 'JoinTime'
  | 'MsgSeq'
  | 'MsgFlag'
  | 'LastSendMsgTime'
  | 'MuteUntil'
  | 'NameCard'
  | 'OnlineStatus';

/**
 * Member fields `MemberInfoFilter` of `get_group_member_info` can name: its mute field is
 * `ShutUpUntil` (https://cloud.tencent.com/document/product/269/1617), where
 * `get_specified_group_member_info` says `MuteUntil`.
 */
export type GroupMemberPageField = Exclude<GroupMemberInfoField, 'MuteUntil'> | 'ShutUpUntil';

/** One custom field (group or member). */
export interface AppDefinedDataItem {
  Key: string;
  Value: string;
}

/** An initial member in `create_group`. */
export interface CreateGroupMember {
  Member_Account: string;
  /** Only `Admin` (or `Member`, the default) can be given. */
  Role?: 'Admin' | 'Member';
  AppMemberDefinedData?: AppDefinedDataItem[];
}

/** `group_open_http_svc/create_group`. */
export interface CreateGroupRequest {
  Type: GroupType;
  /** <= 30 bytes. */
  Name: string;
  /** Owner (an imported account); without it the group has no owner. */
  Owner_Account?: string;
  /** A custom id; Community ids start `@TGS#_`, others must not start `@TGS#`. */
  GroupId?: string;
  Introduction?: string;
  Notification?: string;
  FaceUrl?: string;
  MaxMemberCount?: number;
  ApplyJoinOption?: ApplyJoinOption;
  /** <= 100 initial members; not allowed for AVChatRoom. */
  MemberList?: CreateGroupMember[];
  AppDefinedData?: AppDefinedDataItem[];
}

/** Response of `create_group`. */
export interface CreateGroupResponse extends RestResponseBase {
  GroupId: string;
}

/** `group_open_http_svc/add_group_member`. */
export interface AddGroupMemberRequest {
  GroupId: string;
  /** <= 300 members. */
  MemberList: { Member_Account: string }[];
  /** 1: no notification. */
  Silence?: 0 | 1;
}

/** Per-member result of `add_group_member`: 0 failed, 1 added, 2 already a member. */
export interface AddGroupMemberResult {
  Member_Account: string;
  Result: 0 | 1 | 2;
}

/** Response of `add_group_member`. */
export interface AddGroupMemberResponse extends RestResponseBase {
  MemberList: AddGroupMemberResult[];
}

/** `group_open_http_svc/delete_group_member`. */
export interface DeleteGroupMemberRequest {
  GroupId: string;
  /** <= 100 accounts; accounts that are not members are ignored. */
  MemberToDel_Account: string[];
  Silence?: 0 | 1;
  Reason?: string;
}

/** Response of `delete_group_member`. */
export type DeleteGroupMemberResponse = RestResponseBase;

/** `group_open_http_svc/modify_group_member_info`. */
export interface ModifyGroupMemberInfoRequest {
  GroupId: string;
  Member_Account: string;
  /** `Admin` or `Member`; the owner's role cannot change. */
  Role?: 'Admin' | 'Member';
  MsgFlag?: GroupMsgFlag;
  /** <= 50 bytes. */
  NameCard?: string;
  /** Member custom fields; an empty `Value` clears the field. */
  AppMemberDefinedData?: AppDefinedDataItem[];
  /** Mute for this many seconds from now; 0 unmutes. */
  MuteTime?: number;
}

/** Response of `modify_group_member_info`. */
export type ModifyGroupMemberInfoResponse = RestResponseBase;

/** `group_open_http_svc/destroy_group`. */
export interface DestroyGroupRequest {
  GroupId: string;
}

/** Response of `destroy_group`. */
export type DestroyGroupResponse = RestResponseBase;

/** Filters shared by the member queries; `F` is the query's field names. */
export interface GroupMemberFilters<F extends string = GroupMemberInfoField> {
  /** Fields to return (`Member_Account` always is). Absent: all but `OnlineStatus`. */
  MemberInfoFilter?: F[];
  /** Roles to return. Absent: all roles. */
  MemberRoleFilter?: GroupMemberRole[];
  /** Member custom keys to return. Absent: every key the app uses. */
  AppDefinedDataFilter_GroupMember?: string[];
}

/** `group_open_http_svc/get_specified_group_member_info`. */
export interface GetSpecifiedGroupMemberInfoRequest extends GroupMemberFilters {
  GroupId: string;
  /** 1..50 accounts; those that are not members are left out of the answer. */
  Member_List_Account: string[];
}

/** One member in a member query's answer; which fields appear follows `MemberInfoFilter`. */
export interface GroupMemberInfo {
  Member_Account: string;
  Role?: GroupMemberRole;
  JoinTime?: number;
  MsgSeq?: number;
  MsgFlag?: GroupMsgFlag;
  LastSendMsgTime?: number;
  /** 0: not muted; else the unix second the mute ends. */
  MuteUntil?: number;
  NameCard?: string;
  /** Only when asked for in `MemberInfoFilter`. */
  OnlineStatus?: 'Online' | 'Offline';
  /** Custom fields; keys never set have `Value: ""`. */
  AppMemberDefinedData: AppDefinedDataItem[];
}

/** Response of `get_specified_group_member_info`. */
export interface GetSpecifiedGroupMemberInfoResponse extends RestResponseBase {
  GroupId: string;
  MemberList: GroupMemberInfo[];
}

/**
 * `group_open_http_svc/get_group_member_info`: pages through all members
 * (https://cloud.tencent.com/document/product/269/1617). Community groups page with `Next` instead
 * of `Offset`.
 */
export interface GetGroupMemberInfoRequest extends GroupMemberFilters<GroupMemberPageField> {
  GroupId: string;
  /** Members per page, at most 200 (100 recommended); absent or 0: all (the rest, with `Next`). */
  Limit?: number;
  /** Members to skip, in join order. Not for Community groups. */
  Offset?: number;
  /** Community groups only, and required there: `""` first, then the answer's `Next`. */
  Next?: string;
}

/** One member in `get_group_member_info`'s answer: as {@link GroupMemberInfo}, the mute field named `ShutUpUntil`. */
export type GroupMemberPageInfo = Omit<GroupMemberInfo, 'MuteUntil'> & {
  /** 0: not muted; else the unix second the mute ends. */
  ShutUpUntil?: number;
};

/** Response of `get_group_member_info`. */
export interface GetGroupMemberInfoResponse extends RestResponseBase {
  /** Members in the group (before the role filter and paging). */
  MemberNum: number;
  MemberList: GroupMemberPageInfo[];
  /** Community groups only: the `Next` of the following call; `""` once every member was returned. */
  Next?: string;
}

// ---------------------------------------------------------------------------------------------
// openim

/** `openim/query_online_status`. */
export interface QueryOnlineStatusRequest {
  /** <= 500 accounts. */
  To_Account: string[];
  /** 1: add per-platform `Detail`. */
  IsNeedDetail?: 0 | 1;
  /** 1: add `CustomStatus`. */
  IsReturnCustomStatus?: 0 | 1;
}

/** Login state of an account: `Online`, `PushOnline` (offline push reachable) or `Offline`. */
export type OnlineStatus = 'Online' | 'PushOnline' | 'Offline';

/**
 * One account's status. The field is `Status`, as on the current page
 * (https://cloud.tencent.com/document/product/269/2566); `State` belonged to the retired
 * `openim/querystate`.
 */
export interface OnlineStatusResult {
  To_Account: string;
  Status: OnlineStatus;
  Detail?: { Platform: string; Status: OnlineStatus }[];
  CustomStatus?: string;
}

/** Response of `query_online_status`. */
export interface QueryOnlineStatusResponse extends RestResponseBase {
  QueryResult: OnlineStatusResult[];
  /** Accounts that do not exist (70107). */
  ErrorList?: { To_Account: string; ErrorCode: number }[];
}
