/**
 * get_specified_group_member_info, exactly as seed 004 specifies it: every sample request of the
 * seed and every row of its error table, through RestClient and through raw HTTP, against the
 * real REST handler on 127.0.0.1. Every refused call leaves the database as it was.
 */
import type { RequestListener } from 'http';
import {
  GroupCode,
  RestError,
  type GetSpecifiedGroupMemberInfoRequest,
  type GetSpecifiedGroupMemberInfoResponse,
  type RestClient,
} from '../lib/rest';
import { expectFail, startHarness, type Harness } from './helpers/rest-harness';

const CMD = 'group_open_http_svc/get_specified_group_member_info';
const ALL_KEYS = ['AppMemberDefinedData', 'JoinTime', 'LastSendMsgTime', 'Member_Account', 'MsgFlag', 'MsgSeq', 'MuteUntil', 'NameCard', 'Role'];

let h: Harness;
let rest: RestClient;
let hits = 0;
let onRequest: (() => void) | undefined;
let groupId: string;
let avGroupId: string;

const counting = (handler: RequestListener): RequestListener => (req, res) => {
  hits++;
  onRequest?.();
  handler(req, res);
};

beforeAll(async () => {
  h = await startHarness({ wrap: counting, customFields: { groupMember: ['group_member_p', 'group_member_p2'] } });
  rest = h.client({ maxRetries: 0 });
  await rest.multiAccountImport({ Accounts: ['bob', 'peter', 'John', 'outsider'] });
  ({ GroupId: groupId } = await rest.createGroup({
    Type: 'Public',
    Name: 'seed group',
    Owner_Account: 'John',
    MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'peter' }],
  }));
  const data = (who: string) => [
    { Key: 'group_member_p', Value: `${who} value` },
    { Key: 'group_member_p2', Value: `${who} value2` },
  ];
  await rest.modifyGroupMemberInfo({ GroupId: groupId, Member_Account: 'bob', NameCard: 'bob', MuteTime: 3600, AppMemberDefinedData: data('bob') });
  await rest.modifyGroupMemberInfo({ GroupId: groupId, Member_Account: 'peter', NameCard: 'Peter', AppMemberDefinedData: data('peter') });
  ({ GroupId: avGroupId } = await rest.createGroup({ Type: 'AVChatRoom', Name: 'live', Owner_Account: 'John' }));
});

afterAll(() => h.close());

/** Sends through the client and raw HTTP; both must succeed with the same body. */
async function both(req: GetSpecifiedGroupMemberInfoRequest): Promise<GetSpecifiedGroupMemberInfoResponse> {
  const viaClient = await rest.getSpecifiedGroupMemberInfo(req);
  const viaRaw = await h.raw(CMD, JSON.stringify(req));
  expect(viaRaw.status).toBe(200);
  expect(viaRaw.body).toEqual(viaClient);
  expect(viaClient).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', GroupId: req.GroupId });
  return viaClient;
}

/** Both ways refuse with `code`, the client without sending, and nothing stored changes. */
async function refusedBoth(body: unknown, code: number, clientSends = false): Promise<void> {
  const before = h.snapshot();
  const sent = hits;
  const err = await rest.getSpecifiedGroupMemberInfo(body as GetSpecifiedGroupMemberInfoRequest).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RestError);
  expect(err).toMatchObject({ code, service: 'group_open_http_svc', command: 'get_specified_group_member_info' });
  expect(hits - sent).toBe(clientSends ? 1 : 0);
  expectFail(await h.raw(CMD, JSON.stringify(body)), code);
  expect(h.snapshot()).toBe(before);
}

const member = (r: GetSpecifiedGroupMemberInfoResponse, id: string) => r.MemberList.find((m) => m.Member_Account === id);

