/**
 * The emulator server, driven over real TCP through the protocol client: handshake, login and
 * kick, profiles, status, subscriptions, faults, persistence, and the shared HTTP port.
 */
import { execFile } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { request as httpRequest } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { startEmulator, type Emulator, type RequestLogEntry } from '../lib/emulator';
import { openDatabase } from '../lib/emulator/db';
import { PresenceHub, type PresenceClient } from '../lib/emulator/presence';
import {
  encodeFrame,
  FrameDecoder,
  FrameType,
  MAX_FRAME_LENGTH,
  Op,
  PREFACE,
  PushEvent,
  type Frame,
} from '../lib/emulator/protocol';
import { SqliteProfileStore } from '../lib/emulator/store';
import { genUserSig } from '../lib/usersig';
import { HandshakeRefusedError, ProtocolClient, type ReceivedPush } from './helpers/protocol-client';

const quiet = (): void => undefined;

let emu: Emulator;
const clients: ProtocolClient[] = [];

async function connect(): Promise<ProtocolClient> {
  const c = await ProtocolClient.connect(emu.address);
  clients.push(c);
  return c;
}

async function loggedIn(userId: string): Promise<ProtocolClient> {
  const c = await connect();
  const r = await c.login(userId, emu.genUserSig(userId));
  expect(r.code).toBe(0);
  return c;
}

/** After a round trip on `c`, every push the server sent it before is queued: take them all. */
async function settledPushes(c: ProtocolClient): Promise<ReceivedPush[]> {
  expect((await c.ping()).code).toBe(0);
  return c.takePushes();
}

function statusOf(json: string): Array<{ id: string; type: number; custom: string }> {
  return (JSON.parse(json) as Array<Record<string, unknown>>).map((s) => ({
    id: s['user_status_identifier'] as string,
    type: s['user_status_status_type'] as number,
    custom: s['user_status_custom_status'] as string,
  }));
}

async function profileOf(c: ProtocolClient, userId: string): Promise<Record<string, unknown>> {
  const r = await c.getProfiles([userId]);
  expect(r.code).toBe(0);
  const [p] = JSON.parse(r.json) as Array<Record<string, unknown>>;
  return p!;
}

beforeEach(async () => {
  // The custom profile fields these tests write, registered as the console would.
  emu = await startEmulator({ port: 0, log: quiet, customFields: { profile: ['Mood', 'Str', 'abcdefgh'] } });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await emu.close();
});

