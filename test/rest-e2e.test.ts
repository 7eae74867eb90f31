/**
 * End to end, separate processes: a member's real native client (TIMClient in a child process,
 * compiled package, embedded emulator backend) logs in and out, and the REST API's OnlineStatus
 * and query_online_status follow it; a nick set over REST is what that client's
 * getUserProfileList returns, and the other way round.
 */
import { startEmulator, type Emulator } from '../lib/emulator';
import { RestClient, type GetSpecifiedGroupMemberInfoResponse } from '../lib/rest';
import { e2ePrerequisiteProblem, Peer, stopAllPeers } from './helpers/e2e-peer';
import { skipOrFail } from './helpers/isolate';

const problem = e2ePrerequisiteProblem();
const mode = skipOrFail('rest-e2e', problem);
const suite = mode === 'skip' ? describe.skip : describe;
if (mode === 'fail') {
  test('prerequisites of the e2e suites', () => {
    throw new Error(problem);
  });
}

let emu: Emulator;
let rest: RestClient;
let groupId: string;

async function statusOf(id: string): Promise<{ member: string | undefined; state: string | undefined }> {
  const r: GetSpecifiedGroupMemberInfoResponse = await rest.getSpecifiedGroupMemberInfo({
    GroupId: groupId,
    Member_List_Account: [id],
    MemberInfoFilter: ['OnlineStatus'],
  });
  const q = await rest.queryOnlineStatus({ To_Account: [id] });
  return { member: r.MemberList[0]?.OnlineStatus, state: q.QueryResult[0]?.Status };
}

async function until(id: string, want: string): Promise<{ member: string | undefined; state: string | undefined }> {
  // Polls until the change shows; the bound (~10 s) only turns "never" into a clear failure.
  for (let i = 0; i < 500; i++) {
    const s = await statusOf(id);
    if (s.member === want && s.state === want) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  return statusOf(id);
}

suite('e2e: REST next to native clients', () => {
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, log: () => undefined });
    rest = new RestClient({ sdkAppId: emu.sdkAppId, secretKey: emu.secretKey, baseUrl: `http://${emu.address}` });
    await rest.multiAccountImport({ Accounts: ['owner', 'dana'] });
    ({ GroupId: groupId } = await rest.createGroup({ Type: 'Public', Name: 'e2e', Owner_Account: 'owner', MemberList: [{ Member_Account: 'dana' }] }));
  });
  afterEach(stopAllPeers);
  afterAll(async () => {
    await stopAllPeers();
    rest?.close();
    await emu?.close();
  });

  test('OnlineStatus flips as the native client logs in, logs out, and dies', async () => {
    expect(await statusOf('dana')).toEqual({ member: 'Offline', state: 'Offline' });
    const dana = await Peer.spawn('dana', emu.address);
    await dana.ok('login', 'dana', emu.genUserSig('dana'));
    expect(await until('dana', 'Online')).toEqual({ member: 'Online', state: 'Online' });
    await dana.ok('logout');
    expect(await until('dana', 'Offline')).toEqual({ member: 'Offline', state: 'Offline' });
    await dana.ok('login', 'dana', emu.genUserSig('dana'));
    expect(await until('dana', 'Online')).toEqual({ member: 'Online', state: 'Online' });
    await dana.kill();
    expect(await until('dana', 'Offline')).toEqual({ member: 'Offline', state: 'Offline' });
  });

  test('profiles are shared with the native client both ways', async () => {
    const dana = await Peer.spawn('dana', emu.address);
    await dana.ok('login', 'dana', emu.genUserSig('dana'));
    await rest.portraitSet({ From_Account: 'dana', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Dana over REST' }] });
    const profiles = await dana.ok<Array<Record<string, unknown>>>('getUserProfileList', ['dana']);
    expect(profiles[0]).toMatchObject({ user_profile_identifier: 'dana', user_profile_nick_name: 'Dana over REST' });
    await dana.ok('modifySelfUserProfile', { user_profile_item_nick_name: 'Dana native' });
    const r = await rest.portraitGet({ To_Account: ['dana'], TagList: ['Tag_Profile_IM_Nick'] });
    expect(r.UserProfileItem[0]!.ProfileItem).toEqual([{ Tag: 'Tag_Profile_IM_Nick', Value: 'Dana native' }]);
  });
});
