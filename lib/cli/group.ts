/**
 * `tim-native group create`, `group add` and `group members`: the app admin's group calls over the
 * REST API (an emulator by default, or a real region).
 * @packageDocumentation
 */
import { DEFAULT_EMULATOR_PORT, DEV_SECRET_KEY } from '../emulator';
import {
  CommonCode,
  isRestRegion,
  NETWORK_ERROR_CODE,
  REST_REGION_DOMAINS,
  RestClient,
  RestError,
  type GroupMemberInfo,
  type GroupMemberInfoField,
  type GroupMemberRole,
  type GroupType,
} from '../rest';
import { int, list, positionals, str, UsageError, type OptionSpecs, type Values } from './args';
import type { Command } from './command';
import { renderTable } from './format';
import { HintedError } from './output';
import { sdkAppIdOption } from './session';

const ADMIN_OPTIONS: OptionSpecs = {
  url: { type: 'string' },
  region: { type: 'string' },
  sdkappid: { type: 'string' },
  secret: { type: 'string' },
  admin: { type: 'string' },
  timeout: { type: 'string' },
};

const ADMIN_HELP: readonly [string, string] = [
  'Connection (as the app admin, REST API)',
  `  --url URL              the REST base URL, e.g. an emulator's http://127.0.0.1:${DEFAULT_EMULATOR_PORT}
                         (default: http://$TIM_EMULATOR_HOST, else http://127.0.0.1:${DEFAULT_EMULATOR_PORT})
  --region R             call Tencent's service instead: ${Object.keys(REST_REGION_DOMAINS).join(', ')}
  --sdkappid N           the app's SDKAppID (env TIM_SDKAPPID, default 1400000000)
  --secret KEY           the app's secret key (env TIM_SECRET_KEY; required with --region; for an
                         emulator the default is its public development key)
  --admin ID             the app admin to call as (default administrator)
  --timeout SECONDS      give up on a call after this long (default 10)`,
];

