/**
 * End to end, separate processes: faults. Malformed input and wrong types are refused with a clear
 * code and change nothing; a request over 1 MB fails 9522 without reaching the server; when the
 * server stops, clients see Disconnected and a pending call fails promptly with 9508; when it
 * comes back on the same port with the same dataFile, they reconnect and log in again by
 * themselves, and the profiles are still there.
 */
import { EventEmitter } from 'events';
import { mkdtempSync, rmSync } from 'fs';
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { startEmulator, type Emulator, type RequestLogEntry } from '../lib/emulator';
import { TIMNetworkStatus, TIMUserStatusType } from '../lib/constants';
import { genUserSig } from '../lib/usersig';
import { skipOrFail } from './helpers/isolate';
import { e2ePrerequisiteProblem, Peer, statuses, statusIds, statusOf, stopAllPeers } from './helpers/e2e-peer';
import { ProtocolClient } from './helpers/protocol-client';

const ONLINE = TIMUserStatusType.kTIMUserStatusType_Online;
const UNLOGINED = TIMUserStatusType.kTIMUserStatusType_UnLogined;
const { kTIMConnected, kTIMDisconnected, kTIMConnecting } = TIMNetworkStatus;
const OP_GET_STATUS = 5;

const problem = e2ePrerequisiteProblem();
const mode = skipOrFail('e2e-faults', problem);
const suite = mode === 'skip' ? describe.skip : describe;
if (mode === 'fail') {
  test('prerequisites of the e2e suites', () => {
    throw new Error(problem);
  });
}

type Profile = Record<string, unknown>;
const quiet = (): void => undefined;

async function loggedIn(emu: Emulator, userId: string, address = emu.address): Promise<Peer> {
  const peer = await Peer.spawn(userId, address);
  await peer.ok('login', userId, emu.genUserSig(userId));
  return peer;
}

/** Every request the emulator handles for `userId` from now on. */
function recordRequests(emu: Emulator, userId: string): { entries: RequestLogEntry[]; stop(): void } {
  const entries: RequestLogEntry[] = [];
  const listener = (e: RequestLogEntry): void => {
    if (e.userId === userId) entries.push(e);
  };
  emu.on('request', listener);
  return { entries, stop: () => emu.off('request', listener) };
}

/** Resolves with the first request the emulator handles that satisfies `match`. */
function nextRequest(emu: Emulator, match: (e: RequestLogEntry) => boolean, timeoutMs = 10_000): Promise<RequestLogEntry> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emu.off('request', listener);
      reject(new Error(`the emulator handled no matching request within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (e: RequestLogEntry): void => {
      if (!match(e)) return;
      clearTimeout(timer);
      emu.off('request', listener);
      resolve(e);
    };
    emu.on('request', listener);
  });
}

/**
 * A TCP proxy in front of the emulator port that can withhold what clients send: a request sent
 * while held never reaches the server, so it is still pending when the server goes away. Each new
 * client connection opens a new upstream connection (so it follows a restarted emulator).
 */
class HoldProxy extends EventEmitter {
  private held = false;
  private heldBytes = Buffer.alloc(0);
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly targetPort: number,
  ) {
    super();
    server.on('connection', (client) => this.accept(client));
  }

  static async start(targetPort: number): Promise<HoldProxy> {
    const server = createServer();
    const proxy = new HoldProxy(server, targetPort);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** From now on, bytes from clients are kept here instead of being forwarded. */
  hold(): void {
    this.held = true;
    this.heldBytes = Buffer.alloc(0);
  }

  /** Forward again (what was held is dropped: its connection is gone by then). */
  release(): void {
    this.held = false;
    this.heldBytes = Buffer.alloc(0);
  }

  /** Resolves once a REQUEST frame with `op` has been withheld. */
  waitHeldRequest(op: number, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!heldOps(this.heldBytes).includes(op)) return;
        clearTimeout(timer);
        this.off('held', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('held', check);
        reject(new Error(`no request with op ${op} was withheld within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on('held', check);
      check();
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const upstream = netConnect({ host: '127.0.0.1', port: this.targetPort });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', quiet);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (!this.held) {
        upstream.write(chunk);
        return;
      }
      this.heldBytes = Buffer.concat([this.heldBytes, chunk]);
      this.emit('held');
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
  }
}

/** The ops of the complete REQUEST frames in `bytes` (which start at a frame boundary). */
function heldOps(bytes: Buffer): number[] {
  const ops: number[] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    if (at + 4 + length > bytes.length) break;
    if (bytes[at + 4] === 0x10 && length >= 6) ops.push(bytes[at + 9]!);
    at += 4 + length;
  }
  return ops;
}

