/**
 * `group_open_http_svc`: create and destroy groups, add, remove and modify members, and the two
 * member queries (`get_group_member_info`, `get_specified_group_member_info`). AVChatRoom groups
 * have no member list here: the member calls answer 10007 for them, as the service does.
 * @packageDocumentation
 */
import { randomInt } from 'crypto';
import { REST_APIS } from '../../rest/apis';
import { refuse } from '../../rest/errors';
import type {
  AddGroupMemberResult,
  AppDefinedDataItem,
  GroupMemberFilters,
  GroupMemberInfo,
  GroupMemberInfoField,
  GroupMemberPageInfo,
  GroupType,
} from '../../rest/types';
import { GroupCode, MEMBER_INFO_FIELDS } from '../../rest/validate/groups';
import { admitKeys, MAX_MEMBER_FIELDS, refusalText } from '../custom-fields';
import type { NewMember, StoredGroup, StoredMember } from '../group-store';
import type { RestEnv } from './env';
import { route, Route } from './env';
import { rememberJson } from './json';

/** Most members of each group type (MaxMemberCount may only lower it); 0: no member list. */
const TYPE_MAX_MEMBERS: Readonly<Record<GroupType, number>> = {
  Private: 200,
  Work: 200,
  Public: 2000,
  ChatRoom: 6000,
  Meeting: 6000,
  AVChatRoom: 0,
  Community: 100000,
};

/** The character after `@TGS#` in server-made ids, by type. */
const ID_TYPE_CHAR: Readonly<Record<GroupType, string>> = {
  Private: '1',
  Work: '1',
  Public: '2',
  ChatRoom: '3',
  Meeting: '3',
  AVChatRoom: 'a',
  Community: '_@TGS#c',
};

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Fields returned when `MemberInfoFilter` is absent: all but OnlineStatus (Member_Account is always there). */
const DEFAULT_FIELDS: ReadonlySet<GroupMemberInfoField> = new Set(
  MEMBER_INFO_FIELDS.filter((field) => field !== 'OnlineStatus' && field !== 'Member_Account'),
);