describe('handshake and framing', () => {
  test('WELCOME carries version 2 and the server time', async () => {
    const before = Date.now();
    const c = await connect();
    const after = Date.now();
    expect(c.welcome!.version).toBe(2);
    // Read by the server (this process's clock) between the two readings around connect().
    const serverTimeMs = Number(c.welcome!.serverTimeMs);
    expect(serverTimeMs >= before && serverTimeMs <= after).toBe(true);
    expect(emu.address).toBe(`127.0.0.1:${emu.port}`);
  });

  test('an unknown protocol version is refused with 6017 and the connection closes', async () => {
    for (const version of [1, 3]) {
      await expect(ProtocolClient.connect(emu.address, { version })).rejects.toMatchObject({
        constructor: HandshakeRefusedError,
        code: 6017,
        desc: 'unsupported protocol version',
      });
    }
  });

  test('HELLO must name a platform of the console\'s login policy and a short printable device identity', async () => {
    // Platforms: Chat console, Login Settings (https://www.tencentcloud.com/document/product/1047/34419).
    for (const platform of ['', 'linux', 'PC', 'Symbian']) {
      await expect(ProtocolClient.connect(emu.address, { platform })).rejects.toMatchObject({ code: 6017, desc: expect.stringMatching(/^unknown platform/) });
    }
    for (const device of ['a b', 'x'.repeat(65), 'é']) {
      await expect(ProtocolClient.connect(emu.address, { device })).rejects.toMatchObject({ code: 6017, desc: expect.stringMatching(/device identity/) });
    }
    for (const platform of ['Android', 'iPhone', 'iPad', 'Windows', 'Mac', 'Linux', 'Web']) {
      const c = await ProtocolClient.connect(emu.address, { platform, device: 'd'.repeat(64) });
      clients.push(c);
      expect(c.welcome!.version).toBe(2);
    }
  });

  test('a request before HELLO closes the connection', async () => {
    const c = await ProtocolClient.open(emu.address);
    clients.push(c);
    c.writeRaw(Buffer.concat([PREFACE, encodeFrame({ type: FrameType.Request, id: 1, op: Op.Ping, a: '', b: '' })]));
    await c.closed;
  });

  test('a frame length over 1 MB closes the connection without waiting for the body', async () => {
    const c = await connect();
    const head = Buffer.alloc(5);
    head.writeUInt32BE(MAX_FRAME_LENGTH + 1, 0);
    head.writeUInt8(FrameType.Request, 4);
    c.writeRaw(head);
    await c.closed;
  });

  test('a frame of exactly 1 MB is accepted', async () => {
    const c = await loggedIn('alice');
    const overhead = 1 + 4 + 1 + 4 + 4;
    const r = await c.request(Op.Ping, 'x'.repeat(MAX_FRAME_LENGTH - overhead), '');
    expect(r.code).toBe(0);
  });

  test('a truncated frame and an unknown frame type close the connection', async () => {
    const c1 = await connect();
    const bad = Buffer.from([0, 0, 0, 3, FrameType.Request, 0, 0]);
    c1.writeRaw(bad);
    await c1.closed;
    const c2 = await connect();
    c2.writeRaw(Buffer.from([0, 0, 0, 1, 0x7f]));
    await c2.closed;
  });

  test('requests split across TCP writes byte by byte still work', async () => {
    const c = await connect();
    const frame = encodeFrame({ type: FrameType.Request, id: 77, op: Op.Ping, a: 'é', b: '' });
    for (const byte of frame) {
      c.writeRaw(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    expect((await c.request(Op.Ping)).code).toBe(0);
  });

  test('an unknown op answers 6017', async () => {
    const c = await loggedIn('alice');
    expect((await c.request(42)).code).toBe(6017);
  });
});

describe('login', () => {
  test('user ids must be printable ASCII of 1..32 bytes (7003)', async () => {
    const c = await connect();
    for (const id of ['', 'x'.repeat(33), 'a\u0001b', 'zoë', 'tab\there']) {
      expect((await c.login(id, emu.genUserSig(id))).code).toBe(7003);
    }
    expect((await c.login('x'.repeat(32), emu.genUserSig('x'.repeat(32)))).code).toBe(0);
    expect((await c.login('a b!~', emu.genUserSig('a b!~'))).code).toBe(0);
  });

  test('UserSig rejections carry the service codes', async () => {
    const c = await connect();
    const now = Math.floor(Date.now() / 1000);
    const sig = (o: Partial<Parameters<typeof genUserSig>[0]>): string =>
      genUserSig({ sdkAppId: emu.sdkAppId, secretKey: emu.secretKey, userId: 'alice', ...o });
    expect((await c.login('alice', '')).code).toBe(70002);
    expect((await c.login('alice', 'not-a-sig')).code).toBe(70003);
    expect((await c.login('alice', sig({ secretKey: 'another key' }))).code).toBe(70009);
    expect((await c.login('alice', sig({ userId: 'bob' }))).code).toBe(70013);
    expect((await c.login('alice', sig({ sdkAppId: 1400000001 }))).code).toBe(70014);
    expect((await c.login('alice', sig({ time: now - 100, expireSeconds: 10 }))).code).toBe(70001);
    expect((await c.getStatus(['alice'])).code).toBe(6014);
  });

  test('a HELLO for another SDKAppID is refused at login with 70014', async () => {
    const c = await ProtocolClient.connect(emu.address, { sdkAppId: 1400000001 });
    clients.push(c);
    expect((await c.login('alice', emu.genUserSig('alice'))).code).toBe(70014);
  });

  test('ops 3-8 answer 6014 before login; PING and LOGOUT do not need a login', async () => {
    const c = await connect();
    for (const op of [Op.GetProfiles, Op.ModifyProfile, Op.GetStatus, Op.SetStatus, Op.Subscribe, Op.Unsubscribe]) {
      expect((await c.request(op, '[]')).code).toBe(6014);
    }
    expect((await c.ping()).code).toBe(0);
    expect((await c.logout()).code).toBe(0);
  });

  test('the first valid login creates the account', async () => {
    const alice = await loggedIn('alice');
    let r = await alice.getProfiles(['bob']);
    expect(JSON.parse(r.json)).toEqual([]);
    await loggedIn('bob');
    r = await alice.getProfiles(['bob', 'alice', 'ghost', 'bob']);
    expect(r.code).toBe(0);
    const profiles = JSON.parse(r.json) as Array<Record<string, unknown>>;
    expect(profiles.map((p) => p['user_profile_identifier'])).toEqual(['bob', 'alice']);
    expect(profiles[0]).toEqual({
      user_profile_identifier: 'bob',
      user_profile_nick_name: '',
      user_profile_gender: 0,
      user_profile_face_url: '',
      user_profile_self_signature: '',
      user_profile_add_permission: 0,
      user_profile_location: '',
      user_profile_language: 0,
      user_profile_birthday: 0,
      user_profile_level: 0,
      user_profile_role: 0,
      user_profile_custom_string_array: [],
      user_profile_friend_remark: '',
    });
  });

  test('a second login of the same user kicks the first connection, which then answers 6014', async () => {
    const first = await loggedIn('alice');
    expect((await first.setStatus('busy')).code).toBe(0);
    const watcher = await loggedIn('bob');
    await watcher.subscribe(['alice']);
    await settledPushes(first);

    const second = await loggedIn('alice');
    const kick = await first.nextPush(PushEvent.KickedOffline);
    expect(kick.json).toBe('');
    expect((await first.getStatus(['alice'])).code).toBe(6014);
    expect((await first.setStatus('x')).code).toBe(6014);
    // The user never went offline: no status change for subscribers, custom status kept.
    expect(await settledPushes(watcher)).toEqual([]);
    expect(statusOf((await second.getStatus(['alice'])).json)).toEqual([{ id: 'alice', type: 1, custom: 'busy' }]);
    // The kicked connection closing later changes nothing.
    await first.close();
    expect(statusOf((await watcher.getStatus(['alice'])).json)).toEqual([{ id: 'alice', type: 1, custom: 'busy' }]);
    // The kicked connection can log in again, kicking the other.
    const third = await loggedIn('alice');
    await second.nextPush(PushEvent.KickedOffline);
    expect((await third.ping()).code).toBe(0);
  });

  test('login is idempotent for the same user; another user on the same connection logs the first out', async () => {
    const watcher = await loggedIn('watcher');
    const c = await loggedIn('alice');
    await watcher.subscribe(['alice', 'bob']);
    expect((await c.login('alice', emu.genUserSig('alice'))).code).toBe(0);
    expect(await settledPushes(watcher)).toEqual([]);
    expect((await c.login('bob', emu.genUserSig('bob'))).code).toBe(0);
    const first = await watcher.nextPush(PushEvent.UserStatusChanged);
    const second = await watcher.nextPush(PushEvent.UserStatusChanged);
    expect([...statusOf(first.json), ...statusOf(second.json)]).toEqual([
      { id: 'alice', type: 3, custom: '' },
      { id: 'bob', type: 1, custom: '' },
    ]);
  });

  test('a failed login on a logged-in connection changes nothing', async () => {
    const c = await loggedIn('alice');
    expect((await c.login('bob', 'garbage')).code).toBe(70003);
    expect(statusOf((await c.getStatus(['alice', 'bob'])).json).map((s) => s.type)).toEqual([1, 3]);
  });

  test('a UserSig that expires while logged in pushes USER_SIG_EXPIRED and ends the login', async () => {
    const watcher = await loggedIn('watcher');
    await watcher.subscribe(['alice']);
    const c = await connect();
    expect((await c.login('alice', emu.genUserSig('alice', 1))).code).toBe(0);
    await watcher.nextPush(PushEvent.UserStatusChanged);
    await c.nextPush(PushEvent.UserSigExpired);
    expect((await c.getStatus(['alice'])).code).toBe(6014);
    const change = await watcher.nextPush(PushEvent.UserStatusChanged);
    expect(statusOf(change.json)).toEqual([{ id: 'alice', type: 3, custom: '' }]);
  });
});

describe('profiles', () => {
  test('MODIFY_PROFILE sets several fields at once, adds the custom prefix and pushes the new profile', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    expect((await bob.subscribeUserInfo(['alice'])).code).toBe(0);
    const r = await alice.modifyProfile({
      user_profile_item_nick_name: 'Alice 爱丽丝',
      user_profile_item_gender: 2,
      user_profile_item_face_url: 'https://example.com/a.png',
      user_profile_item_self_signature: 'hi',
      user_profile_item_add_permission: 3,
      user_profile_item_location: 'Shenzhen',
      user_profile_item_language: 2052,
      user_profile_item_birthday: 20000101,
      user_profile_item_level: 7,
      user_profile_item_role: 4294967295,
      user_profile_item_custom_string_array: [
        { user_profile_custom_string_info_key: 'Str', user_profile_custom_string_info_value: 'one' },
        { user_profile_custom_string_info_key: 'Tag_Profile_Custom_Mood', user_profile_custom_string_info_value: '' },
      ],
    });
    expect(r).toEqual({ code: 0, desc: '', json: '' });
    const expected = {
      user_profile_identifier: 'alice',
      user_profile_nick_name: 'Alice 爱丽丝',
      user_profile_gender: 2,
      user_profile_face_url: 'https://example.com/a.png',
      user_profile_self_signature: 'hi',
      user_profile_add_permission: 3,
      user_profile_location: 'Shenzhen',
      user_profile_language: 2052,
      user_profile_birthday: 20000101,
      user_profile_level: 7,
      user_profile_role: 4294967295,
      user_profile_custom_string_array: [
        { user_profile_custom_string_info_key: 'Tag_Profile_Custom_Mood', user_profile_custom_string_info_value: '' },
        { user_profile_custom_string_info_key: 'Tag_Profile_Custom_Str', user_profile_custom_string_info_value: 'one' },
      ],
      user_profile_friend_remark: '',
    };
    const self = await alice.nextPush(PushEvent.SelfInfoUpdated);
    expect(JSON.parse(self.json)).toEqual(expected);
    const changed = await bob.nextPush(PushEvent.UserInfoChanged);
    expect(JSON.parse(changed.json)).toEqual([expected]);
    expect(await profileOf(bob, 'alice')).toEqual(expected);
    expect(await settledPushes(alice)).toEqual([]);

    expect((await alice.modifyProfile({ user_profile_item_nick_name: 'A2' })).code).toBe(0);
    const p = await profileOf(alice, 'alice');
    expect(p['user_profile_nick_name']).toBe('A2');
    expect(p['user_profile_gender']).toBe(2);
  });

  test.each<[string, string | Record<string, unknown>, number]>([
    ['invalid JSON', '{"user_profile_item_nick_name":', 6027],
    ['empty text', '', 6027],
    ['an empty object', {}, 6017],
    ['an array', '[]', 6017],
    ['null', 'null', 6017],
    ['an unknown key', { user_profile_item_nick_name: 'x', user_profile_item_mood: 'y' }, 6017],
    ['a number as nick', { user_profile_item_nick_name: 1 }, 6017],
    ['gender 3', { user_profile_item_gender: 3 }, 6017],
    ['gender as string', { user_profile_item_gender: '1' }, 6017],
    ['add permission 4', { user_profile_item_add_permission: 4 }, 6017],
    ['negative language', { user_profile_item_language: -1 }, 6017],
    ['fractional level', { user_profile_item_level: 1.5 }, 6017],
    ['role over uint32', { user_profile_item_role: 4294967296 }, 6017],
    ['location as number', { user_profile_item_location: 86 }, 6017],
    ['custom array as object', { user_profile_item_custom_string_array: {} }, 6017],
    ['custom item without value', { user_profile_item_custom_string_array: [{ user_profile_custom_string_info_key: 'A' }] }, 6017],
    ['custom item with extra key', { user_profile_item_custom_string_array: [{ user_profile_custom_string_info_key: 'A', user_profile_custom_string_info_value: 'v', x: 1 }] }, 6017],
    ['a 501-byte nick', { user_profile_item_nick_name: '中'.repeat(167) }, 9001],
    ['a 501-byte signature', { user_profile_item_self_signature: 's'.repeat(501) }, 9001],
    ['a 501-byte face url', { user_profile_item_face_url: 'u'.repeat(501) }, 9001],
    ['a 501-byte location', { user_profile_item_location: 'l'.repeat(501) }, 9001],
    ['a custom keyword with a digit', { user_profile_item_custom_string_array: [{ user_profile_custom_string_info_key: 'Str1', user_profile_custom_string_info_value: 'v' }] }, 9001],
    ['a 9-letter custom keyword', { user_profile_item_custom_string_array: [{ user_profile_custom_string_info_key: 'Tag_Profile_Custom_abcdefghi', user_profile_custom_string_info_value: 'v' }] }, 9001],
    ['an empty custom keyword', { user_profile_item_custom_string_array: [{ user_profile_custom_string_info_key: 'Tag_Profile_Custom_', user_profile_custom_string_info_value: 'v' }] }, 9001],
    ['a 501-byte custom value', { user_profile_item_custom_string_array: [{ user_profile_custom_string_info_key: 'Str', user_profile_custom_string_info_value: 'v'.repeat(501) }] }, 9001],
  ])('refuses %s and changes nothing', async (_name, body, code) => {
    const alice = await loggedIn('alice');
    expect((await alice.modifyProfile({ user_profile_item_nick_name: 'before', user_profile_item_gender: 1 })).code).toBe(0);
    await alice.nextPush(PushEvent.SelfInfoUpdated);
    const before = await profileOf(alice, 'alice');
    // A valid field next to the bad one must not be applied either.
    const bad = typeof body === 'string' || Object.keys(body).length === 0 ? body : { user_profile_item_level: 99, ...body };
    const r = await alice.modifyProfile(bad);
    expect(r.code).toBe(code);
    expect(r.desc).not.toBe('');
    expect(await profileOf(alice, 'alice')).toEqual(before);
    expect(await settledPushes(alice)).toEqual([]);
  });

  test('limits are inclusive: 500-byte values and 8-letter keywords are accepted', async () => {
    const alice = await loggedIn('alice');
    const r = await alice.modifyProfile({
      user_profile_item_nick_name: 'n'.repeat(500),
      user_profile_item_custom_string_array: [
        { user_profile_custom_string_info_key: 'abcdefgh', user_profile_custom_string_info_value: '値'.repeat(166) + 'xx' },
      ],
    });
    expect(r.code).toBe(0);
  });

  const item = (k: string): Record<string, string> => ({
    user_profile_custom_string_info_key: k,
    user_profile_custom_string_info_value: 'v',
  });

  // A custom field must be declared in the console first (https://cloud.tencent.com/document/product/269/1500:
  // "App 管理员可以通过即时通信 IM 控制台 > 应用配置 > 功能配置 申请自定义资料字段"); the service's answer for a tag
  // the app does not have is 40009 ("资料字段的 Tag 不存在", TIMErrorCode.h ERR_SVR_PROFILE_TAG_NOT_FOUND).
  test('an unregistered custom key is 40009 and changes nothing; one registered later is writable', async () => {
    const alice = await loggedIn('alice');
    const r = await alice.modifyProfile({ user_profile_item_nick_name: 'changed?', user_profile_item_custom_string_array: [item('Team')] });
    expect(r.code).toBe(40009);
    expect(r.desc).toContain('Tag_Profile_Custom_Team');
    expect(await profileOf(alice, 'alice')).toMatchObject({ user_profile_nick_name: '', user_profile_custom_string_array: [] });
    expect(await settledPushes(alice)).toEqual([]);
    emu.registerCustomFields({ profile: ['Team'] });
    expect((await alice.modifyProfile({ user_profile_item_custom_string_array: [item('Tag_Profile_Custom_Team')] })).code).toBe(0);
  });

  test('lenient (not what the service does): keys registered on first use, at most 20, then 9001', async () => {
    await emu.close();
    emu = await startEmulator({ port: 0, log: quiet, lenientCustomFields: true });
    const alice = await loggedIn('alice');
    const twenty = [...'abcdefghijklmnopqrst'].map((k) => item(`K${k}`));
    expect((await alice.modifyProfile({ user_profile_item_custom_string_array: twenty })).code).toBe(0);
    const bob = await loggedIn('bob');
    expect((await bob.modifyProfile({ user_profile_item_custom_string_array: [item('Ka')] })).code).toBe(0);
    expect((await bob.modifyProfile({ user_profile_item_custom_string_array: [item('Kzz')] })).code).toBe(9001);
  });

  test('GET_PROFILES validates its parameter', async () => {
    const alice = await loggedIn('alice');
    const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `u${i}`);
    // 100 ids per call is recommended, not a limit (V2TIMManager getUsersInfo: "userIDList 建议一次最大
    // 100 个 ... 后台限制数据包最大为 1M"): only the 1 MB answer frame bounds a call (9522).
    expect((await alice.getProfiles(ids(100))).code).toBe(0);
    expect((await alice.getProfiles(ids(2000))).code).toBe(0);
    expect((await alice.getProfiles([])).code).toBe(6017);
    expect((await alice.getProfiles('{"friendship_getprofilelist_param_identifier_array":')).code).toBe(6027);
    expect((await alice.getProfiles('{"friendship_getprofilelist_param_identifier_array":"alice"}')).code).toBe(6017);
    expect((await alice.getProfiles('{"friendship_getprofilelist_param_identifier_array":[1]}')).code).toBe(6017);
    expect((await alice.getProfiles('{"friendship_getprofilelist_param_identifier_array":["alice"],"x":1}')).code).toBe(6017);
    expect((await alice.getProfiles('["alice"]')).code).toBe(6017);
    const forced = await alice.getProfiles(
      '{"friendship_getprofilelist_param_identifier_array":["alice"],"friendship_getprofilelist_param_force_update":true}',
    );
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.json)).toHaveLength(1);
    expect(
      (await alice.getProfiles('{"friendship_getprofilelist_param_identifier_array":["alice"],"friendship_getprofilelist_param_force_update":1}')).code,
    ).toBe(6017);
  });

  test('an answer over 1 MB fails with 9522 instead of being sent', async () => {
    const keys = [...'ABCDEFGHIJKLMNOPQRST'].map((k) => `K${k}`);
    await emu.close();
    emu = await startEmulator({ port: 0, log: quiet, customFields: { profile: keys } });
    const c = await connect();
    const custom = [...'ABCDEFGHIJKLMNOPQRST'].map((k) => ({
      user_profile_custom_string_info_key: `K${k}`,
      user_profile_custom_string_info_value: 'v'.repeat(500),
    }));
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const id = `big${i}`;
      ids.push(id);
      expect((await c.login(id, emu.genUserSig(id))).code).toBe(0);
      const r = await c.modifyProfile({
        user_profile_item_nick_name: 'n'.repeat(500),
        user_profile_item_self_signature: 's'.repeat(500),
        user_profile_item_custom_string_array: custom,
      });
      expect(r.code).toBe(0);
    }
    const r = await c.getProfiles(ids);
    expect(r.code).toBe(9522);
    expect(r.json).toBe('');
    expect((await c.getProfiles(ids.slice(0, 10))).code).toBe(0);
  });
});

