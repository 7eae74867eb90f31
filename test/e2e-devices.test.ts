/**
 * End to end, separate processes, through TIMClient: profile-change subscriptions
 * (`subscribeUserInfo` / `unsubscribeUserInfo`, TIMManager.h 6.3 and 6.4) and the platforms a user
 * is online on (`user_status_online_devices`).
 *
 * Absence of a push is checked with a fence: after the change that must not be pushed, the
 * observer changes its own profile, which is pushed to itself over the same connection
 * (selfInfoUpdated); once that push has arrived, anything pushed before it has arrived too.
 */
import { startEmulator, type Emulator } from '../lib/emulator';
import { skipOrFail } from './helpers/isolate';
import { e2ePrerequisiteProblem, Peer, stopAllPeers } from './helpers/e2e-peer';
import { ProtocolClient } from './helpers/protocol-client';
import { testRuntime } from './helpers/runtime';

const problem = e2ePrerequisiteProblem();
const mode = skipOrFail('e2e-devices', problem);
const suite = mode === 'skip' ? describe.skip : describe;
if (mode === 'fail') {
  test('prerequisites of the e2e suites', () => {
    throw new Error(problem);
  });
}

/** The platform the peers' emulator client library reports: the OS of the runtime they run on (node.exe under Wine is Windows). */
const PEER_OS = testRuntime().name === 'host' ? process.platform : testRuntime().name.split('-')[0];
const PLATFORM = PEER_OS === 'win32' ? 'Windows' : PEER_OS === 'darwin' ? 'Mac' : 'Linux';

let emu: Emulator;
const protocolClients: ProtocolClient[] = [];
let fenceCount = 0;

async function loggedIn(userId: string): Promise<Peer> {
  const peer = await Peer.spawn(userId, emu.address);
  await peer.ok('login', userId, emu.genUserSig(userId));
  return peer;
}

/** `userId` logged in over the protocol from this process, on `platform`. */
async function protocolUser(userId: string, platform: string): Promise<ProtocolClient> {
  const c = await ProtocolClient.connect(emu.address, { platform });
  protocolClients.push(c);
  expect((await c.login(userId, emu.genUserSig(userId))).code).toBe(0);
  return c;
}

/** Every userInfoChanged `peer` got since `mark`, once a fence shows nothing more is on its way. */
async function userInfoChangesAfterFence(peer: Peer, userId: string, mark: number): Promise<string[]> {
  const fence = `fence-${++fenceCount}`;
  await peer.ok('modifySelfUserProfile', { user_profile_item_self_signature: fence });
  await peer.waitEvent('selfInfoUpdated', (p: Record<string, unknown>) => p['user_profile_identifier'] === userId && p['user_profile_self_signature'] === fence, { since: mark });
  return peer.eventsOf('userInfoChanged', mark).flatMap((e) => (e.args[0] as Array<Record<string, unknown>>).map((p) => p['user_profile_identifier'] as string));
}

suite('e2e: user-info subscriptions and online devices', () => {
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, log: () => undefined });
  });
  afterAll(async () => {
    for (const c of protocolClients.splice(0)) c.destroy();
    await stopAllPeers();
    await emu?.close();
  });

  // TIMManager.h, the note on TIMSetUserInfoChangedCallback: it fires only for users subscribed
  // with TIMSubscribeUserInfo; a status subscription brings no profile change.
  test('userInfoChanged for subscribed users only; unsubscribeUserInfo() without ids ends them all', async () => {
    const dora = await loggedIn('dora');
    const eve = await protocolUser('eve', 'Android');
    const finn = await protocolUser('finn', 'Web');
    await dora.ok('subscribeUserInfo', ['eve']);
    await dora.ok('subscribeUserStatus', ['finn']);

    let mark = dora.mark();
    expect((await eve.modifyProfile({ user_profile_item_nick_name: 'Eve' })).code).toBe(0);
    expect((await finn.modifyProfile({ user_profile_item_nick_name: 'Finn' })).code).toBe(0);
    const changed = await dora.waitEvent('userInfoChanged', () => true, { since: mark });
    expect(changed.args[0]).toMatchObject([{ user_profile_identifier: 'eve', user_profile_nick_name: 'Eve' }]);
    expect(await userInfoChangesAfterFence(dora, 'dora', mark)).toEqual(['eve']);

    await dora.ok('unsubscribeUserInfo');
    mark = dora.mark();
    expect((await eve.modifyProfile({ user_profile_item_nick_name: 'Eve 2' })).code).toBe(0);
    expect(await userInfoChangesAfterFence(dora, 'dora', mark)).toEqual([]);

    await dora.ok('subscribeUserInfo', ['eve', 'finn']);
    await dora.ok('unsubscribeUserInfo', ['finn']);
    mark = dora.mark();
    expect((await finn.modifyProfile({ user_profile_item_nick_name: 'Finn 2' })).code).toBe(0);
    expect((await eve.modifyProfile({ user_profile_item_nick_name: 'Eve 3' })).code).toBe(0);
    expect(await userInfoChangesAfterFence(dora, 'dora', mark)).toEqual(['eve']);
  });

  test('subscribeUserInfo validates in TypeScript; the server refuses more than 200 ids with 6017', async () => {
    const gus = await loggedIn('gus');
    expect((await gus.fails('subscribeUserInfo', 'eve')).name).toBe('TypeError');
    expect((await gus.fails('subscribeUserInfo', [1])).name).toBe('TypeError');
    expect(await gus.code('subscribeUserInfo', Array.from({ length: 201 }, (_, i) => `u${i}`))).toBe(6017);
    expect(await gus.code('subscribeUserInfo', [])).toBe(6017);
  });

  // Default multi-device policy (https://www.tencentcloud.com/document/product/1047/47970, note 7):
  // one online terminal per platform; different platforms are online together.
  test('user_status_online_devices lists each platform the user is logged in on', async () => {
    const hana = await loggedIn('hana');
    const [alone] = await hana.ok<Array<Record<string, unknown>>>('getUserStatus', ['hana']);
    expect(alone).toMatchObject({ user_status_status_type: 1, user_status_online_devices: [PLATFORM] });

    const other = PLATFORM === 'Linux' ? 'iPhone' : 'Linux';
    const phone = await protocolUser('hana', other);
    const [both] = await hana.ok<Array<Record<string, unknown>>>('getUserStatus', ['hana']);
    expect(both!['user_status_online_devices']).toEqual([PLATFORM, other]);
    expect(hana.eventsOf('kickedOffline')).toEqual([]);

    expect((await phone.logout()).code).toBe(0);
    const [again] = await hana.ok<Array<Record<string, unknown>>>('getUserStatus', ['hana']);
    expect(again!['user_status_online_devices']).toEqual([PLATFORM]);
  });
});
