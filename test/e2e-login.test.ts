/**
 * End to end, separate processes: login creates the account, UserSig and user id refusals, and a
 * second login of the same user from another process kicking the first. Each user is a Node child
 * process with its own TIMClient (compiled package, embedded emulator backend) against one
 * emulator started here.
 */
import { startEmulator, type Emulator } from '../lib/emulator';
import { TIMLoginStatus, TIMUserStatusType } from '../lib/constants';
import { genUserSig } from '../lib/usersig';
import { skipOrFail } from './helpers/isolate';
import { e2ePrerequisiteProblem, Peer, statuses, statusOf, stopAllPeers } from './helpers/e2e-peer';

const ONLINE = TIMUserStatusType.kTIMUserStatusType_Online;
const UNLOGINED = TIMUserStatusType.kTIMUserStatusType_UnLogined;

const problem = e2ePrerequisiteProblem();
const mode = skipOrFail('e2e-login', problem);
const suite = mode === 'skip' ? describe.skip : describe;
if (mode === 'fail') {
  test('prerequisites of the e2e suites', () => {
    throw new Error(problem);
  });
}

let emu: Emulator;

async function loggedIn(userId: string): Promise<Peer> {
  const peer = await Peer.spawn(userId, emu.address);
  await peer.ok('login', userId, emu.genUserSig(userId));
  return peer;
}

function ids(profiles: unknown): string[] {
  return (profiles as Array<Record<string, unknown>>).map((p) => p['user_profile_identifier'] as string);
}

