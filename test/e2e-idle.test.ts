/**
 * End to end: the idle and login deadlines (docs/limits.md) against the real emulator client
 * library. Its PING every 10 s keeps a logged-in TIMClient connected through more than twice a
 * 15 s idle limit, while a raw protocol client that logs in and then sends nothing is closed by the
 * same limit. A TIMClient initialised but not logged in is disconnected by the login deadline
 * once, does not reconnect until it logs in, and logs in when asked.
 */
import { startEmulator, type Emulator } from '../lib/emulator';
import { TIMNetworkStatus, TIMUserStatusType } from '../lib/constants';
import { skipOrFail } from './helpers/isolate';
import { e2ePrerequisiteProblem, Peer, statuses, stopAllPeers } from './helpers/e2e-peer';
import { ProtocolClient } from './helpers/protocol-client';

const problem = e2ePrerequisiteProblem();
const mode = skipOrFail('e2e-idle', problem);
const suite = mode === 'skip' ? describe.skip : describe;
if (mode === 'fail') {
  test('prerequisites of the e2e suites', () => {
    throw new Error(problem);
  });
}

/** Above the client's 10 s PING interval with room for a loaded machine; far below the default 60 s. */
const IDLE_MS = 15_000;

let emu: Emulator;

suite('e2e: idle deadline', () => {
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, log: () => undefined, limits: { idleTimeoutMs: IDLE_MS } });
  });
  afterAll(async () => {
    await stopAllPeers();
    await emu?.close();
  });

  test('a logged-in TIMClient idle for over twice the idle limit stays connected; a silent raw client is closed', async () => {
    const alice = await Peer.spawn('alice_idle', emu.address);
    await alice.ok('login', 'alice_idle', emu.genUserSig('alice_idle'));
    const mark = alice.mark();
    const silent = await ProtocolClient.connect(emu.address);
    expect((await silent.login('silent_idle', emu.genUserSig('silent_idle'))).code).toBe(0);

    // Over two idle limits pass; the silent client is closed after the first.
    await Promise.all([silent.closed, new Promise((resolve) => setTimeout(resolve, 2 * IDLE_MS + 2000))]);

    // No Disconnected, Connecting or Connected since the login: the connection never dropped.
    expect(alice.eventsOf('networkStatus', mark)).toEqual([]);
    expect(statuses(await alice.ok('getUserStatus', ['alice_idle', 'silent_idle']))).toEqual([
      { id: 'alice_idle', type: TIMUserStatusType.kTIMUserStatusType_Online, custom: '' },
      { id: 'silent_idle', type: TIMUserStatusType.kTIMUserStatusType_Offline, custom: '' },
    ]);
  });

  test('a TIMClient that stays unlogged past the login deadline is disconnected once, stays quiet, then logs in and stays', async () => {
    const strict = await startEmulator({ port: 0, log: () => undefined, limits: { loginTimeoutMs: 1000 } });
    try {
      const bob = await Peer.spawn('bob_late', strict.address);
      const isStatus = (status: number) => (e: { status: number }) => e.status === status;
      const dropped = await bob.waitEvent('networkStatus', isStatus(TIMNetworkStatus.kTIMDisconnected));
      // Nobody is logged in: the client does not reconnect by itself (it would be closed again
      // by the login deadline every second here). Over twice the deadline passes quietly.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(bob.eventsOf('networkStatus', dropped.index + 1)).toEqual([]);
      // The login brings the connection back.
      const beforeLogin = bob.mark();
      await bob.ok('login', 'bob_late', strict.genUserSig('bob_late'));
      expect(bob.eventsOf('networkStatus', beforeLogin).map((e) => (e.args[0] as { status: number }).status)).toEqual([
        TIMNetworkStatus.kTIMConnecting,
        TIMNetworkStatus.kTIMConnected,
      ]);
      const mark = bob.mark();
      // Logged in, the login deadline no longer applies: over twice its length passes quietly.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(bob.eventsOf('networkStatus', mark)).toEqual([]);
      expect(statuses(await bob.ok('getUserStatus', ['bob_late']))).toEqual([
        { id: 'bob_late', type: TIMUserStatusType.kTIMUserStatusType_Online, custom: '' },
      ]);
      await bob.stop();
    } finally {
      await strict.close();
    }
  });
});