describe('status', () => {
  test('Online while logged in, Offline after a drop, UnLogined after logout or never', async () => {
    const watcher = await loggedIn('watcher');
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const all = ['alice', 'bob', 'ghost', 'watcher'];
    const r = await watcher.getStatus(all);
    expect(JSON.parse(r.json)[0]).toEqual({
      user_status_identifier: 'alice',
      user_status_status_type: 1,
      user_status_custom_status: '',
      user_status_online_devices: ['Linux'],
    });
    expect(statusOf(r.json).map((s) => s.type)).toEqual([1, 1, 3, 1]);

    expect((await watcher.subscribe(['alice', 'bob'])).code).toBe(0);
    expect((await alice.setStatus('lunch')).code).toBe(0);
    await watcher.nextPush(PushEvent.UserStatusChanged);
    alice.destroy();
    expect(statusOf((await watcher.nextPush(PushEvent.UserStatusChanged)).json)[0]!.type).toBe(2);
    expect((await bob.logout()).code).toBe(0);
    expect((await bob.getStatus(['bob'])).code).toBe(6014);
    expect(statusOf((await watcher.getStatus(all)).json)).toEqual([
      { id: 'alice', type: 2, custom: '' },
      { id: 'bob', type: 3, custom: '' },
      { id: 'ghost', type: 3, custom: '' },
      { id: 'watcher', type: 1, custom: '' },
    ]);
  });

  test('GET_STATUS takes at most 500 ids and validates its parameter', async () => {
    const c = await loggedIn('alice');
    const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `u${i}`);
    const ok = await c.getStatus(ids(500));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.json)).toHaveLength(500);
    expect((await c.getStatus(ids(501))).code).toBe(6017);
    expect((await c.getStatus('["a",')).code).toBe(6027);
    expect((await c.getStatus('{"a":1}')).code).toBe(6017);
    expect((await c.getStatus('[1]')).code).toBe(6017);
    expect((await c.getStatus('[""]')).code).toBe(6017);
    expect((await c.getStatus('[]')).code).toBe(6017);
  });

  test('SET_STATUS: at most 100 bytes, empty clears, a change reaches the user itself and its subscribers', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    await bob.subscribe(['alice']);

    expect((await alice.setStatus('é'.repeat(50))).code).toBe(0);
    for (const c of [alice, bob]) {
      const p = await c.nextPush(PushEvent.UserStatusChanged);
      expect(statusOf(p.json)).toEqual([{ id: 'alice', type: 1, custom: 'é'.repeat(50) }]);
    }
    // The same value again is not a change.
    expect((await alice.setStatus('é'.repeat(50))).code).toBe(0);
    expect(await settledPushes(alice)).toEqual([]);
    expect(await settledPushes(bob)).toEqual([]);

    expect((await alice.setStatus('x'.repeat(101))).code).toBe(6017);
    expect((await alice.request(Op.SetStatus, '{"user_status_custom_status":')).code).toBe(6027);
    expect((await alice.request(Op.SetStatus, '{}')).code).toBe(6017);
    expect((await alice.request(Op.SetStatus, '{"user_status_custom_status":5}')).code).toBe(6017);
    expect((await alice.request(Op.SetStatus, '{"user_status_custom_status":"a","other":1}')).code).toBe(6017);
    expect(statusOf((await bob.getStatus(['alice'])).json)[0]!.custom).toBe('é'.repeat(50));
    expect(await settledPushes(bob)).toEqual([]);

    expect((await alice.setStatus('')).code).toBe(0);
    const cleared = await bob.nextPush(PushEvent.UserStatusChanged);
    expect(statusOf(cleared.json)).toEqual([{ id: 'alice', type: 1, custom: '' }]);
    await alice.nextPush(PushEvent.UserStatusChanged);
    // A full TIMUserStatus is accepted; only the custom status is taken.
    const full = JSON.stringify({
      user_status_identifier: 'someone',
      user_status_status_type: 2,
      user_status_custom_status: 'full',
      user_status_online_devices: [],
    });
    expect((await alice.request(Op.SetStatus, full)).code).toBe(0);
    expect(statusOf((await bob.getStatus(['alice'])).json)).toEqual([{ id: 'alice', type: 1, custom: 'full' }]);
  });
});