function newGroupId(env: RestEnv, type: GroupType): string {
  for (;;) {
    let id = `@TGS#${ID_TYPE_CHAR[type]}`;
    const length = type === 'Community' ? 10 : 8;
    for (let i = 0; i < length; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
    if (!env.groups.getGroup(id)) return id;
  }
}

/** The group, or 10010; 10007 for an AVChatRoom unless `allowAv`. */
function loadGroup(env: RestEnv, groupId: string, allowAv = false): StoredGroup {
  const g = env.groups.getGroup(groupId);
  if (!g) refuse(GroupCode.NoSuchGroup, `group ${groupId} does not exist`);
  if (g.type === 'AVChatRoom' && !allowAv) refuse(GroupCode.NoPermission, 'AVChatRoom groups do not support this call');
  return g;
}

function requireAccounts(env: RestEnv, accounts: Iterable<string>): void {
  for (const a of accounts) {
    if (!env.ctx.store.hasAccount(a)) refuse(GroupCode.NoSuchUser, `account ${a} does not exist; import it first`);
  }
}

/**
 * Refuses member custom keys the app has not registered in the console ("首先要在 控制台 (功能配置 ->
 * 群成员自定义字段) 配置用户自定义字段，然后再调用该接口进行设置", V2TIMSetGroupMemberInfo.customInfo in
 * Tencent's SDK reference) with 10004. The documents give no code for this; 10004 ("参数非法") is
 * the group service's parameter code. Lenient: returns the new keys to register (10004 past 5).
 */
function checkMemberKeys(env: RestEnv, items: readonly AppDefinedDataItem[]): string[] {
  const lenient = env.ctx.config.lenientCustomFields ?? false;
  const { refused, fresh } = admitKeys(env.groups.memberKeys(), items.map((i) => i.Key), lenient, MAX_MEMBER_FIELDS);
  if (refused) refuse(GroupCode.BadParameter, refusalText(refused, 'group member custom field', MAX_MEMBER_FIELDS));
  return fresh;
}

/**
 * Rendered entries (frozen, their JSON text remembered) of the group store's cached member
 * objects, by filter signature. The store replaces a member's object whenever the member or its
 * custom data changes, so an entry found here is current.
 */
const renderedMembers = new WeakMap<StoredMember, Map<string, GroupMemberInfo>>();

/** Filter signatures kept per member before its entries start over. */
const RENDERED_SIGNATURES = 8;

const NO_DATA: ReadonlyMap<string, Map<string, string>> = new Map();

/**
 * Renders members as the member queries answer them, applying the three filters. Fields are
 * added in name order, as the service lists them in its samples. With `cached` (the members are
 * the group store's cached objects), entries without live fields (`OnlineStatus`, a running mute)
 * are kept per member and filter, so a repeated query neither reads custom data nor serialises
 * the entry again.
 */
function renderMembers(env: RestEnv, groupId: string, members: StoredMember[], f: GroupMemberFilters, cached = false): GroupMemberInfo[] {
  const roles = f.MemberRoleFilter && new Set(f.MemberRoleFilter);
  const shown = roles ? members.filter((m) => roles.has(m.role)) : members;
  const fields = f.MemberInfoFilter ? new Set(f.MemberInfoFilter) : DEFAULT_FIELDS;
  const keys = f.AppDefinedDataFilter_GroupMember ?? env.groups.memberKeys();
  const now = env.now();
  const signature =
    cached && !fields.has('OnlineStatus') ? `${f.MemberInfoFilter ? f.MemberInfoFilter.join(',') : '*'}|${JSON.stringify(keys)}` : undefined;
  const out = new Array<GroupMemberInfo>(shown.length);
  const missing: number[] = [];
  for (let i = 0; i < shown.length; i++) {
    const hit = signature === undefined ? undefined : renderedMembers.get(shown[i])?.get(signature);
    if (hit) out[i] = hit;
    else missing.push(i);
  }
  if (missing.length === 0) return out;
  const data = keys.length > 0 ? env.groups.memberData(groupId, missing.map((i) => shown[i].account)) : NO_DATA;
  for (const i of missing) {
    const m = shown[i];
    const info = renderMember(env, m, fields, keys, data.get(m.account), now);
    out[i] = info;
    if (signature === undefined || (fields.has('MuteUntil') && m.muteUntil > now)) continue;
    let bySignature = renderedMembers.get(m);
    if (!bySignature) renderedMembers.set(m, (bySignature = new Map()));
    else if (bySignature.size >= RENDERED_SIGNATURES) bySignature.clear();
    bySignature.set(signature, rememberJson(info));
  }
  return out;
}

function renderMember(
  env: RestEnv,
  m: StoredMember,
  fields: ReadonlySet<GroupMemberInfoField>,
  keys: readonly string[],
  own: Map<string, string> | undefined,
  now: number,
): GroupMemberInfo {
  const info: GroupMemberInfo = {
    AppMemberDefinedData: keys.map((Key) => ({ Key, Value: own?.get(Key) ?? '' })),
  } as GroupMemberInfo;
  if (fields.has('JoinTime')) info.JoinTime = m.joinTime;
  if (fields.has('LastSendMsgTime')) info.LastSendMsgTime = m.lastSendMsgTime;
  info.Member_Account = m.account;
  if (fields.has('MsgFlag')) info.MsgFlag = m.msgFlag;
  if (fields.has('MsgSeq')) info.MsgSeq = m.msgSeq;
  if (fields.has('MuteUntil')) info.MuteUntil = m.muteUntil > now ? m.muteUntil : 0;
  if (fields.has('NameCard')) info.NameCard = m.nameCard;
  if (fields.has('OnlineStatus')) info.OnlineStatus = env.ctx.presence.isOnline(m.account) ? 'Online' : 'Offline';
  if (fields.has('Role')) info.Role = m.role;
  return info;
}

/**
 * Where a Community group's page starts. The page says "Community（社群）| 支持，使用 Next 字段分批获取"
 * (https://cloud.tencent.com/document/product/269/1617): `Offset` is not taken (10004), `Next` is
 * required, `""` the first time, then the previous answer's `Next`. The emulator's `Next` is the
 * position of the next member in join order, as a decimal string; anything else is 10004.
 */
function communityStart(offset: number | undefined, next: string | undefined): number {
  if (offset !== undefined) refuse(GroupCode.BadParameter, 'Community groups page with Next, not Offset');
  if (next === undefined) refuse(GroupCode.BadParameter, 'Next is required for a Community group: "" first, then the previous answer\'s Next');
  if (next === '') return 0;
  if (!/^[1-9][0-9]{0,8}$/.test(next)) refuse(GroupCode.BadParameter, `Next ${JSON.stringify(next)} is not one this query answered`);
  return Number(next);
}

/**
 * A member as `get_group_member_info` answers it: the mute field is `ShutUpUntil` there
 * (https://cloud.tencent.com/document/product/269/1617), `MuteUntil` in
 * `get_specified_group_member_info`. Added last, in name order after `Role`.
 */
function toPageInfo(info: GroupMemberInfo): GroupMemberPageInfo {
  const { MuteUntil, ...rest } = info;
  return MuteUntil === undefined ? rest : { ...rest, ShutUpUntil: MuteUntil };
}

/** The group routes. */
export const groupRoutes: Route[] = [
  route(REST_APIS.createGroup, (env, req) => {
    const typeMax = TYPE_MAX_MEMBERS[req.Type];
    if (req.MaxMemberCount !== undefined && typeMax > 0 && req.MaxMemberCount > typeMax) {
      refuse(GroupCode.BadParameter, `MaxMemberCount of a ${req.Type} group is at most ${typeMax}`);
    }
    if (req.GroupId !== undefined && env.groups.getGroup(req.GroupId)) {
      refuse(GroupCode.GroupIdInUse, `group id ${req.GroupId} is in use`);
    }
    const owner = req.Owner_Account ?? '';
    const initial = new Map((req.MemberList ?? []).filter((m) => m.Member_Account !== owner).map((m) => [m.Member_Account, m]));
    requireAccounts(env, owner ? [owner, ...initial.keys()] : initial.keys());
    const max = req.MaxMemberCount ?? typeMax;
    const av = req.Type === 'AVChatRoom';
    if (!av && initial.size + (owner ? 1 : 0) > max) refuse(GroupCode.GroupFull, `more than ${max} members`);
    const data = [...initial.values()].flatMap((m) => m.AppMemberDefinedData ?? []);
    const freshKeys = checkMemberKeys(env, data);
    const now = env.now();
    const group: StoredGroup = {
      groupId: req.GroupId ?? newGroupId(env, req.Type),
      type: req.Type,
      name: req.Name,
      ownerAccount: owner,
      introduction: req.Introduction ?? '',
      notification: req.Notification ?? '',
      faceUrl: req.FaceUrl ?? '',
      maxMemberCount: max,
      applyJoinOption: req.ApplyJoinOption ?? 'NeedPermission',
      createTime: now,
    };
    const members: NewMember[] = [
      ...(owner && !av ? [{ account: owner, role: 'Owner' as const, joinTime: now }] : []),
      ...[...initial.values()].map((m) => ({ account: m.Member_Account, role: m.Role ?? 'Member', joinTime: now })),
    ];
    env.groups.transaction(() => {
      env.groups.registerMemberKeys(freshKeys);
      env.groups.createGroup(group, req.AppDefinedData ?? [], members);
      for (const m of initial.values()) {
        if (m.AppMemberDefinedData) env.groups.setMemberData(group.groupId, m.Member_Account, m.AppMemberDefinedData);
      }
    });
    return { GroupId: group.groupId };
  }),

  route(REST_APIS.addGroupMember, (env, req) => {
    const g = loadGroup(env, req.GroupId);
    const accounts = [...new Set(req.MemberList.map((m) => m.Member_Account))];
    requireAccounts(env, accounts);
    const MemberList: AddGroupMemberResult[] = accounts.map((a) => ({
      Member_Account: a,
      Result: env.groups.getMember(g.groupId, a) ? 2 : 1,
    }));
    const added = MemberList.filter((r) => r.Result === 1).map((r) => r.Member_Account);
    if (env.groups.memberCount(g.groupId) + added.length > g.maxMemberCount) {
      refuse(GroupCode.GroupFull, `group ${g.groupId} would pass its ${g.maxMemberCount} members`);
    }
    const now = env.now();
    env.groups.addMembers(g.groupId, added.map((account) => ({ account, role: 'Member', joinTime: now })));
    return { MemberList };
  }),

  route(REST_APIS.deleteGroupMember, (env, req) => {
    const g = loadGroup(env, req.GroupId);
    if (g.ownerAccount && req.MemberToDel_Account.includes(g.ownerAccount)) {
      refuse(GroupCode.BadParameter, 'the owner cannot be removed from the group');
    }
    env.groups.removeMembers(g.groupId, req.MemberToDel_Account);
    return {};
  }),

  route(REST_APIS.modifyGroupMemberInfo, (env, req) => {
    const g = loadGroup(env, req.GroupId);
    const m = env.groups.getMember(g.groupId, req.Member_Account);
    if (!m) refuse(GroupCode.NoPermission, `${req.Member_Account} is not a member of ${g.groupId}`);
    if (req.Role !== undefined && m.role === 'Owner') refuse(GroupCode.BadParameter, "the owner's role cannot change");
    const freshKeys = req.AppMemberDefinedData ? checkMemberKeys(env, req.AppMemberDefinedData) : [];
    const muteUntil = req.MuteTime === undefined ? undefined : req.MuteTime === 0 ? 0 : env.now() + req.MuteTime;
    env.groups.transaction(() => {
      env.groups.registerMemberKeys(freshKeys);
      env.groups.updateMember(g.groupId, m.account, {
        ...(req.Role !== undefined ? { role: req.Role } : {}),
        ...(req.MsgFlag !== undefined ? { msgFlag: req.MsgFlag } : {}),
        ...(req.NameCard !== undefined ? { nameCard: req.NameCard } : {}),
        ...(muteUntil !== undefined ? { muteUntil } : {}),
      });
      if (req.AppMemberDefinedData) env.groups.setMemberData(g.groupId, m.account, req.AppMemberDefinedData);
    });
    return {};
  }),

  route(REST_APIS.destroyGroup, (env, req) => {
    loadGroup(env, req.GroupId, true);
    env.groups.destroyGroup(req.GroupId);
    return {};
  }),

  route(REST_APIS.getGroupMemberInfo, (env, req) => {
    const g = loadGroup(env, req.GroupId);
    const community = g.type === 'Community';
    const start = community ? communityStart(req.Offset, req.Next) : req.Offset ?? 0;
    const all = env.groups.listMembers(g.groupId, 0);
    const roles = req.MemberRoleFilter && new Set(req.MemberRoleFilter);
    const matching = roles ? all.filter((m) => roles.has(m.role)) : all;
    const end = req.Limit ? start + req.Limit : matching.length;
    const filters: GroupMemberFilters = {
      ...(req.MemberInfoFilter ? { MemberInfoFilter: req.MemberInfoFilter.map((f) => (f === 'ShutUpUntil' ? 'MuteUntil' : f)) } : {}),
      ...(req.AppDefinedDataFilter_GroupMember ? { AppDefinedDataFilter_GroupMember: req.AppDefinedDataFilter_GroupMember } : {}),
    };
    const MemberList = renderMembers(env, g.groupId, matching.slice(start, end), filters).map(toPageInfo);
    return {
      MemberNum: all.length,
      MemberList,
      ...(community ? { Next: end < matching.length ? String(end) : '' } : {}),
    };
  }),

  route(REST_APIS.getSpecifiedGroupMemberInfo, (env, req) => {
    const g = loadGroup(env, req.GroupId);
    const members = env.groups.getMembers(g.groupId, req.Member_List_Account);
    return { GroupId: g.groupId, MemberList: renderMembers(env, g.groupId, members, req, true) };
  }),
];
