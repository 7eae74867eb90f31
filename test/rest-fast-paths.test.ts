/**
 * The REST handler's fast paths answer exactly as the plain ones would: the request target read
 * without `new URL()` when it needs no decoding, answers serialised from remembered member
 * entries, and the group store's caches (groups, member keys, members with their custom data),
 * which every change must make current again.
 */
import { CommonCode, GroupCode, type GetSpecifiedGroupMemberInfoResponse, type RestClient } from '../lib/rest';
import { openDatabase } from '../lib/emulator/db';
import { GroupStore } from '../lib/emulator/group-store';
import { rememberJson, stringifyBody } from '../lib/emulator/rest-server/json';
import { expectFail, rawRequest, startHarness, type Harness } from './helpers/rest-harness';

const CMD = 'group_open_http_svc/get_specified_group_member_info';

let h: Harness;
let rest: RestClient;
let port: number;

beforeAll(async () => {
  h = await startHarness({ customFields: { groupMember: ['cached_k1'] } });
  rest = h.client({ maxRetries: 0 });
  port = Number(new URL(h.baseUrl).port);
  await rest.multiAccountImport({ Accounts: ['owner', 'ann', 'ben', 'cat'] });
});

afterAll(() => h.close());

describe('stringifyBody', () => {
  test('writes what JSON.stringify writes, remembered entries included', () => {
    const remembered = rememberJson({ b: 1, a: 'x"\u2028', AppMemberDefinedData: [{ Key: 'k', Value: 'v' }] });
    const bodies: Record<string, unknown>[] = [
      {},
      { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' },
      { skipped: undefined, fn: () => 1, list: [1, 'two', null, undefined, () => 3, { n: 1 }], empty: [] },
      { MemberList: [remembered, { plain: true }, remembered], when: new Date(0), nested: { list: [remembered] } },
      { 'quoted "key"': '\n', big: [[1, 2], [3]], obj: { toJSON: () => 'custom' } },
    ];
    for (const body of bodies) expect(stringifyBody(body)).toBe(JSON.stringify(body));
  });

  test('remembered entries are frozen', () => {
    expect(Object.isFrozen(rememberJson({ a: 1 }))).toBe(true);
  });
});

describe('request targets', () => {
  const target = (path: string, query: string) => rawRequest(port, `/v4/${path}?${query}`, '{"Accounts":["ann"]}');
  const IMPORT = 'im_open_login_svc/multiaccount_import';
  const parts = () => h.query().split('&');

  test('percent-encoded and "+" query values are decoded as URLSearchParams does', async () => {
    const q = h.query({ sdkappid: undefined, random: undefined });
    expect((await target(IMPORT, `${q}&sdkappid=%31400012345&random=%31%32`)).body).toMatchObject({ ActionStatus: 'OK' });
    expectFail(await target(IMPORT, `${q}&sdkappid=1400012345&random=1+2`), CommonCode.BadUrl);
  });

  test('the first of repeated parameters counts; empty pairs are ignored', async () => {
    const q = h.query({ random: undefined });
    expect((await target(IMPORT, `&&${q}&&random=7&random=x`)).body).toMatchObject({ ActionStatus: 'OK' });
    expectFail(await target(IMPORT, `${q}&random=x&random=7`), CommonCode.BadUrl);
    expectFail(await target(IMPORT, `${q}&random`), CommonCode.BadUrl);
  });

  test('paths are normalised as URLs are', async () => {
    expect((await rawRequest(port, `/v4/im_open_login_svc/./multiaccount_import?${h.query()}`, '{"Accounts":["ann"]}')).body).toMatchObject({
      ActionStatus: 'OK',
    });
    expectFail(await rawRequest(port, `/v4/im_open_login_svc/x/../../multiaccount_import?${h.query()}`, '{}'), CommonCode.BadUrl);
  });

  test('a fragment is not part of the query', async () => {
    const [first, ...rest] = parts();
    expectFail(await target(IMPORT, `${rest.join('&')}#${first}`), CommonCode.AppIdMissing);
  });
});

describe('cached member answers stay current', () => {
  let groupId: string;
  const query = (accounts = ['owner', 'ann', 'ben']) => rest.getSpecifiedGroupMemberInfo({ GroupId: groupId, Member_List_Account: accounts });
  const of = (r: GetSpecifiedGroupMemberInfoResponse, id: string) => r.MemberList.find((m) => m.Member_Account === id);

  beforeAll(async () => {
    ({ GroupId: groupId } = await rest.createGroup({
      Type: 'Public',
      Name: 'cached',
      GroupId: 'cached_group',
      Owner_Account: 'owner',
      MemberList: [{ Member_Account: 'ann' }, { Member_Account: 'ben' }],
    }));
  });

  test('a repeated query answers the same, raw and through the client', async () => {
    const first = await query();
    expect(await query()).toEqual(first);
    const raw = await h.raw(CMD, JSON.stringify({ GroupId: groupId, Member_List_Account: ['owner', 'ann', 'ben'] }));
    expect(raw.body).toEqual(first);
  });

  test('member changes, custom data and new custom keys show at once', async () => {
    await query();
    await rest.modifyGroupMemberInfo({ GroupId: groupId, Member_Account: 'ann', NameCard: 'Ann', Role: 'Admin' });
    expect(of(await query(), 'ann')).toMatchObject({ NameCard: 'Ann', Role: 'Admin' });
    await rest.modifyGroupMemberInfo({ GroupId: groupId, Member_Account: 'ann', AppMemberDefinedData: [{ Key: 'cached_k1', Value: 'v1' }] });
    let r = await query();
    expect(of(r, 'ann')?.AppMemberDefinedData).toContainEqual({ Key: 'cached_k1', Value: 'v1' });
    expect(of(r, 'ben')?.AppMemberDefinedData).toContainEqual({ Key: 'cached_k1', Value: '' });
    const filtered = () =>
      rest.getSpecifiedGroupMemberInfo({ GroupId: groupId, Member_List_Account: ['ann'], AppDefinedDataFilter_GroupMember: ['cached_k1'] });
    expect((await filtered()).MemberList[0]?.AppMemberDefinedData).toEqual([{ Key: 'cached_k1', Value: 'v1' }]);
    await rest.modifyGroupMemberInfo({ GroupId: groupId, Member_Account: 'ann', AppMemberDefinedData: [{ Key: 'cached_k1', Value: 'v2' }] });
    expect((await filtered()).MemberList[0]?.AppMemberDefinedData).toEqual([{ Key: 'cached_k1', Value: 'v2' }]);
    // A key registered now (the emulator-only setup call) shows at once in cached answers.
    await rest.call('tim_native_emulator', 'register_custom_fields', { GroupMemberFields: ['cached_k2'] });
    expect(of(await query(), 'ann')?.AppMemberDefinedData).toContainEqual({ Key: 'cached_k2', Value: '' });
    await rest.modifyGroupMemberInfo({ GroupId: groupId, Member_Account: 'ben', AppMemberDefinedData: [{ Key: 'cached_k2', Value: 'b' }] });
    r = await query();
    expect(of(r, 'ann')?.AppMemberDefinedData).toEqual([
      { Key: 'cached_k1', Value: 'v2' },
      { Key: 'cached_k2', Value: '' },
    ]);
  });

  test('members added and removed show at once', async () => {
    expect(of(await query(['ann', 'cat']), 'cat')).toBeUndefined();
    await rest.addGroupMember({ GroupId: groupId, MemberList: [{ Member_Account: 'cat' }] });
    expect(of(await query(['ann', 'cat']), 'cat')).toMatchObject({ Role: 'Member' });
    await rest.deleteGroupMember({ GroupId: groupId, MemberToDel_Account: ['cat'] });
    expect((await query(['ann', 'cat'])).MemberList.map((m) => m.Member_Account)).toEqual(['ann']);
  });

  test('a running mute counts down to 0', async () => {
    await rest.modifyGroupMemberInfo({ GroupId: groupId, Member_Account: 'ben', MuteTime: 1 });
    const muted = of(await query(), 'ben')?.MuteUntil ?? 0;
    expect(muted).toBeGreaterThan(0);
    while (Math.floor(Date.now() / 1000) <= muted) await new Promise((r) => setTimeout(r, 100));
    expect(of(await query(), 'ben')?.MuteUntil).toBe(0);
  });

  test('OnlineStatus is live', async () => {
    const r = await rest.getSpecifiedGroupMemberInfo({ GroupId: groupId, Member_List_Account: ['ann'], MemberInfoFilter: ['OnlineStatus'] });
    expect(r.MemberList[0]).toMatchObject({ Member_Account: 'ann', OnlineStatus: 'Offline' });
  });

  test('a destroyed group is gone, and a new group of the same id starts empty', async () => {
    await query();
    await rest.destroyGroup({ GroupId: groupId });
    expectFail(await h.raw(CMD, JSON.stringify({ GroupId: groupId, Member_List_Account: ['ann'] })), GroupCode.NoSuchGroup);
    await rest.createGroup({ Type: 'Public', Name: 'again', GroupId: groupId, Owner_Account: 'ben' });
    expect((await query()).MemberList.map((m) => [m.Member_Account, m.Role])).toEqual([['ben', 'Owner']]);
  });

  test('a group asked for before it existed is found once created', async () => {
    expectFail(await h.raw(CMD, JSON.stringify({ GroupId: 'cached_later', Member_List_Account: ['ann'] })), GroupCode.NoSuchGroup);
    await rest.createGroup({ Type: 'Public', Name: 'later', GroupId: 'cached_later', Owner_Account: 'ann' });
    expect((await rest.getSpecifiedGroupMemberInfo({ GroupId: 'cached_later', Member_List_Account: ['ann'] })).MemberList).toHaveLength(1);
  });
});

describe('GroupStore member lookups', () => {
  test('a lookup that makes the cache start over still finds the members it knew', () => {
    const db = openDatabase(':memory:');
    try {
      const store = new GroupStore(db);
      const group = {
        groupId: 'g',
        type: 'Public' as const,
        name: 'g',
        ownerAccount: 'a',
        introduction: '',
        notification: '',
        faceUrl: '',
        maxMemberCount: 100,
        applyJoinOption: 'FreeAccess' as const,
        createTime: 1,
      };
      store.createGroup(group, [], [{ account: 'a', role: 'Owner', joinTime: 1 }]);
      expect(store.getMembers('g', ['a', 'a']).map((m) => m.account)).toEqual(['a']);
      for (let i = 0; i < 9_990; i += 90) store.getMembers('g', Array.from({ length: 90 }, (_, j) => `x${i + j}`));
      const fresh = Array.from({ length: 50 }, (_, j) => `y${j}`);
      expect(store.getMembers('g', ['a', ...fresh]).map((m) => m.account)).toEqual(['a']);
      expect(store.getMembers('g', ['a']).map((m) => m.account)).toEqual(['a']);
    } finally {
      db.close();
    }
  });
});