describe('subscriptions', () => {
  test('subscribers get every status type and custom status change of the users they watch', async () => {
    const bob = await loggedIn('bob');
    expect((await bob.subscribe(['alice', 'carol'])).code).toBe(0);
    const next = async (): Promise<Array<{ id: string; type: number; custom: string }>> =>
      statusOf((await bob.nextPush(PushEvent.UserStatusChanged)).json);

    const alice = await loggedIn('alice');
    expect(await next()).toEqual([{ id: 'alice', type: 1, custom: '' }]);
    await alice.setStatus('coding');
    expect(await next()).toEqual([{ id: 'alice', type: 1, custom: 'coding' }]);
    alice.destroy();
    expect(await next()).toEqual([{ id: 'alice', type: 2, custom: '' }]);
    const alice2 = await loggedIn('alice');
    expect(await next()).toEqual([{ id: 'alice', type: 1, custom: '' }]);
    await alice2.logout();
    expect(await next()).toEqual([{ id: 'alice', type: 3, custom: '' }]);
    // Users bob does not watch do not reach him.
    await loggedIn('dave');
    expect(await settledPushes(bob)).toEqual([]);
  });

  test('SUBSCRIBE takes at most 100 ids, refuses yourself, validates, and changes nothing when refused', async () => {
    const bob = await loggedIn('bob');
    const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `u${i}`);
    expect((await bob.subscribe(ids(101))).code).toBe(6017);
    expect((await bob.subscribe(['alice', 'bob'])).code).toBe(6017);
    expect((await bob.subscribe('["alice"')).code).toBe(6027);
    expect((await bob.subscribe('"alice"')).code).toBe(6017);
    expect((await bob.subscribe('[]')).code).toBe(6017);
    await loggedIn('alice');
    await loggedIn('u0');
    expect(await settledPushes(bob)).toEqual([]);
    expect((await bob.subscribe(ids(100))).code).toBe(0);
  });

  test('UNSUBSCRIBE removes the listed users; "" and [] remove everyone', async () => {
    const bob = await loggedIn('bob');
    const login = async (id: string): Promise<void> => {
      const c = await loggedIn(id);
      await c.logout();
    };
    await bob.subscribe(['a', 'b', 'c']);
    expect((await bob.unsubscribe(['a', 'nobody'])).code).toBe(0);
    await login('a');
    await login('b');
    expect((await settledPushes(bob)).map((p) => statusOf(p.json)[0]!.id)).toEqual(['b', 'b']);

    expect((await bob.unsubscribe()).code).toBe(0);
    await login('b');
    await login('c');
    expect(await settledPushes(bob)).toEqual([]);

    await bob.subscribe(['c']);
    expect((await bob.unsubscribe('[]')).code).toBe(0);
    await login('c');
    expect(await settledPushes(bob)).toEqual([]);

    expect((await bob.unsubscribe('[1]')).code).toBe(6017);
    expect((await bob.unsubscribe('[')).code).toBe(6027);
  });

  test('subscriptions end with the login', async () => {
    const bob = await loggedIn('bob');
    await bob.subscribe(['alice']);
    await bob.logout();
    await bob.login('bob', emu.genUserSig('bob'));
    await loggedIn('alice');
    expect(await settledPushes(bob)).toEqual([]);
  });

  test('the list holds 200 users and evicts the earliest subscribed; re-subscribing moves a user to the end', async () => {
    const bob = await loggedIn('bob');
    const ids = Array.from({ length: 202 }, (_, i) => `u${i}`);
    expect((await bob.subscribe(ids.slice(0, 100))).code).toBe(0);
    expect((await bob.subscribe(ids.slice(100, 200))).code).toBe(0);
    expect((await bob.subscribe(['u1'])).code).toBe(0); // u1 is now the latest
    expect((await bob.subscribe(['u200', 'u201'])).code).toBe(0); // evicts u0 and u2

    const changed = async (id: string): Promise<boolean> => {
      const c = await loggedIn(id);
      await c.logout();
      return (await settledPushes(bob)).length > 0;
    };
    expect(await changed('u0')).toBe(false);
    expect(await changed('u2')).toBe(false);
    expect(await changed('u1')).toBe(true);
    expect(await changed('u3')).toBe(true);
    expect(await changed('u199')).toBe(true);
    expect(await changed('u201')).toBe(true);
  });

  // TIMManager.h, the note on TIMSetUserInfoChangedCallback: the callback fires only for users
  // subscribed with TIMSubscribeUserInfo; status subscribers get nothing of a profile change.
  test('USER_INFO_CHANGED reaches user-info subscribers only, not status subscribers', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const carol = await loggedIn('carol');
    expect((await bob.subscribeUserInfo(['alice'])).code).toBe(0);
    expect((await carol.subscribe(['alice'])).code).toBe(0);
    await alice.modifyProfile({ user_profile_item_level: 3 });
    const p = await bob.nextPush(PushEvent.UserInfoChanged);
    expect((JSON.parse(p.json) as Array<Record<string, unknown>>)[0]!['user_profile_level']).toBe(3);
    expect(await settledPushes(carol)).toEqual([]);
  });

  // TIMManager.h 6.3: "the list holds at most 200; beyond it the earliest subscribed is evicted".
  test('SUBSCRIBE_USER_INFO keeps 200 users, evicting the earliest subscribed', async () => {
    const watcher = await loggedIn('watcher');
    const first = await loggedIn('u0');
    const last = await loggedIn('u200');
    const ids = Array.from({ length: 200 }, (_, i) => `u${i}`);
    expect((await watcher.subscribeUserInfo(ids)).code).toBe(0);
    expect((await watcher.subscribeUserInfo(['u200'])).code).toBe(0);
    await first.modifyProfile({ user_profile_item_level: 1 });
    await last.modifyProfile({ user_profile_item_level: 2 });
    const pushes = await settledPushes(watcher);
    expect(pushes.map((p) => (JSON.parse(p.json) as Array<Record<string, unknown>>)[0]!['user_profile_identifier'])).toEqual(['u200']);
  });

  // TIMManager.h 6.4: "when json_user_id_list is empty or nullptr, every subscription is cancelled".
  test('UNSUBSCRIBE_USER_INFO removes the listed users; "", null and [] remove all', async () => {
    const watcher = await loggedIn('watcher');
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    for (const all of ['', 'null', '[]']) {
      expect((await watcher.subscribeUserInfo(['alice', 'bob'])).code).toBe(0);
      expect((await watcher.unsubscribeUserInfo(['bob'])).code).toBe(0);
      await bob.modifyProfile({ user_profile_item_level: 1 });
      await alice.modifyProfile({ user_profile_item_level: 1 });
      expect((await settledPushes(watcher)).map((p) => p.event)).toEqual([PushEvent.UserInfoChanged]);
      expect((await watcher.unsubscribeUserInfo(all)).code).toBe(0);
      await alice.modifyProfile({ user_profile_item_level: 2 });
      expect(await settledPushes(watcher)).toEqual([]);
    }
  });

  test('SUBSCRIBE_USER_INFO validates its list (6027, 6017) and needs a login (6014); subscribing to yourself changes nothing', async () => {
    const c = await loggedIn('alice');
    expect((await c.subscribeUserInfo('[')).code).toBe(6027);
    for (const bad of ['{}', '[]', '[1]', '[""]', JSON.stringify(Array.from({ length: 201 }, (_, i) => `u${i}`))]) {
      expect({ bad, code: (await c.subscribeUserInfo(bad)).code }).toEqual({ bad, code: 6017 });
    }
    expect((await c.subscribeUserInfo(['alice'])).code).toBe(0);
    await c.modifyProfile({ user_profile_item_level: 4 });
    expect((await settledPushes(c)).map((p) => p.event)).toEqual([PushEvent.SelfInfoUpdated]);
    const anonymous = await connect();
    expect((await anonymous.subscribeUserInfo(['alice'])).code).toBe(6014);
    expect((await anonymous.unsubscribeUserInfo()).code).toBe(6014);
  });

  test('user-info subscriptions end with the login', async () => {
    const watcher = await loggedIn('watcher');
    const alice = await loggedIn('alice');
    expect((await watcher.subscribeUserInfo(['alice'])).code).toBe(0);
    expect((await watcher.logout()).code).toBe(0);
    expect((await watcher.login('watcher', emu.genUserSig('watcher'))).code).toBe(0);
    await alice.modifyProfile({ user_profile_item_level: 9 });
    expect(await settledPushes(watcher)).toEqual([]);
  });
});