/** A RestClient from the admin options. */
function restClient(values: Values, command: string): RestClient {
  const url = str(values, 'url');
  const region = str(values, 'region');
  if (url !== undefined && region !== undefined) throw new UsageError('give --url or --region, not both', command);
  if (region !== undefined && !isRestRegion(region)) {
    throw new UsageError(`unknown --region "${region}": one of ${Object.keys(REST_REGION_DOMAINS).join(', ')}`, command);
  }
  if (url !== undefined && !/^https?:\/\/[^/?#\s]+\/*$/.test(url)) throw new UsageError(`--url must be http(s)://host[:port], got "${url}"`, command);
  const secret = str(values, 'secret') ?? process.env.TIM_SECRET_KEY;
  if (secret === undefined && region !== undefined) throw new UsageError('--secret KEY (or TIM_SECRET_KEY) is required with --region', command);
  const admin = str(values, 'admin');
  const baseUrl = region === undefined ? (url ?? `http://${process.env.TIM_EMULATOR_HOST ?? `127.0.0.1:${DEFAULT_EMULATOR_PORT}`}`) : undefined;
  return new RestClient({
    sdkAppId: sdkAppIdOption(values, command),
    secretKey: secret ?? DEV_SECRET_KEY,
    ...(admin !== undefined ? { identifier: admin } : {}),
    ...(region !== undefined && isRestRegion(region) ? { region } : {}),
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    timeoutMs: int(values, 'timeout', 10, 1, 3600, command) * 1000,
    maxRetries: 1,
  });
}

/** Runs `body` with a client, adding a hint to the errors a newcomer is most likely to meet. */
async function asAdmin(values: Values, command: string, body: (rest: RestClient) => Promise<void>): Promise<number> {
  const rest = restClient(values, command);
  try {
    await body(rest);
    return 0;
  } catch (err) {
    if (err instanceof RestError && err.code === NETWORK_ERROR_CODE) {
      throw new HintedError(err, `is an emulator running at ${rest.baseUrl}? Start one with \`tim-native emulator\`, or pass --url`);
    }
    if (err instanceof RestError && err.code === CommonCode.AdminRequired) {
      const how = "the emulator's admins are set with `tim-native emulator --admin ID`";
      throw new HintedError(err, `"${rest.identifier}" is not an admin of this app: pass --admin (${how})`);
    }
    throw err;
  } finally {
    rest.close();
  }
}

const GROUP_TYPES: readonly GroupType[] = ['Private', 'Work', 'Public', 'ChatRoom', 'Meeting', 'AVChatRoom', 'Community'];

export const groupCreate: Command = {
  name: 'group create',
  summary: 'create a group (REST create_group)',
  usage: 'group create --name NAME [--type TYPE] [--id GROUP_ID] [--owner ID] [--member ID ...] [options]',
  description: 'Creates a group as the app admin (group_open_http_svc/create_group) and prints its id.',
  options: {
    ...ADMIN_OPTIONS,
    name: { type: 'string' },
    type: { type: 'string' },
    id: { type: 'string' },
    owner: { type: 'string' },
    member: { type: 'string', multiple: true },
  },
  optionHelp: [
    [
      'Group',
      `  --name NAME            the group's name (<= 30 bytes), required
  --type TYPE            ${GROUP_TYPES.join(', ')} (default Public)
  --id GROUP_ID          a custom group id (default: the server makes one, @TGS#...)
  --owner ID             the owner (an existing account); default: no owner
  --member ID            an initial member, repeatable or comma-separated`,
    ],
    ADMIN_HELP,
  ],
  examples: ['tim-native group create --name "Team chat" --member alice,bob', 'tim-native group create --name Ops --type Work --owner alice --json'],
  run(ctx) {
    positionals(ctx.args, 0, 0, '', this.name);
    const name = str(ctx.values, 'name');
    if (name === undefined) throw new UsageError('missing --name NAME', this.name);
    const type = str(ctx.values, 'type') ?? 'Public';
    const groupType = GROUP_TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
    if (groupType === undefined) throw new UsageError(`--type must be one of ${GROUP_TYPES.join(', ')}, got "${type}"`, this.name);
    const id = str(ctx.values, 'id');
    const owner = str(ctx.values, 'owner');
    const members = list(ctx.values, 'member');
    return asAdmin(ctx.values, this.name, async (rest) => {
      const res = await rest.createGroup({
        Type: groupType,
        Name: name,
        ...(id !== undefined ? { GroupId: id } : {}),
        ...(owner !== undefined ? { Owner_Account: owner } : {}),
        ...(members !== undefined ? { MemberList: members.map((m) => ({ Member_Account: m })) } : {}),
      });
      ctx.out.result(res, () => `created group ${res.GroupId} (${groupType}, ${JSON.stringify(name)})`);
    });
  },
};

const ADD_RESULTS = ['failed', 'added', 'already a member'];

export const groupAdd: Command = {
  name: 'group add',
  summary: 'add members to a group (REST add_group_member)',
  usage: 'group add <groupId> <account...> [--silence] [options]',
  description: 'Adds accounts to a group as the app admin (group_open_http_svc/add_group_member, at most 300).',
  options: { ...ADMIN_OPTIONS, silence: { type: 'boolean' } },
  optionHelp: [['Group', '  --silence              do not notify the group'], ADMIN_HELP],
  examples: ['tim-native group add @TGS#2C0FVY0CJ alice bob'],
  run(ctx) {
    const [groupId = '', ...accounts] = positionals(ctx.args, 2, 301, 'the group id and the accounts to add', this.name);
    return asAdmin(ctx.values, this.name, async (rest) => {
      const res = await rest.addGroupMember({
        GroupId: groupId,
        MemberList: accounts.map((a) => ({ Member_Account: a })),
        ...(ctx.values.silence ? { Silence: 1 as const } : {}),
      });
      ctx.out.table(res, ['ACCOUNT', 'RESULT'], res.MemberList.map((m) => [m.Member_Account, ADD_RESULTS[m.Result] ?? String(m.Result)]));
    });
  },
};

/** Columns of the members table, in this order when present. */
const MEMBER_COLUMNS: ReadonlyArray<keyof GroupMemberInfo> = [
  'Role',
  'NameCard',
  'OnlineStatus',
  'JoinTime',
  'MsgFlag',
  'MsgSeq',
  'LastSendMsgTime',
  'MuteUntil',
];

function memberTable(members: GroupMemberInfo[]): string {
  const columns = MEMBER_COLUMNS.filter((c) => members.some((m) => m[c] !== undefined));
  const withData = members.some((m) => (m.AppMemberDefinedData ?? []).length > 0);
  const headers = ['Member_Account', ...columns, ...(withData ? ['AppMemberDefinedData'] : [])];
  const rows = members.map((m) => [
    m.Member_Account,
    ...columns.map((c) => (m[c] === undefined ? '' : String(m[c]))),
    ...(withData ? [(m.AppMemberDefinedData ?? []).map((d) => `${d.Key}=${d.Value}`).join(', ')] : []),
  ]);
  return rows.length === 0 ? '(no such members)' : renderTable(headers, rows);
}

const ALL_FIELDS: GroupMemberInfoField[] = ['Role', 'JoinTime', 'MsgSeq', 'MsgFlag', 'LastSendMsgTime', 'MuteUntil', 'NameCard', 'OnlineStatus'];

export const groupMembers: Command = {
  name: 'group members',
  summary: "named members' info with live OnlineStatus (REST get_specified_group_member_info)",
  usage: 'group members <groupId> <account...> [--fields F,...] [--roles R,...] [--custom KEY,...] [options]',
  description:
    'Reads the given members of a group as the app admin (group_open_http_svc/get_specified_group_member_info,\n' +
    'at most 50 accounts; accounts that are not members are left out). Without --fields: every field,\n' +
    'OnlineStatus included.',
  options: {
    ...ADMIN_OPTIONS,
    fields: { type: 'string', multiple: true },
    roles: { type: 'string', multiple: true },
    custom: { type: 'string', multiple: true },
  },
  optionHelp: [
    [
      'Filters',
      `  --fields F,...         MemberInfoFilter: Role, JoinTime, MsgSeq, MsgFlag, LastSendMsgTime,
                         MuteUntil, NameCard, OnlineStatus (Member_Account is always included)
  --roles R,...          MemberRoleFilter: Owner, Admin, Member
  --custom KEY,...       AppDefinedDataFilter_GroupMember: member custom fields to return`,
    ],
    ADMIN_HELP,
  ],
  examples: [
    'tim-native group members @TGS#2C0FVY0CJ alice bob',
    'tim-native group members @TGS#2C0FVY0CJ alice bob --fields Role,NameCard,OnlineStatus --roles Admin,Member --json',
  ],
  run(ctx) {
    const [groupId = '', ...accounts] = positionals(ctx.args, 2, 1000, 'the group id and the accounts to read', this.name);
    const fields = list(ctx.values, 'fields');
    const roles = list(ctx.values, 'roles');
    const custom = list(ctx.values, 'custom');
    const filters = {
      // The seed's default leaves OnlineStatus out; a human asking with no filter wants to see it.
      MemberInfoFilter: (fields ?? ALL_FIELDS) as GroupMemberInfoField[],
      ...(roles !== undefined ? { MemberRoleFilter: roles as GroupMemberRole[] } : {}),
      ...(custom !== undefined ? { AppDefinedDataFilter_GroupMember: custom } : {}),
    };
    return asAdmin(ctx.values, this.name, async (rest) => {
      const res = await rest.getSpecifiedGroupMemberInfo({ GroupId: groupId, Member_List_Account: accounts, ...filters });
      ctx.out.result(res, () => memberTable(res.MemberList));
    });
  },
};