suite('e2e: faults', () => {
  afterEach(stopAllPeers);

  describe('bad input', () => {
    let emu: Emulator;
    const protocolClients: ProtocolClient[] = [];

    beforeAll(async () => {
      emu = await startEmulator({ port: 0, log: quiet, customFields: { profile: ['Hobby'] } });
    });
    afterAll(async () => {
      await stopAllPeers();
      for (const c of protocolClients) c.destroy();
      await emu?.close();
    });

    test('malformed JSON (6027) and wrong shapes or types (6017) are refused and change nothing', async () => {
      const [alice, bob] = await Promise.all([loggedIn(emu, 'alice1'), loggedIn(emu, 'bob1')]);
      const carol = await ProtocolClient.connect(emu.address);
      protocolClients.push(carol);
      expect((await carol.login('carol1', emu.genUserSig('carol1'))).code).toBe(0);

      // State to keep: Alice's profile and custom status, Alice subscribed to Carol, Bob to Alice.
      await alice.ok('modifySelfUserProfile', {
        user_profile_item_nick_name: 'Alice',
        user_profile_item_custom_string_array: [{ user_profile_custom_string_info_key: 'Hobby', user_profile_custom_string_info_value: 'chess' }],
      });
      await alice.ok('setSelfStatus', 'steady');
      await alice.ok('subscribeUserStatus', ['carol1']);
      await bob.ok('subscribeUserStatus', ['alice1']);
      const [profileBefore] = await bob.ok<Profile[]>('getUserProfileList', ['alice1']);
      const aliceMark = alice.mark();
      const bobMark = bob.mark();

      const cases: Array<[Parameters<Peer['raw']>[0], string, number]> = [
        ['TIMProfileGetUserProfileList', '{"friendship_getprofilelist_param_identifier_array":["alice1"', 6027],
        ['TIMProfileGetUserProfileList', '{"friendship_getprofilelist_param_identifier_array":"alice1"}', 6017],
        ['TIMProfileGetUserProfileList', '{"friendship_getprofilelist_param_identifier_array":[]}', 6017],
        ['TIMProfileGetUserProfileList', '{"friendship_getprofilelist_param_identifier_array":[1]}', 6017],
        ['TIMProfileGetUserProfileList', '{"friendship_getprofilelist_param_identifier_array":["alice1"],"x":1}', 6017],
        ['TIMProfileGetUserProfileList', '["alice1"]', 6017],
        ['TIMProfileModifySelfUserProfile', '{"user_profile_item_nick_name":"Mallory"', 6027],
        ['TIMProfileModifySelfUserProfile', 'nick=Mallory', 6027],
        ['TIMProfileModifySelfUserProfile', '{"user_profile_item_nick_name":["Mallory"]}', 6017],
        ['TIMProfileModifySelfUserProfile', '{"user_profile_item_nick_name":"Mallory","user_profile_item_level":1.5}', 6017],
        ['TIMProfileModifySelfUserProfile', 'null', 6017],
        ['TIMGetUserStatus', '["alice1"', 6027],
        ['TIMGetUserStatus', '{"ids":["alice1"]}', 6017],
        ['TIMGetUserStatus', '[]', 6017],
        ['TIMGetUserStatus', '[""]', 6017],
        ['TIMGetUserStatus', '["alice1",7]', 6017],
        ['TIMSetSelfStatus', '{"user_status_custom_status":"hacked"', 6027],
        ['TIMSetSelfStatus', '{"user_status_custom_status":5}', 6017],
        ['TIMSetSelfStatus', '{"user_status_custom_status":"hacked","mood":"x"}', 6017],
        ['TIMSetSelfStatus', '"hacked"', 6017],
        ['TIMSubscribeUserStatus', '["dave1"', 6027],
        ['TIMSubscribeUserStatus', '"dave1"', 6017],
        ['TIMSubscribeUserStatus', '[]', 6017],
        ['TIMSubscribeUserStatus', '["dave1",null]', 6017],
        ['TIMUnsubscribeUserStatus', '["carol1"', 6027],
        ['TIMUnsubscribeUserStatus', '{"ids":["carol1"]}', 6017],
        ['TIMUnsubscribeUserStatus', '["carol1",1]', 6017],
        ['TIMUnsubscribeUserStatus', '"carol1"', 6017],
      ];
      for (const [fn, json, code] of cases) {
        const r = await alice.raw(fn, json);
        expect({ fn, json, result: r.result, code: r.code }).toEqual({ fn, json, result: 0, code });
      }

      // The TypeScript layer refuses the same kind of mistakes itself, before anything is sent.
      const sent = recordRequests(emu, 'alice1');
      for (const [method, args] of [
        ['getUserStatus', ['alice1']],
        ['getUserStatus', [['alice1', 7]]],
        ['setSelfStatus', [5]],
        ['setSelfStatus', [{ user_status_custom_status: 'x', mood: 'y' }]],
        ['subscribeUserStatus', ['dave1']],
        ['unsubscribeUserStatus', [{}]],
        ['getUserProfileList', [{ ids: ['alice1'] }]],
        ['modifySelfUserProfile', [null]],
        ['login', [42, 'sig']],
      ] as const) {
        const err = await alice.fails(method, ...args);
        expect({ method, name: err.name }).toEqual({ method, name: 'TypeError' });
      }
      sent.stop();
      expect(sent.entries).toEqual([]);

      // Nothing changed: profile, custom status, both subscription lists.
      expect(await bob.ok('getUserProfileList', ['alice1'])).toEqual([profileBefore]);
      expect(statuses(await bob.ok('getUserStatus', ['alice1']))).toEqual([{ id: 'alice1', type: ONLINE, custom: 'steady' }]);
      const dave = await ProtocolClient.connect(emu.address);
      protocolClients.push(dave);
      expect((await dave.login('dave1', emu.genUserSig('dave1'))).code).toBe(0); // not subscribed by Alice
      expect((await carol.setStatus('carol changed')).code).toBe(0); // still subscribed by Alice
      await alice.waitEvent('userStatusChanged', statusOf('carol1', ONLINE, 'carol changed'), { since: aliceMark });
      expect(statusIds(alice.eventsOf('userStatusChanged', aliceMark))).toEqual(['carol1']);
      await alice.ok('setSelfStatus', 'moving on');
      await bob.waitEvent('userStatusChanged', statusOf('alice1', ONLINE, 'moving on'), { since: bobMark });
      expect(statuses(bob.eventsOf('userStatusChanged', bobMark).flatMap((e) => e.args[0] as unknown[]))).toEqual([
        { id: 'alice1', type: ONLINE, custom: 'moving on' },
      ]);
    });

    test('a request over 1 MB fails 9522 without reaching the server; the client keeps working', async () => {
      const alice = await loggedIn(emu, 'alice2');
      const sent = recordRequests(emu, 'alice2');
      const big = 'x'.repeat(1024 * 1024 + 1);
      expect(await alice.code('modifySelfUserProfile', { user_profile_item_nick_name: big })).toBe(9522);
      expect(await alice.code('setSelfStatus', big)).toBe(9522);
      expect(await alice.code('getUserProfileList', [big])).toBe(9522);
      const manyIds = Array.from({ length: 100 }, (_, i) => `${'id'.repeat(5300)}${i}`); // ~1.06 MB of JSON
      expect(await alice.code('subscribeUserStatus', manyIds)).toBe(9522);
      sent.stop();
      expect(sent.entries).toEqual([]);

      const [me] = await alice.ok<Profile[]>('getUserProfileList', ['alice2']);
      expect(me!['user_profile_nick_name']).toBe('');
      expect(statuses(await alice.ok('getUserStatus', ['alice2']))).toEqual([{ id: 'alice2', type: ONLINE, custom: '' }]);
      expect(alice.eventsOf('networkStatus').map((e) => (e.args[0] as { status: number }).status)).toEqual([kTIMConnecting, kTIMConnected]);
    });

    test('an answer that would exceed 1 MB fails 9522 instead; the client keeps working', async () => {
      // 100 users with the largest profiles (3 x 500-byte strings, 20 x 500-byte custom values):
      // about 1.2 MB of JSON together.
      const keys = Array.from({ length: 20 }, (_, i) => `Key${String.fromCharCode(97 + i)}`);
      const own = await startEmulator({ port: 0, log: quiet, customFields: { profile: keys } });
      const writers: ProtocolClient[] = [];
      try {
        const item = {
          user_profile_item_nick_name: 'n'.repeat(500),
          user_profile_item_self_signature: 's'.repeat(500),
          user_profile_item_face_url: 'f'.repeat(500),
          user_profile_item_custom_string_array: keys.map((k) => ({
            user_profile_custom_string_info_key: k,
            user_profile_custom_string_info_value: 'v'.repeat(500),
          })),
        };
        const ids = Array.from({ length: 100 }, (_, i) => `big${i}`);
        for (const id of ids) {
          const c = await ProtocolClient.connect(own.address);
          writers.push(c);
          expect((await c.login(id, own.genUserSig(id))).code).toBe(0);
          expect((await c.modifyProfile(item)).code).toBe(0);
          c.destroy();
        }
        const bob = await loggedIn(own, 'bob3');
        expect(await bob.code('getUserProfileList', ids)).toBe(9522);
        const half = await bob.ok<Profile[]>('getUserProfileList', ids.slice(0, 50));
        expect(half).toHaveLength(50);
        expect(half[49]).toMatchObject({ user_profile_identifier: 'big49', user_profile_nick_name: 'n'.repeat(500) });
      } finally {
        for (const c of writers) c.destroy();
        await stopAllPeers();
        await own.close();
      }
    });
  });

  test('a UserSig that expired while the server was away: the automatic login is refused and userSigExpired ends the session', async () => {
    let emu = await startEmulator({ port: 0, log: quiet });
    const port = emu.port;
    try {
      const frank = await Peer.spawn('frank', emu.address);
      // A UserSig valid for about three more seconds.
      const now = Math.floor(Date.now() / 1000);
      const expiresAt = now + 3;
      const sig = genUserSig({ sdkAppId: emu.sdkAppId, secretKey: emu.secretKey, userId: 'frank', time: now - 60, expireSeconds: 63 });
      await frank.ok('login', 'frank', sig);
      const mark = frank.mark();
      await emu.close();
      await frank.waitEvent('networkStatus', (e: { status: number }) => e.status === kTIMDisconnected, { since: mark });
      // The server is away until the UserSig has expired (the clock has to pass; no event marks it).
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, (expiresAt + 1) * 1000 - Date.now() + 50)));
      emu = await startEmulator({ port, log: quiet });
      const refused = nextRequest(emu, (e) => e.op === 'LOGIN');
      await frank.waitEvent('userSigExpired', () => true, { since: mark });
      expect((await refused).code).toBe(70001);
      expect(frank.eventsOf('kickedOffline', mark)).toEqual([]);
      expect(await frank.loginStatus()).toBe(3);
      expect(await frank.code('getUserStatus', ['frank'])).toBe(6014);
      // A fresh UserSig works on the same connection.
      await frank.ok('login', 'frank', emu.genUserSig('frank'));
      expect(statuses(await frank.ok('getUserStatus', ['frank']))).toEqual([{ id: 'frank', type: ONLINE, custom: '' }]);
    } finally {
      await stopAllPeers();
      await emu.close();
    }
  });

  test('server stop and restart on the same port with the same dataFile', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tim-e2e-data-'));
    const dataFile = path.join(dir, 'emulator.sqlite');
    let emu = await startEmulator({ port: 0, dataFile, log: quiet, customFields: { profile: ['Hobby'] } });
    const port = emu.port;
    const proxy = await HoldProxy.start(port);
    const passive: ProtocolClient[] = [];
    try {
      // Alice goes through the proxy (so one of her requests can be withheld), Bob directly.
      const alice = await loggedIn(emu, 'alice', proxy.address);
      const bob = await loggedIn(emu, 'bob');
      await alice.ok('modifySelfUserProfile', {
        user_profile_item_nick_name: 'Alice',
        user_profile_item_level: 5,
        user_profile_item_custom_string_array: [{ user_profile_custom_string_info_key: 'Hobby', user_profile_custom_string_info_value: 'chess' }],
      });
      await bob.ok('modifySelfUserProfile', { user_profile_item_self_signature: 'bob was here' });
      await alice.ok('setSelfStatus', 'before the restart');
      // Carol logs out before the stop: she must not be logged in again by the reconnect.
      const carol = await loggedIn(emu, 'carol');
      await carol.ok('logout');
      const dave = await ProtocolClient.connect(emu.address); // an account that will not come back
      passive.push(dave);
      expect((await dave.login('dave', emu.genUserSig('dave'))).code).toBe(0);
      const profilesBefore = await bob.ok<Profile[]>('getUserProfileList', ['alice', 'bob', 'dave']);
      expect(profilesBefore.map((p) => p['user_profile_identifier'])).toEqual(['alice', 'bob', 'dave']);
      await bob.ok('subscribeUserStatus', ['alice']);

      // A call of Alice's is on its way when the server stops.
      proxy.hold();
      const pending = alice.call('getUserStatus', ['bob']);
      await proxy.waitHeldRequest(OP_GET_STATUS);
      const aliceMark = alice.mark();
      const bobMark = bob.mark();
      const carolMark = carol.mark();
      await emu.close();

      // 9508 is the lost connection's own answer; a call that kept waiting would get 6012 when its
      // request timeout ran out, so the code alone says it failed because the server went away.
      const answer = await pending;
      expect(answer).toMatchObject({ ok: false, error: { code: 9508 } });
      for (const peer of [alice, bob]) {
        const first = await peer.waitEvent('networkStatus', () => true, { since: peer === alice ? aliceMark : bobMark });
        expect(first.args[0]).toMatchObject({ status: kTIMDisconnected, code: 9508 });
      }
      // While the server is away, calls fail at once instead of hanging: 9508, not the 9510 of a
      // call that waited for a connection, and answered before the server comes back below.
      expect(await bob.code('getUserStatus', ['alice'])).toBe(9508);
      expect(await alice.code('setSelfStatus', 'during the outage')).toBe(9508);
      proxy.release();

      // Same port, same data file.
      emu = await startEmulator({ port, dataFile, log: quiet });
      const carolRequests = recordRequests(emu, 'carol');
      const relogins = Promise.all(
        ['alice', 'bob'].map((user) => nextRequest(emu, (e) => e.op === 'LOGIN' && e.userId === user && e.code === 0)),
      );
      for (const [peer, mark] of [
        [alice, aliceMark],
        [bob, bobMark],
      ] as const) {
        const connected = await peer.waitEvent('networkStatus', (e: { status: number }) => e.status === kTIMConnected, { since: mark });
        const between = peer.events.slice(mark, connected.index).filter((e) => e.event === 'networkStatus');
        const kinds = between.map((e) => (e.args[0] as { status: number }).status);
        expect(kinds[0]).toBe(kTIMDisconnected);
        expect(kinds[kinds.length - 1]).toBe(kTIMConnecting);
        expect(peer.eventsOf('kickedOffline', mark)).toEqual([]);
      }
      await relogins; // they logged in again by themselves
      expect(await alice.loginStatus()).toBe(1);
      expect(await bob.loginStatus()).toBe(1);
      // Carol, logged out, saw the connection drop and does not reconnect while nobody needs it
      // (alice and bob are already back): no Connecting since; she stays logged out.
      await carol.waitEvent('networkStatus', (e: { status: number }) => e.status === kTIMDisconnected, { since: carolMark });
      expect(await carol.loginStatus()).toBe(3);
      expect(carol.eventsOf('networkStatus', carolMark).map((e) => (e.args[0] as { status: number }).status)).toEqual([kTIMDisconnected]);
      expect(await carol.code('getUserStatus', ['carol'])).toBe(6014);

      // Calls work again. Profiles and accounts survived; presence did not (Dave never came back,
      // Alice's custom status ended with her old login).
      const profilesAfter = await bob.ok<Profile[]>('getUserProfileList', ['alice', 'bob', 'dave']);
      expect(profilesAfter).toEqual(profilesBefore);
      expect(profilesAfter[0]).toMatchObject({
        user_profile_nick_name: 'Alice',
        user_profile_level: 5,
        user_profile_custom_string_array: [{ user_profile_custom_string_info_key: 'Tag_Profile_Custom_Hobby', user_profile_custom_string_info_value: 'chess' }],
      });
      expect(statuses(await bob.ok('getUserStatus', ['alice', 'bob', 'dave', 'carol']))).toEqual([
        { id: 'alice', type: ONLINE, custom: '' },
        { id: 'bob', type: ONLINE, custom: '' },
        { id: 'dave', type: UNLOGINED, custom: '' },
        { id: 'carol', type: UNLOGINED, custom: '' },
      ]);
      carolRequests.stop();
      expect(carolRequests.entries).toEqual([]);
      // Her next login brings her connection back.
      const carolLogin = carol.mark();
      await carol.ok('login', 'carol', emu.genUserSig('carol'));
      expect(carol.eventsOf('networkStatus', carolLogin).map((e) => (e.args[0] as { status: number }).status)).toEqual([kTIMConnecting, kTIMConnected]);

      // Live pushes work again (subscriptions live in the server's memory: subscribe again).
      await bob.ok('subscribeUserStatus', ['alice']);
      const mark = bob.mark();
      const aliceMark2 = alice.mark();
      await alice.ok('setSelfStatus', 'after the restart');
      await bob.waitEvent('userStatusChanged', statusOf('alice', ONLINE, 'after the restart'), { since: mark });
      await alice.waitEvent('userStatusChanged', statusOf('alice', ONLINE, 'after the restart'), { since: aliceMark2 });
      await alice.ok('modifySelfUserProfile', { user_profile_item_level: 6 });
      await alice.waitEvent('selfInfoUpdated', (p: Profile) => p['user_profile_level'] === 6, { since: aliceMark2 });
    } finally {
      for (const c of passive) c.destroy();
      await stopAllPeers();
      await proxy.close();
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