describe('devices and platforms', () => {
  /**
   * Drops `c` and waits until the server has ended its login: `watcher` (subscribed to `userId`)
   * gets the user's Offline push. A client's own `closed` says nothing about when the server saw it.
   */
  async function dropSeen(c: ProtocolClient, watcher: ProtocolClient, userId: string): Promise<void> {
    c.destroy();
    await watcher.nextPush(PushEvent.UserStatusChanged, (p) => statusOf(p.json).some((s) => s.id === userId && s.type === 2));
  }

  /** Asks until `read` answers `expected` (the server handles a dropped socket in its own time). */
  async function eventually<T>(read: () => Promise<T>, expected: T): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      if (JSON.stringify(await read()) === JSON.stringify(expected)) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await read()).toEqual(expected);
  }

  /** A connection of `device` on `platform`, logged in as `userId` (the LOGIN's answer is returned too). */
  async function device(userId: string, dev: string, platform = 'Linux'): Promise<{ c: ProtocolClient; code: number }> {
    const c = await ProtocolClient.connect(emu.address, { device: dev, platform });
    clients.push(c);
    return { c, code: (await c.login(userId, emu.genUserSig(userId))).code };
  }

  // TIMManager.h, the note on TIMSetKickedOfflineCallback: device 1 quits without logging out,
  // device 2 logs in; device 1's next login fails with 6208 (ERR_LOGIN_KICKED_OFF_BY_OTHER); its
  // login after that forces it online and device 2 gets the kicked-offline callback.
  test('kicked while offline: 6208 once, then the next login forces the device on and kicks the other', async () => {
    const watcher = await device('watcher', 'w');
    await watcher.c.subscribe(['alice']);
    const one = await device('alice', 'device-1');
    expect(one.code).toBe(0);
    await dropSeen(one.c, watcher.c, 'alice');
    const two = await device('alice', 'device-2');
    expect(two.code).toBe(0);
    expect(await settledPushes(two.c)).toEqual([]);

    const again = await ProtocolClient.connect(emu.address, { device: 'device-1', platform: 'Linux' });
    clients.push(again);
    const refused = await again.login('alice', emu.genUserSig('alice'));
    expect(refused).toMatchObject({ code: 6208, desc: expect.stringMatching(/kicked off by another device while offline/) });
    expect((await again.getStatus(['alice'])).code).toBe(6014);
    expect(await settledPushes(two.c)).toEqual([]);
    expect((await two.c.getStatus(['alice'])).code).toBe(0);

    expect((await again.login('alice', emu.genUserSig('alice'))).code).toBe(0);
    await two.c.nextPush(PushEvent.KickedOffline);
    expect((await two.c.getStatus(['alice'])).code).toBe(6014);
  });

  test('kicked while online: the kicked-offline push, and no 6208 at its next login', async () => {
    const one = await device('alice', 'device-1');
    const two = await device('alice', 'device-2');
    await one.c.nextPush(PushEvent.KickedOffline);
    expect(two.code).toBe(0);
    expect((await one.c.login('alice', emu.genUserSig('alice'))).code).toBe(0);
    await two.c.nextPush(PushEvent.KickedOffline);
  });

  test('no 6208 after a logout, for the same device coming back, or for another platform', async () => {
    const watcher = await device('watcher', 'w');
    await watcher.c.subscribe(['alice', 'bob', 'carol']);
    const one = await device('alice', 'device-1');
    expect((await one.c.logout()).code).toBe(0);
    one.c.destroy();
    expect((await device('alice', 'device-2')).code).toBe(0);
    expect((await device('alice', 'device-1')).code).toBe(0);

    const bob = await device('bob', 'bob-1');
    await dropSeen(bob.c, watcher.c, 'bob');
    expect((await device('bob', 'bob-1')).code).toBe(0);

    const carol = await device('carol', 'carol-desktop', 'Linux');
    await dropSeen(carol.c, watcher.c, 'carol');
    expect((await device('carol', 'carol-phone', 'Android')).code).toBe(0);
    expect((await device('carol', 'carol-desktop', 'Linux')).code).toBe(0);
  });

  test('a refused 6208 login changes nothing else on its connection', async () => {
    const watcher = await device('watcher', 'w');
    await watcher.c.subscribe(['alice']);
    const one = await device('alice', 'device-1');
    await dropSeen(one.c, watcher.c, 'alice');
    await device('alice', 'device-2');
    const again = await device('bob', 'device-1');
    expect(again.code).toBe(0);
    expect((await again.c.login('alice', emu.genUserSig('alice'))).code).toBe(6208);
    expect(statusOf((await again.c.getStatus(['bob'])).json)).toEqual([{ id: 'bob', type: 1, custom: '' }]);
  });

  // Default multi-device policy (https://www.tencentcloud.com/document/product/1047/47970, note 7):
  // "by default each platform supports one online terminal (e.g. Android and Android kick each
  // other)"; other platforms stay online together.
  test('one session per platform: the same platform kicks, other platforms stay online and are listed', async () => {
    const desktop = await device('alice', 'pc', 'Windows');
    const phone = await device('alice', 'phone-1', 'Android');
    const web = await device('alice', 'browser', 'Web');
    const watcher = await device('watcher', 'w');
    const devices = async (): Promise<unknown> => JSON.parse((await watcher.c.getStatus(['alice'])).json)[0].user_status_online_devices;
    expect(await devices()).toEqual(['Windows', 'Android', 'Web']);
    expect(await settledPushes(desktop.c)).toEqual([]);

    const phone2 = await device('alice', 'phone-2', 'Android');
    expect(phone2.code).toBe(0);
    await phone.c.nextPush(PushEvent.KickedOffline);
    expect(await settledPushes(desktop.c)).toEqual([]);
    expect(await settledPushes(web.c)).toEqual([]);
    expect(await devices()).toEqual(['Windows', 'Web', 'Android']);

    expect((await web.c.logout()).code).toBe(0);
    expect(await devices()).toEqual(['Windows', 'Android']);
    desktop.c.destroy();
    await eventually(devices, ['Android']);
    expect(statusOf((await watcher.c.getStatus(['alice'])).json)[0]!.type).toBe(1);
  });

  test('one platform leaving does not change the status type; the last one does, once', async () => {
    const desktop = await device('alice', 'pc', 'Windows');
    const phone = await device('alice', 'phone', 'iPhone');
    const watcher = await device('watcher', 'w');
    expect((await watcher.c.subscribe(['alice'])).code).toBe(0);
    expect((await phone.c.setStatus('commuting')).code).toBe(0);
    // The custom status reaches the subscriber and every device of the user (TIMManager.h 3.5, case 3).
    expect(statusOf((await watcher.c.nextPush(PushEvent.UserStatusChanged)).json)).toEqual([{ id: 'alice', type: 1, custom: 'commuting' }]);
    await desktop.c.nextPush(PushEvent.UserStatusChanged);
    await phone.c.nextPush(PushEvent.UserStatusChanged);

    desktop.c.destroy();
    const devices = async (): Promise<unknown> => JSON.parse((await watcher.c.getStatus(['alice'])).json)[0].user_status_online_devices;
    await eventually(devices, ['iPhone']);
    expect(await settledPushes(watcher.c)).toEqual([]);
    expect(statusOf((await watcher.c.getStatus(['alice'])).json)).toEqual([{ id: 'alice', type: 1, custom: 'commuting' }]);
    phone.c.destroy();
    expect(statusOf((await watcher.c.nextPush(PushEvent.UserStatusChanged)).json)).toEqual([{ id: 'alice', type: 2, custom: '' }]);
  });

  test('a profile change reaches every device of the user as SELF_INFO_UPDATED', async () => {
    const desktop = await device('alice', 'pc', 'Mac');
    const phone = await device('alice', 'phone', 'iPad');
    expect((await phone.c.modifyProfile({ user_profile_item_nick_name: 'Al' })).code).toBe(0);
    for (const c of [desktop.c, phone.c]) {
      const p = await c.nextPush(PushEvent.SelfInfoUpdated);
      expect(JSON.parse(p.json)).toMatchObject({ user_profile_identifier: 'alice', user_profile_nick_name: 'Al' });
    }
  });
});