describe('sample requests of the seed', () => {
  test('basic: all standard fields, custom fields, no OnlineStatus', async () => {
    const r = await both({ GroupId: groupId, Member_List_Account: ['bob', 'peter'] });
    expect(r.MemberList.map((m) => m.Member_Account)).toEqual(['bob', 'peter']);
    for (const m of r.MemberList) expect(Object.keys(m)).toEqual(ALL_KEYS);
    const bob = member(r, 'bob')!;
    expect(bob).toMatchObject({ Role: 'Member', MsgFlag: 'AcceptAndNotify', NameCard: 'bob', LastSendMsgTime: 0, MsgSeq: 0 });
    expect(bob.AppMemberDefinedData).toEqual([
      { Key: 'group_member_p', Value: 'bob value' },
      { Key: 'group_member_p2', Value: 'bob value2' },
    ]);
    const now = Math.floor(Date.now() / 1000);
    expect(bob.MuteUntil).toBeGreaterThan(now + 3500);
    expect(bob.JoinTime).toBeLessThanOrEqual(now);
    expect(member(r, 'peter')).toMatchObject({ MuteUntil: 0, NameCard: 'Peter' });
  });

  test('MemberInfoFilter: only the named fields, OnlineStatus when asked', async () => {
    const r = await both({
      GroupId: groupId,
      Member_List_Account: ['bob', 'peter'],
      MemberInfoFilter: ['Role', 'JoinTime', 'MsgSeq', 'MsgFlag', 'LastSendMsgTime', 'MuteUntil', 'NameCard', 'OnlineStatus'],
    });
    for (const m of r.MemberList) {
      expect(Object.keys(m)).toEqual([...ALL_KEYS.slice(0, 8), 'OnlineStatus', 'Role']);
      expect(m.OnlineStatus).toBe('Offline');
    }
  });

  test('MemberInfoFilter always includes Member_Account', async () => {
    const r = await both({ GroupId: groupId, Member_List_Account: ['bob'], MemberInfoFilter: ['NameCard'] });
    expect(r.MemberList).toEqual([
      {
        AppMemberDefinedData: [
          { Key: 'group_member_p', Value: 'bob value' },
          { Key: 'group_member_p2', Value: 'bob value2' },
        ],
        Member_Account: 'bob',
        NameCard: 'bob',
      },
    ]);
  });

  test('MemberRoleFilter: members of the named roles; keys never set come back ""', async () => {
    const r = await both({ GroupId: groupId, Member_List_Account: ['bob', 'peter', 'John'], MemberRoleFilter: ['Owner', 'Member'] });
    expect(r.MemberList.map((m) => m.Member_Account).sort()).toEqual(['John', 'bob', 'peter']);
    expect(member(r, 'John')).toMatchObject({
      Role: 'Owner',
      NameCard: '',
      AppMemberDefinedData: [
        { Key: 'group_member_p', Value: '' },
        { Key: 'group_member_p2', Value: '' },
      ],
    });
    const owners = await both({ GroupId: groupId, Member_List_Account: ['bob', 'peter', 'John'], MemberRoleFilter: ['Owner'] });
    expect(owners.MemberList.map((m) => m.Member_Account)).toEqual(['John']);
    const admins = await both({ GroupId: groupId, Member_List_Account: ['bob', 'peter', 'John'], MemberRoleFilter: ['Admin'] });
    expect(admins.MemberList).toEqual([]);
  });

  test('AppDefinedDataFilter_GroupMember: only the named custom fields', async () => {
    const r = await both({ GroupId: groupId, Member_List_Account: ['bob', 'peter'], AppDefinedDataFilter_GroupMember: ['group_member_p'] });
    expect(member(r, 'bob')!.AppMemberDefinedData).toEqual([{ Key: 'group_member_p', Value: 'bob value' }]);
    expect(member(r, 'peter')!.AppMemberDefinedData).toEqual([{ Key: 'group_member_p', Value: 'peter value' }]);
    for (const m of r.MemberList) expect(Object.keys(m)).toEqual(ALL_KEYS);
    const unset = await both({ GroupId: groupId, Member_List_Account: ['bob'], AppDefinedDataFilter_GroupMember: ['never_set'] });
    expect(unset.MemberList[0]!.AppMemberDefinedData).toEqual([{ Key: 'never_set', Value: '' }]);
  });

  test('all in one', async () => {
    const r = await both({
      GroupId: groupId,
      Member_List_Account: ['bob', 'peter'],
      MemberInfoFilter: ['Role', 'JoinTime', 'MsgSeq', 'MsgFlag', 'LastSendMsgTime', 'MuteUntil', 'NameCard'],
      MemberRoleFilter: ['Owner', 'Member'],
      AppDefinedDataFilter_GroupMember: ['group_member_p', 'group_member_p2'],
    });
    expect(r.MemberList).toHaveLength(2);
    for (const m of r.MemberList) {
      expect(Object.keys(m)).toEqual(ALL_KEYS);
      expect(m.AppMemberDefinedData.map((d) => d.Key)).toEqual(['group_member_p', 'group_member_p2']);
    }
  });

  test('accounts that are not members (or do not exist) are left out', async () => {
    const r = await both({ GroupId: groupId, Member_List_Account: ['outsider', 'bob', 'ghost', 'bob'] });
    expect(r.MemberList.map((m) => m.Member_Account)).toEqual(['bob']);
  });

  test('exactly 50 accounts is allowed', async () => {
    const accounts = ['bob', ...Array.from({ length: 49 }, (_, i) => `nobody${i}`)];
    const r = await both({ GroupId: groupId, Member_List_Account: accounts });
    expect(r.MemberList.map((m) => m.Member_Account)).toEqual(['bob']);
  });

  test('every group type but AVChatRoom is supported', async () => {
    for (const Type of ['Private', 'Work', 'Public', 'ChatRoom', 'Meeting', 'Community'] as const) {
      const { GroupId } = await rest.createGroup({ Type, Name: Type, Owner_Account: 'John', MemberList: [{ Member_Account: 'bob' }] });
      if (Type === 'Community') expect(GroupId).toMatch(/^@TGS#_/);
      else expect(GroupId).toMatch(/^@TGS#[A-Za-z0-9]+$/);
      const r = await both({ GroupId, Member_List_Account: ['bob', 'John'] });
      expect(r.MemberList.map((m) => [m.Member_Account, m.Role])).toEqual([
        ['bob', 'Member'],
        ['John', 'Owner'],
      ]);
    }
  });
});

describe('error table of the seed', () => {
  test('10002 internal error: reported, and retried by the client', async () => {
    // A fresh group: nothing of it is cached yet, so the lookups reach the (broken) table.
    const { GroupId: fresh } = await rest.createGroup({ Type: 'Public', Name: 'faulty', Owner_Account: 'John', MemberList: [{ Member_Account: 'bob' }] });
    h.ctx.db.exec('ALTER TABLE tim_group_members RENAME TO tim_group_members_away');
    const restore = () => h.ctx.db.exec('ALTER TABLE tim_group_members_away RENAME TO tim_group_members');
    try {
      await refusedBoth({ GroupId: fresh, Member_List_Account: ['bob'] }, GroupCode.Internal, true);
      const retrying = h.client({ maxRetries: 3, retryDelayMs: 20 });
      const before = hits;
      onRequest = () => {
        if (hits === before + 2) restore();
      };
      const r = await retrying.getSpecifiedGroupMemberInfo({ GroupId: fresh, Member_List_Account: ['bob'] });
      expect(r.MemberList.map((m) => m.Member_Account)).toEqual(['bob']);
      expect(hits - before).toBe(2);
    } finally {
      onRequest = undefined;
      if (h.ctx.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'tim_group_members_away'").get()) restore();
    }
  });

  test('10003 invalid command word', async () => {
    const before = h.snapshot();
    expectFail(await h.raw('group_open_http_svc/get_specified_group_member_infos', '{}'), GroupCode.BadCommand);
    await expect(rest.call('group_open_http_svc', 'get_specified_group_member_infos', {})).rejects.toMatchObject({ code: 10003 });
    expect(h.snapshot()).toBe(before);
  });

  test.each([
    ['GroupId missing', { Member_List_Account: ['bob'] }],
    ['GroupId not a string', { GroupId: 42, Member_List_Account: ['bob'] }],
    ['Member_List_Account missing', { GroupId: '@TGS#2KIFZCIPQ' }],
    ['Member_List_Account not an array', { GroupId: '@TGS#2KIFZCIPQ', Member_List_Account: 'bob' }],
    ['Member_List_Account empty', { GroupId: '@TGS#2KIFZCIPQ', Member_List_Account: [] }],
    ['MemberInfoFilter not an array', { GroupId: '@TGS#2KIFZCIPQ', Member_List_Account: ['bob'], MemberInfoFilter: 'Role' }],
    ['MemberInfoFilter unknown field', { GroupId: '@TGS#2KIFZCIPQ', Member_List_Account: ['bob'], MemberInfoFilter: ['Nick'] }],
    ['MemberRoleFilter unknown role', { GroupId: '@TGS#2KIFZCIPQ', Member_List_Account: ['bob'], MemberRoleFilter: ['Boss'] }],
    ['MemberRoleFilter not strings', { GroupId: '@TGS#2KIFZCIPQ', Member_List_Account: ['bob'], MemberRoleFilter: [1] }],
    ['custom key invalid', { GroupId: '@TGS#2KIFZCIPQ', Member_List_Account: ['bob'], AppDefinedDataFilter_GroupMember: ['9lives'] }],
    ['custom key too long', { GroupId: '@TGS#2KIFZCIPQ', Member_List_Account: ['bob'], AppDefinedDataFilter_GroupMember: ['k'.repeat(17)] }],
  ])('10004 invalid parameter: %s', async (_name, body) => {
    await refusedBoth(body, GroupCode.BadParameter);
  });

  test('10005 more than 50 accounts', async () => {
    const accounts = Array.from({ length: 51 }, (_, i) => `user${i}`);
    await refusedBoth({ GroupId: groupId, Member_List_Account: accounts }, GroupCode.TooManyAccounts);
  });

  test('10007 AVChatRoom is not supported', async () => {
    await refusedBoth({ GroupId: avGroupId, Member_List_Account: ['John'] }, GroupCode.NoPermission, true);
  });

  test('10010 group does not exist or was destroyed', async () => {
    await refusedBoth({ GroupId: 'no_such_group', Member_List_Account: ['bob'] }, GroupCode.NoSuchGroup, true);
    await refusedBoth({ GroupId: '@TGS#2AAAAAAAA', Member_List_Account: ['bob'] }, GroupCode.NoSuchGroup, true);
    const { GroupId } = await rest.createGroup({ Type: 'Public', Name: 'short-lived', Owner_Account: 'bob' });
    await rest.destroyGroup({ GroupId });
    await refusedBoth({ GroupId, Member_List_Account: ['bob'] }, GroupCode.NoSuchGroup, true);
  });

  test.each([
    ['empty', ''],
    ['longer than 48 bytes', 'g'.repeat(49)],
    ['not ASCII', 'grüppe'],
    ['control character', 'a\nb'],
    ['malformed @TGS# id', '@TGS#!!'],
    ['bare @TGS#', '@TGS#'],
  ])('10015 invalid group id: %s', async (_name, id) => {
    await refusedBoth({ GroupId: id, Member_List_Account: ['bob'] }, GroupCode.BadGroupId);
  });

  test('60015 an account that is not a string', async () => {
    await refusedBoth({ GroupId: groupId, Member_List_Account: ['bob', 7] }, 60015);
  });
});