suite('e2e: login', () => {
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, log: () => undefined });
  });
  afterEach(stopAllPeers);
  afterAll(async () => {
    await stopAllPeers();
    await emu?.close();
  });

  test('the first valid login creates the account; the user is Online while logged in', async () => {
    const bob = await loggedIn('bob1');
    expect(await bob.ok('getUserProfileList', ['alice1'])).toEqual([]);
    expect(statuses(await bob.ok('getUserStatus', ['alice1']))).toEqual([{ id: 'alice1', type: UNLOGINED, custom: '' }]);

    const alice = await Peer.spawn('alice1', emu.address);
    expect(await alice.loginStatus()).toBe(TIMLoginStatus.kTIMLoginStatus_UnLogined);
    await alice.ok('login', 'alice1', emu.genUserSig('alice1'));
    expect(await alice.loginStatus()).toBe(TIMLoginStatus.kTIMLoginStatus_Logined);
    // The network status events of the first connection came before the login.
    await alice.waitEvent('networkStatus', (e: { status: number }) => e.status === 0);

    expect(ids(await bob.ok('getUserProfileList', ['alice1']))).toEqual(['alice1']);
    expect(statuses(await bob.ok('getUserStatus', ['alice1']))).toEqual([{ id: 'alice1', type: ONLINE, custom: '' }]);
  });

  test('bad UserSigs are refused with the service codes and create nothing', async () => {
    const carol = await Peer.spawn('carol1', emu.address);
    const now = Math.floor(Date.now() / 1000);
    const sig = (o: Partial<Parameters<typeof genUserSig>[0]> = {}): string =>
      genUserSig({ sdkAppId: emu.sdkAppId, secretKey: emu.secretKey, userId: 'carol1', ...o });

    expect(await carol.code('login', 'carol1', sig({ time: now - 3600, expireSeconds: 60 }))).toBe(70001);
    expect(await carol.code('login', 'carol1', 'not-a-usersig')).toBe(70003);
    expect(await carol.code('login', 'carol1', sig().slice(0, 40))).toBe(70003);
    expect(await carol.code('login', 'carol1', sig({ secretKey: 'some other key' }))).toBe(70009);
    expect(await carol.code('login', 'carol1', sig({ userId: 'dave1' }))).toBe(70013);
    expect(await carol.code('login', 'carol1', sig({ sdkAppId: emu.sdkAppId + 1 }))).toBe(70014);
    // An empty UserSig never leaves the process: the library refuses the call (TIM_ERR_PARAM).
    expect(await carol.code('login', 'carol1', '')).toBe(-4);

    // Nothing logged in, nothing created.
    expect(await carol.loginStatus()).toBe(TIMLoginStatus.kTIMLoginStatus_UnLogined);
    expect(await carol.code('getUserStatus', ['carol1'])).toBe(6014);
    const bob = await loggedIn('bob2');
    expect(await bob.ok('getUserProfileList', ['carol1', 'dave1'])).toEqual([]);

    // The same process can still log in with a good one.
    await carol.ok('login', 'carol1', sig());
    expect(ids(await bob.ok('getUserProfileList', ['carol1']))).toEqual(['carol1']);
  });

  test('user ids must be printable ASCII of at most 32 bytes (7003)', async () => {
    const peer = await Peer.spawn('badid', emu.address);
    for (const id of ['x'.repeat(33), 'bad\u0001id', 'tab\tid', 'zoë']) {
      const err = await peer.fails('login', id, emu.genUserSig(id));
      expect({ id, code: err.code }).toEqual({ id, code: 7003 });
    }
    expect(await peer.loginStatus()).toBe(TIMLoginStatus.kTIMLoginStatus_UnLogined);
    const id32 = 'y'.repeat(32);
    await peer.ok('login', id32, emu.genUserSig(id32));
    expect(await peer.ok('getUserProfileList', ['x'.repeat(33)])).toEqual([]);
  });

  test('a second login of the same user from another process kicks the first', async () => {
    const bob = await loggedIn('bob3');
    const first = await loggedIn('alice3');
    await first.ok('setSelfStatus', 'on the first device');
    await bob.ok('subscribeUserStatus', ['alice3']);

    const second = await Peer.spawn('alice3-second', emu.address);
    const bobMark = bob.mark();
    await second.ok('login', 'alice3', emu.genUserSig('alice3'));

    await first.waitEvent('kickedOffline');
    expect(await first.code('getUserStatus', ['bob3'])).toBe(6014);
    expect(await first.code('setSelfStatus', 'still here?')).toBe(6014);
    expect(await first.code('getUserProfileList', ['alice3'])).toBe(6014);
    expect(await first.loginStatus()).toBe(TIMLoginStatus.kTIMLoginStatus_UnLogined);

    // The newer login works, and the user stayed Online with its custom status.
    expect(statuses(await second.ok('getUserStatus', ['alice3']))).toEqual([
      { id: 'alice3', type: ONLINE, custom: 'on the first device' },
    ]);
    expect(statuses(await bob.ok('getUserStatus', ['alice3']))).toEqual([
      { id: 'alice3', type: ONLINE, custom: 'on the first device' },
    ]);
    // A kick is not a status change for subscribers; a later change from the new device is.
    await second.ok('setSelfStatus', 'on the second device');
    await bob.waitEvent('userStatusChanged', statusOf('alice3', ONLINE, 'on the second device'), { since: bobMark });
    const seen = bob.eventsOf('userStatusChanged', bobMark).flatMap((e) => statuses(e.args[0]));
    expect(seen).toEqual([{ id: 'alice3', type: ONLINE, custom: 'on the second device' }]);
    expect(second.eventsOf('kickedOffline')).toEqual([]);

    // The kicked process dying later changes nothing for the newer login.
    const beforeKill = bob.mark();
    await first.kill('SIGKILL');
    await second.ok('setSelfStatus', 'after the old device died');
    await bob.waitEvent('userStatusChanged', statusOf('alice3', ONLINE, 'after the old device died'), { since: beforeKill });
    expect(bob.eventsOf('userStatusChanged', beforeKill).flatMap((e) => statuses(e.args[0]))).toEqual([
      { id: 'alice3', type: ONLINE, custom: 'after the old device died' },
    ]);
    expect(second.eventsOf('kickedOffline')).toEqual([]);
  });

  test('a UserSig that expires during the login ends it: userSigExpired, then 6014, and UnLogined for others', async () => {
    const bob = await loggedIn('bob4');
    await bob.ok('subscribeUserStatus', ['erin4']);
    const erin = await Peer.spawn('erin4', emu.address);
    const bobMark = bob.mark();
    await erin.ok('login', 'erin4', emu.genUserSig('erin4', 2));
    await bob.waitEvent('userStatusChanged', statusOf('erin4', ONLINE), { since: bobMark });

    await erin.waitEvent('userSigExpired', () => true, { timeoutMs: 15_000 });
    expect(await erin.code('getUserStatus', ['erin4'])).toBe(6014);
    await bob.waitEvent('userStatusChanged', statusOf('erin4', UNLOGINED), { since: bobMark });
    // A fresh UserSig logs in again.
    await erin.ok('login', 'erin4', emu.genUserSig('erin4'));
    expect(statuses(await erin.ok('getUserStatus', ['erin4']))).toEqual([{ id: 'erin4', type: ONLINE, custom: '' }]);
  });
});