describe('persistence and lifecycle', () => {
  test('a data file in a missing folder: ENOENT naming the file', async () => {
    const dataFile = join(tmpdir(), 'tim-no-such-folder', 'sub', 'emu.sqlite');
    await expect(startEmulator({ port: 0, dataFile })).rejects.toMatchObject({
      code: 'ENOENT',
      message: `tim-native: cannot create the emulator's data file ${dataFile}: its folder does not exist`,
    });
  });

  test('as a library it prints nothing unless given `log`', async () => {
    const script = `require(${JSON.stringify(join(__dirname, '..', 'dist', 'emulator'))}).startEmulator({ port: 0 }).then((e) => e.close())`;
    expect(await promisify(execFile)(process.execPath, ['-e', script])).toEqual({ stdout: '', stderr: '' });
  });

  test('accounts, profiles and custom fields survive a restart with the same dataFile; presence does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tim-emu-'));
    try {
      const dataFile = join(dir, 'emu.sqlite');
      const first = await startEmulator({ port: 0, dataFile, log: quiet, customFields: { profile: ['Str'] } });
      const alice = await ProtocolClient.connect(first.address);
      expect((await alice.login('alice', first.genUserSig('alice'))).code).toBe(0);
      const patch = {
        user_profile_item_nick_name: 'Alice',
        user_profile_item_gender: 2,
        user_profile_item_custom_string_array: [
          { user_profile_custom_string_info_key: 'Str', user_profile_custom_string_info_value: 'kept' },
        ],
      };
      expect((await alice.modifyProfile(patch)).code).toBe(0);
      await alice.setStatus('gone soon');
      const before = await profileOf(alice, 'alice');
      expect(existsSync(`${dataFile}-wal`)).toBe(true);
      await first.close();
      await alice.closed;

      const second = await startEmulator({ port: 0, dataFile, log: quiet });
      try {
        const bob = await ProtocolClient.connect(second.address);
        expect((await bob.login('bob', second.genUserSig('bob'))).code).toBe(0);
        expect(await profileOf(bob, 'alice')).toEqual(before);
        expect(statusOf((await bob.getStatus(['alice'])).json)).toEqual([{ id: 'alice', type: 3, custom: '' }]);
        // The registration is kept with the data, as the console keeps it.
        expect(second.registerCustomFields({}).profile).toEqual(['Tag_Profile_Custom_Str']);
        expect((await bob.modifyProfile({ user_profile_item_custom_string_array: [{ user_profile_custom_string_info_key: 'Str', user_profile_custom_string_info_value: 'b' }] })).code).toBe(0);
        bob.destroy();
      } finally {
        await second.close();
      }
      const third = await startEmulator({ port: 0, dataFile, log: quiet });
      const carol = await ProtocolClient.connect(third.address);
      expect((await carol.login('carol', third.genUserSig('carol'))).code).toBe(0);
      const ids = JSON.parse((await carol.getProfiles(['alice', 'bob', 'carol'])).json) as Array<Record<string, unknown>>;
      expect(ids.map((p) => p['user_profile_identifier'])).toEqual(['alice', 'bob', 'carol']);
      carol.destroy();
      await third.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('close() disconnects clients, frees the port and is idempotent', async () => {
    const other = await startEmulator({ port: 0, log: quiet });
    const c = await ProtocolClient.connect(other.address);
    await Promise.all([other.close(), other.close()]);
    await c.closed;
    await expect(ProtocolClient.open(other.address)).rejects.toThrow();
  });

  test('a taken port rejects startEmulator', async () => {
    await expect(startEmulator({ port: emu.port, log: quiet })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  test('options are validated and the start-up lines go to log', async () => {
    await expect(startEmulator({ port: -1, log: quiet })).rejects.toThrow(TypeError);
    await expect(startEmulator({ sdkAppId: 0, log: quiet })).rejects.toThrow(TypeError);
    const lines: string[] = [];
    const e = await startEmulator({ port: 0, sdkAppId: 1400000042, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toContain(e.address);
    expect(lines.join('\n')).toContain(e.secretKey);
    expect(e.sdkAppId).toBe(1400000042);
    await e.close();
    const own: string[] = [];
    const f = await startEmulator({ port: 0, secretKey: 'my own key', log: (l) => own.push(l) });
    expect(own.join('\n')).not.toContain('my own key');
    await f.close();
  });

  test('every request is reported once, without UserSigs', async () => {
    const entries: RequestLogEntry[] = [];
    emu.on('request', (e) => entries.push(e));
    const sig = emu.genUserSig('alice');
    const c = await connect();
    await c.login('alice', sig);
    await c.getStatus('[');
    expect(entries.map((e) => [e.transport, e.op, e.code, e.userId])).toEqual([
      ['protocol', 'LOGIN', 0, 'alice'],
      ['protocol', 'GET_STATUS', 6027, 'alice'],
    ]);
    expect(JSON.stringify(entries)).not.toContain(sig);
  });

  test('HTTP requests on the same port reach the REST handler and are reported', async () => {
    const entries: RequestLogEntry[] = [];
    emu.on('request', (e) => entries.push(e));
    const body = JSON.stringify({ UserID: 'x'.repeat(200_000) });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: emu.host,
          port: emu.port,
          method: 'POST',
          path: '/v4/im_open_login_svc/account_import?sdkappid=1&identifier=administrator&usersig=SECRET&random=1&contenttype=json',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBeGreaterThanOrEqual(200);
    // The entry is reported on the server's 'finish', which may come just after the client's 'end':
    // wait for it, then let a second request be the marker that the first was reported only once.
    const reported = (n: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (entries.length < n) return;
          emu.off('request', check);
          resolve();
        };
        emu.on('request', check);
        check();
      });
    await reported(1);
    const marker = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: emu.host, port: emu.port, method: 'GET', path: '/marker' }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    await reported(2);
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({ transport: 'http', op: 'GET /marker', code: marker });
    expect(entries[0]).toMatchObject({ transport: 'http', op: 'POST /v4/im_open_login_svc/account_import', code: status });
    expect(JSON.stringify(entries)).not.toContain('SECRET');
  });
});

describe('Presence API of the REST side', () => {
  interface FakeClient extends PresenceClient {
    frames: Frame[];
    ended: number;
  }
  function fakeClient(): FakeClient {
    const decoder = new FrameDecoder();
    const c: FakeClient = {
      frames: [],
      ended: 0,
      send: (bytes) => void c.frames.push(...decoder.push(bytes)),
      loginEnded: () => void c.ended++,
    };
    return c;
  }
  function setup(): { hub: PresenceHub; store: SqliteProfileStore; close: () => void } {
    const db = openDatabase(':memory:');
    const store = new SqliteProfileStore(db);
    return { hub: new PresenceHub(store), store, close: () => db.close() };
  }

  test('kick() pushes KICKED_OFFLINE, ends the login and tells subscribers the user is UnLogined', () => {
    const { hub, store, close } = setup();
    store.ensureAccount('alice');
    const alice = fakeClient();
    const watcher = fakeClient();
    hub.login(alice, 'alice', { device: 'dev-alice', platform: 'Linux' });
    hub.login(watcher, 'watcher', { device: 'dev-watcher', platform: 'Linux' });
    hub.subscribe(watcher, ['alice']);
    hub.setCustomStatus(alice, 'here');
    alice.frames.length = 0;
    watcher.frames.length = 0;

    expect(hub.isOnline('alice')).toBe(true);
    expect(hub.kick('alice')).toBe(true);
    expect(alice.frames).toEqual([{ type: FrameType.Push, event: PushEvent.KickedOffline, json: '' }]);
    expect(alice.ended).toBe(1);
    expect(hub.userOf(alice)).toBeUndefined();
    expect(hub.isOnline('alice')).toBe(false);
    expect(hub.status('alice')).toEqual({ type: 3, custom: '', devices: [] });
    expect(watcher.frames).toHaveLength(1);
    expect(statusOf((watcher.frames[0] as { json: string }).json)).toEqual([{ id: 'alice', type: 3, custom: '' }]);
    expect(hub.kick('alice')).toBe(false);
    close();
  });

  test('kick() ends the user\'s sessions on every platform', () => {
    const { hub, close } = setup();
    const desktop = fakeClient();
    const phone = fakeClient();
    hub.login(desktop, 'alice', { device: 'pc', platform: 'Windows' });
    hub.login(phone, 'alice', { device: 'phone', platform: 'Android' });
    expect(hub.status('alice')).toEqual({ type: 1, custom: '', devices: ['Windows', 'Android'] });
    expect(hub.kick('alice')).toBe(true);
    for (const c of [desktop, phone]) {
      expect(c.frames).toEqual([{ type: FrameType.Push, event: PushEvent.KickedOffline, json: '' }]);
      expect(c.ended).toBe(1);
    }
    expect(hub.status('alice')).toEqual({ type: 3, custom: '', devices: [] });
    close();
  });

  test('profileChanged() pushes SELF_INFO_UPDATED to the user and USER_INFO_CHANGED to its user-info subscribers', () => {
    const { hub, store, close } = setup();
    store.ensureAccount('alice', { nick: 'Al', faceUrl: 'f' });
    const alice = fakeClient();
    const watcher = fakeClient();
    hub.login(alice, 'alice', { device: 'dev-alice', platform: 'Linux' });
    hub.login(watcher, 'watcher', { device: 'dev-watcher', platform: 'Linux' });
    hub.subscribeInfo(watcher, ['alice']);
    store.registerCustomKeys(['Tag_Profile_Custom_Str']);
    store.updateProfile('alice', { level: 5, custom: { Tag_Profile_Custom_Str: 'x' } });
    hub.profileChanged('alice');
    hub.profileChanged('nobody');
    const self = alice.frames.at(-1) as { event: number; json: string };
    expect(self.event).toBe(PushEvent.SelfInfoUpdated);
    expect(JSON.parse(self.json)).toMatchObject({
      user_profile_identifier: 'alice',
      user_profile_nick_name: 'Al',
      user_profile_face_url: 'f',
      user_profile_level: 5,
      user_profile_custom_string_array: [
        { user_profile_custom_string_info_key: 'Tag_Profile_Custom_Str', user_profile_custom_string_info_value: 'x' },
      ],
    });
    const info = watcher.frames.at(-1) as { event: number; json: string };
    expect(info.event).toBe(PushEvent.UserInfoChanged);
    expect(JSON.parse(info.json)).toEqual([JSON.parse(self.json)]);
    close();
  });

  test('the store creates accounts once and refuses updates of unknown accounts', () => {
    const { store, close } = setup();
    expect(store.ensureAccount('alice', { nick: 'first' })).toBe(true);
    expect(store.ensureAccount('alice', { nick: 'second' })).toBe(false);
    expect(store.getProfile('alice')!.nick).toBe('first');
    expect(store.hasAccount('bob')).toBe(false);
    expect(() => store.updateProfile('bob', { nick: 'x' })).toThrow();
    expect(store.hasAccount('bob')).toBe(false);
    expect(store.getProfiles(['bob', 'alice', 'alice']).map((p) => p.userId)).toEqual(['alice']);
    close();
  });

  test('a data file from before custom-field registration keeps the keys it holds values for', () => {
    const db = openDatabase(':memory:');
    try {
      db.exec(`CREATE TABLE accounts (user_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE profile_custom (user_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (user_id, key)) WITHOUT ROWID;
        INSERT INTO accounts VALUES ('alice', 1);
        INSERT INTO profile_custom VALUES ('alice', 'Tag_Profile_Custom_Old', 'v');`);
      const store = new SqliteProfileStore(db);
      expect([...store.customKeys()]).toEqual(['Tag_Profile_Custom_Old']);
      expect(() => store.updateProfile('alice', { custom: { Tag_Profile_Custom_New: 'x' } })).toThrow(expect.objectContaining({ code: 40009 }));
    } finally {
      db.close();
    }
  });
});
