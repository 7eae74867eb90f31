/**
 * End to end, separate processes: user status. Bob's process subscribes to Alice's; custom status
 * pushes reach Bob and Alice herself; logout makes Alice UnLogined, a killed process (no logout)
 * Offline with the custom status cleared; limits; unsubscribing; the 200-subscription eviction.
 *
 * Absence of a push is checked with a fence: after the change that must not be pushed, the
 * observer sets its own custom status, which is pushed to itself over the same connection; once
 * that push has arrived, anything pushed before it has arrived too.
 */
import { startEmulator, type Emulator } from '../lib/emulator';
import { TIMUserStatusType } from '../lib/constants';
import { skipOrFail } from './helpers/isolate';
import { e2ePrerequisiteProblem, Peer, statuses, statusIds, statusOf, stopAllPeers } from './helpers/e2e-peer';
import { ProtocolClient } from './helpers/protocol-client';

const ONLINE = TIMUserStatusType.kTIMUserStatusType_Online;
const OFFLINE = TIMUserStatusType.kTIMUserStatusType_Offline;
const UNLOGINED = TIMUserStatusType.kTIMUserStatusType_UnLogined;

const problem = e2ePrerequisiteProblem();
const mode = skipOrFail('e2e-status', problem);
const suite = mode === 'skip' ? describe.skip : describe;
if (mode === 'fail') {
  test('prerequisites of the e2e suites', () => {
    throw new Error(problem);
  });
}

let emu: Emulator;
const protocolClients: ProtocolClient[] = [];
let fenceCount = 0;

async function loggedIn(userId: string): Promise<Peer> {
  const peer = await Peer.spawn(userId, emu.address);
  await peer.ok('login', userId, emu.genUserSig(userId));
  return peer;
}

/** A passive user logged in over the protocol from this process. */
async function protocolUser(userId: string): Promise<ProtocolClient> {
  const c = await ProtocolClient.connect(emu.address);
  protocolClients.push(c);
  const r = await c.login(userId, emu.genUserSig(userId));
  expect(r.code).toBe(0);
  return c;
}

/**
 * Waits until every push sent to `peer` before now has arrived: `peer` changes its own custom
 * status and waits for that push to itself. Returns the events since `since`, fence excluded.
 */
async function pushesUntilFence(peer: Peer, self: string, since: number): Promise<ReturnType<Peer['eventsOf']>> {
  const marker = `fence-${++fenceCount}`;
  await peer.ok('setSelfStatus', marker);
  const fence = await peer.waitEvent('userStatusChanged', statusOf(self, undefined, marker), { since });
  return peer.eventsOf('userStatusChanged', since).filter((e) => e.index < fence.index);
}

