/**
 * The REST API inside a running emulator (`startEmulator`), next to native-protocol clients:
 * OnlineStatus and query_online_status follow logins live, profiles are shared both ways, and
 * groups survive a restart on the same data file.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { startEmulator, type Emulator } from '../lib/emulator';
import { PushEvent } from '../lib/emulator/protocol';
import { RestClient } from '../lib/rest';
import { ProtocolClient } from './helpers/protocol-client';

const quiet = (): void => undefined;

let emu: Emulator;
let rest: RestClient;
let groupId: string;
const clients: ProtocolClient[] = [];

async function login(userId: string): Promise<ProtocolClient> {
  const c = await ProtocolClient.connect(emu.address, { sdkAppId: emu.sdkAppId });
  clients.push(c);
  expect((await c.login(userId, emu.genUserSig(userId))).code).toBe(0);
  return c;
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, log: quiet });
  rest = new RestClient({ sdkAppId: emu.sdkAppId, secretKey: emu.secretKey, baseUrl: `http://${emu.address}` });
  await rest.multiAccountImport({ Accounts: ['alice', 'bob', 'carol'] });
  ({ GroupId: groupId } = await rest.createGroup({
    Type: 'Work',
    Name: 'live',
    Owner_Account: 'alice',
    MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'carol' }],
  }));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  rest.close();
  await emu.close();
});

async function onlineStatus(): Promise<Record<string, string | undefined>> {
  const r = await rest.getSpecifiedGroupMemberInfo({
    GroupId: groupId,
    Member_List_Account: ['alice', 'bob', 'carol'],
    MemberInfoFilter: ['OnlineStatus'],
  });
  return Object.fromEntries(r.MemberList.map((m) => [m.Member_Account, m.OnlineStatus]));
}

async function states(): Promise<Record<string, string>> {
  const r = await rest.queryOnlineStatus({ To_Account: ['alice', 'bob', 'carol'] });
  return Object.fromEntries(r.QueryResult.map((q) => [q.To_Account, q.Status]));
}

test('OnlineStatus and query_online_status follow native logins, logouts and dropped connections', async () => {
  expect(await onlineStatus()).toEqual({ alice: 'Offline', bob: 'Offline', carol: 'Offline' });
  const bob = await login('bob');
  const carol = await login('carol');
  expect(await onlineStatus()).toEqual({ alice: 'Offline', bob: 'Online', carol: 'Online' });
  expect(await states()).toEqual({ alice: 'Offline', bob: 'Online', carol: 'Online' });
  expect((await bob.logout()).code).toBe(0);
  carol.destroy();
  await carol.closed;
  // The server notices the dropped socket on its own turn: poll (a ~10 s bound, not a measure).
  for (let i = 0; i < 500 && (await onlineStatus()).carol !== 'Offline'; i++) await new Promise((r) => setTimeout(r, 20));
  expect(await onlineStatus()).toEqual({ alice: 'Offline', bob: 'Offline', carol: 'Offline' });
  expect(await states()).toEqual({ alice: 'Offline', bob: 'Offline', carol: 'Offline' });
});

// https://cloud.tencent.com/document/product/269/2566 (updated 2025-12-15), response sample:
// "QueryResult": [{"To_Account": "id1", "Status": "Offline"}, ...], "ErrorList": [{"To_Account": "id4",
// "ErrorCode": 70107}]. The field is `Status`; `State` was the retired openim/querystate's.
test('query_online_status: custom status, detail, and unknown accounts in ErrorList', async () => {
  const alice = await login('alice');
  expect((await alice.setStatus('in a meeting')).code).toBe(0);
  const r = await rest.queryOnlineStatus({ To_Account: ['alice', 'bob', 'ghost'], IsNeedDetail: 1, IsReturnCustomStatus: 1 });
  expect(r.QueryResult).toEqual([
    { To_Account: 'alice', Status: 'Online', Detail: [{ Platform: 'PC', Status: 'Online' }], CustomStatus: 'in a meeting' },
    { To_Account: 'bob', Status: 'Offline', Detail: [], CustomStatus: '' },
  ]);
  expect(r.ErrorList).toEqual([{ To_Account: 'ghost', ErrorCode: 70107 }]);
  for (const q of r.QueryResult) expect(Object.keys(q)).not.toContain('State');
  expect((await alice.logout()).code).toBe(0);
});

test('profiles are shared: REST writes reach native clients (with a push), native writes reach REST', async () => {
  const bob = await login('bob');
  await rest.portraitSet({
    From_Account: 'bob',
    ProfileItem: [
      { Tag: 'Tag_Profile_IM_Nick', Value: 'Bobby' },
      { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Male' },
      { Tag: 'Tag_Profile_IM_AllowType', Value: 'AllowType_Type_AllowAny' },
    ],
  });
  const push = await bob.nextPush(PushEvent.SelfInfoUpdated);
  expect(JSON.parse(push.json)).toMatchObject({ user_profile_identifier: 'bob', user_profile_nick_name: 'Bobby' });
  const native = await bob.getProfiles(['bob']);
  expect(native.code).toBe(0);
  expect(JSON.parse(native.json)[0]).toMatchObject({ user_profile_nick_name: 'Bobby', user_profile_gender: 1, user_profile_add_permission: 1 });

  expect((await bob.modifyProfile({ user_profile_item_nick_name: 'Robert', user_profile_item_gender: 2 })).code).toBe(0);
  const r = await rest.portraitGet({ To_Account: ['bob'], TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Gender'] });
  expect(r.UserProfileItem[0]!.ProfileItem).toEqual([
    { Tag: 'Tag_Profile_IM_Nick', Value: 'Robert' },
    { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Female' },
  ]);
  expect((await bob.logout()).code).toBe(0);
});

test('groups, members and member data persist across a restart on the same data file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tim-rest-'));
  const dataFile = join(dir, 'emulator.db');
  try {
    const first = await startEmulator({ port: 0, log: quiet, dataFile, customFields: { groupMember: ['tier'] } });
    const a = new RestClient({ sdkAppId: first.sdkAppId, secretKey: first.secretKey, baseUrl: `http://${first.address}` });
    await a.multiAccountImport({ Accounts: ['p1', 'p2'] });
    const { GroupId } = await a.createGroup({ Type: 'Community', Name: 'kept', Owner_Account: 'p1', MemberList: [{ Member_Account: 'p2' }] });
    await a.modifyGroupMemberInfo({ GroupId, Member_Account: 'p2', NameCard: 'two', AppMemberDefinedData: [{ Key: 'tier', Value: 'gold' }] });
    a.close();
    await first.close();

    const second = await startEmulator({ port: 0, log: quiet, dataFile });
    const b = new RestClient({ sdkAppId: second.sdkAppId, secretKey: second.secretKey, baseUrl: `http://${second.address}` });
    const r = await b.getSpecifiedGroupMemberInfo({ GroupId, Member_List_Account: ['p1', 'p2'], MemberInfoFilter: ['Role', 'NameCard'] });
    expect(r.MemberList).toEqual([
      { AppMemberDefinedData: [{ Key: 'tier', Value: '' }], Member_Account: 'p1', NameCard: '', Role: 'Owner' },
      { AppMemberDefinedData: [{ Key: 'tier', Value: 'gold' }], Member_Account: 'p2', NameCard: 'two', Role: 'Member' },
    ]);
    b.close();
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