suite('e2e: user status', () => {
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, log: () => undefined });
  });
  afterEach(async () => {
    await stopAllPeers();
    for (const c of protocolClients.splice(0)) c.destroy();
  });
  afterAll(async () => {
    await emu?.close();
  });

  test('custom status reaches subscribers and the user; logout gives UnLogined; a killed process gives Offline', async () => {
    const [alice, bob] = await Promise.all([loggedIn('alice1'), loggedIn('bob1')]);
    await bob.ok('subscribeUserStatus', ['alice1']);

    // Alice sets a custom status: Bob (subscribed) and Alice (herself) are told.
    let bobMark = bob.mark();
    let aliceMark = alice.mark();
    await alice.ok('setSelfStatus', 'in a meeting');
    await bob.waitEvent('userStatusChanged', statusOf('alice1', ONLINE, 'in a meeting'), { since: bobMark });
    await alice.waitEvent('userStatusChanged', statusOf('alice1', ONLINE, 'in a meeting'), { since: aliceMark });
    expect(statuses(await bob.ok('getUserStatus', ['alice1', 'bob1', 'nobody1', 'alice1']))).toEqual([
      { id: 'alice1', type: ONLINE, custom: 'in a meeting' },
      { id: 'bob1', type: ONLINE, custom: '' },
      { id: 'nobody1', type: UNLOGINED, custom: '' },
    ]);

    // Setting the same custom status again is not a change.
    bobMark = bob.mark();
    await alice.ok('setSelfStatus', { user_status_custom_status: 'in a meeting' });
    expect(statusIds(await pushesUntilFence(bob, 'bob1', bobMark))).toEqual([]);

    // The empty string clears it, and that is pushed.
    bobMark = bob.mark();
    await alice.ok('setSelfStatus', '');
    await bob.waitEvent('userStatusChanged', statusOf('alice1', ONLINE, ''), { since: bobMark });

    // Logout: UnLogined.
    bobMark = bob.mark();
    await alice.ok('logout');
    await bob.waitEvent('userStatusChanged', statusOf('alice1', UNLOGINED), { since: bobMark });
    expect(statuses(await bob.ok('getUserStatus', ['alice1']))).toEqual([{ id: 'alice1', type: UNLOGINED, custom: '' }]);
    await alice.kill();

    // A new process logs Alice in (Online, pushed), sets a custom status, and dies without logout.
    const alice2 = await Peer.spawn('alice1-again', emu.address);
    bobMark = bob.mark();
    await alice2.ok('login', 'alice1', emu.genUserSig('alice1'));
    await bob.waitEvent('userStatusChanged', statusOf('alice1', ONLINE), { since: bobMark });
    bobMark = bob.mark();
    aliceMark = alice2.mark();
    await alice2.ok('setSelfStatus', 'about to crash');
    await bob.waitEvent('userStatusChanged', statusOf('alice1', ONLINE, 'about to crash'), { since: bobMark });
    await alice2.waitEvent('userStatusChanged', statusOf('alice1', ONLINE, 'about to crash'), { since: aliceMark });
    bobMark = bob.mark();
    await alice2.kill('SIGKILL');
    await bob.waitEvent('userStatusChanged', statusOf('alice1', OFFLINE, ''), { since: bobMark });
    expect(statuses(await bob.ok('getUserStatus', ['alice1']))).toEqual([{ id: 'alice1', type: OFFLINE, custom: '' }]);
  });

  test('limits: custom status over 100 bytes, getUserStatus over 500 ids, subscribe over 100 ids or self (6017)', async () => {
    const [alice, bob] = await Promise.all([loggedIn('alice3'), loggedIn('bob3')]);
    await bob.ok('subscribeUserStatus', ['alice3']);
    await alice.ok('setSelfStatus', 'kept');

    // Custom status: 100 bytes fine, 101 refused (also when multi-byte), nothing changes.
    expect(await alice.code('setSelfStatus', 'x'.repeat(101))).toBe(6017);
    expect(await alice.code('setSelfStatus', 'é'.repeat(51))).toBe(6017);
    expect(statuses(await bob.ok('getUserStatus', ['alice3']))).toEqual([{ id: 'alice3', type: ONLINE, custom: 'kept' }]);
    const refusedMark = bob.mark();
    await alice.ok('setSelfStatus', 'é'.repeat(50));
    await bob.waitEvent('userStatusChanged', statusOf('alice3', ONLINE, 'é'.repeat(50)), { since: refusedMark });
    // Nothing was pushed for the refused ones.
    expect(statuses(bob.eventsOf('userStatusChanged', refusedMark)[0]!.args[0])).toEqual([
      { id: 'alice3', type: ONLINE, custom: 'é'.repeat(50) },
    ]);

    // getUserStatus: 500 ids answered, 501 refused.
    const ids500 = Array.from({ length: 500 }, (_, i) => `q${i}`);
    expect(await bob.ok<unknown[]>('getUserStatus', ids500)).toHaveLength(500);
    expect(await bob.code('getUserStatus', [...ids500, 'q500'])).toBe(6017);

    // subscribe: 100 ids fine, 101 refused; yourself refused, and the whole call with it.
    const ids100 = Array.from({ length: 100 }, (_, i) => `s${i}`);
    await bob.ok('subscribeUserStatus', ids100);
    expect(await bob.code('subscribeUserStatus', [...ids100, 's100'])).toBe(6017);
    expect(await bob.code('subscribeUserStatus', ['bob3'])).toBe(6017);
    expect(await bob.code('subscribeUserStatus', ['carol3', 'bob3'])).toBe(6017);
    const mark = bob.mark();
    const carol = await protocolUser('carol3'); // Online: a change, but Bob is not subscribed
    await protocolUser('s100'); // not subscribed either (the 101-id call was refused whole)
    const s0 = await protocolUser('s0'); // subscribed
    await s0.setStatus('s0 here');
    await bob.waitEvent('userStatusChanged', statusOf('s0', ONLINE, 's0 here'), { since: mark });
    expect(new Set(statusIds(bob.eventsOf('userStatusChanged', mark)))).toEqual(new Set(['s0']));
    // Carol's own custom status change reaches nobody else.
    const bobMark = bob.mark();
    expect((await carol.setStatus('carol here')).code).toBe(0);
    expect(statusIds(await pushesUntilFence(bob, 'bob3', bobMark))).toEqual([]);
  });

  test('unsubscribe with no ids or [] clears every subscription; with ids only those', async () => {
    const [alice, bob] = await Promise.all([loggedIn('alice4'), loggedIn('bob4')]);
    const carol = await protocolUser('carol4');

    for (const clearAll of [() => bob.ok('unsubscribeUserStatus'), () => bob.ok('unsubscribeUserStatus', [])]) {
      // Subscribing pushes nothing by itself; the changes after it are pushed, in order.
      let mark = bob.mark();
      await bob.ok('subscribeUserStatus', ['alice4', 'carol4']);
      await alice.ok('setSelfStatus', `before ${fenceCount}`);
      await carol.setStatus(`before ${fenceCount}`);
      expect(statusIds(await pushesUntilFence(bob, 'bob4', mark))).toEqual(['alice4', 'carol4']);

      await clearAll();
      mark = bob.mark();
      await alice.ok('setSelfStatus', `after ${fenceCount}`);
      await carol.setStatus(`after ${fenceCount}`);
      expect(statusIds(await pushesUntilFence(bob, 'bob4', mark))).toEqual([]);
    }

    // With ids: only those go.
    await bob.ok('subscribeUserStatus', ['alice4', 'carol4']);
    await bob.ok('unsubscribeUserStatus', ['carol4', 'never-subscribed']);
    const mark = bob.mark();
    await alice.ok('setSelfStatus', 'partial');
    await carol.setStatus('partial');
    expect(statusIds(await pushesUntilFence(bob, 'bob4', mark))).toEqual(['alice4']);

    // The list ends with the login: after logout and login again, nothing is subscribed.
    await bob.ok('logout');
    await bob.ok('login', 'bob4', emu.genUserSig('bob4'));
    const relogged = bob.mark();
    await alice.ok('setSelfStatus', 'after bob came back');
    expect(statusIds(await pushesUntilFence(bob, 'bob4', relogged))).toEqual([]);
  });

  test('the subscription list holds 200: the 201st subscription evicts the earliest subscribed', async () => {
    const bob = await loggedIn('bob5');
    const users = Array.from({ length: 201 }, (_, i) => `e${String(i).padStart(3, '0')}`);
    // Three calls of at most 100 ids; the users need not exist.
    await bob.ok('subscribeUserStatus', users.slice(0, 100));
    await bob.ok('subscribeUserStatus', users.slice(100, 200));
    await bob.ok('subscribeUserStatus', users.slice(200));

    const mark = bob.mark();
    // Each login is a status change (UnLogined -> Online), in this order.
    await protocolUser('e000'); // evicted: no push
    await protocolUser('e001'); // still subscribed
    await protocolUser('e199');
    await protocolUser('e200'); // the newest
    await bob.waitEvent('userStatusChanged', statusOf('e200', ONLINE), { since: mark });
    expect(statusIds(bob.eventsOf('userStatusChanged', mark))).toEqual(['e001', 'e199', 'e200']);

    // Subscribing again moves a user to the end: e001 re-subscribed, then one more evicts e002.
    await bob.ok('subscribeUserStatus', ['e001']);
    await bob.ok('subscribeUserStatus', ['e201']);
    const mark2 = bob.mark();
    await protocolUser('e002'); // evicted now
    await protocolUser('e001'); // kicked its earlier protocol session, stays Online: no change
    await protocolUser('e003');
    await protocolUser('e201');
    await bob.waitEvent('userStatusChanged', statusOf('e201', ONLINE), { since: mark2 });
    expect(statusIds(bob.eventsOf('userStatusChanged', mark2))).toEqual(['e003', 'e201']);
  });
});
