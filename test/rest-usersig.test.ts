/**
 * UserSig conformance against the oracle, Tencent's npm package `tls-sig-api-v2`: its sigs pass
 * our verifier (and the REST API's admin check), ours decode to the same fields and the same
 * HMAC, and the failure codes are the service's.
 */
import { createHmac, randomBytes } from 'crypto';
import { deflateSync } from 'zlib';
import {
  decodeUserSig,
  genUserSig,
  MAX_USERSIG_JSON_BYTES,
  MAX_USERSIG_LENGTH,
  USERSIG_CLOCK_SKEW_SECONDS,
  UserSigError,
  verifyUserSig,
} from '../lib/usersig';
import { APP, expectFail, startHarness, type Harness } from './helpers/rest-harness';

interface OracleApi {
  genUserSig(userId: string, expire: number): string;
  genPrivateMapKey(userId: string, expire: number, roomId: number, privilegeMap: number): string;
}
const { Api } = require('tls-sig-api-v2') as { Api: new (sdkAppId: number, key: string) => OracleApi };

const oracle = new Api(APP.sdkAppId, APP.secretKey);
const verify = (sig: string, userId: string, now?: number) =>
  verifyUserSig(sig, { ...APP, userId, ...(now !== undefined ? { now } : {}) });

/** Runs `make` until both sigs it returns were issued in the same second. */
function sameSecond(make: () => [string, string]): [string, string] {
  for (;;) {
    const pair = make();
    if (decodeUserSig(pair[0]).time === decodeUserSig(pair[1]).time) return pair;
  }
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

test("the oracle's sigs pass our verifier with their fields", () => {
  const before = Math.floor(Date.now() / 1000);
  const sig = oracle.genUserSig('alice_01-x', 86400);
  const after = Math.ceil(Date.now() / 1000);
  const fields = verify(sig, 'alice_01-x');
  expect(fields).toMatchObject({ identifier: 'alice_01-x', sdkAppId: APP.sdkAppId, expire: 86400 });
  // Stamped with the current second: between the clock readings around genUserSig().
  expect(fields.time >= before && fields.time <= after).toBe(true);
});

test("the oracle's userbuf sigs pass our verifier", () => {
  const sig = oracle.genPrivateMapKey('bob', 300, 1234, 255);
  const fields = verify(sig, 'bob');
  expect(fields.userBuf).toBeInstanceOf(Buffer);
  expect(fields.userBuf!.length).toBeGreaterThan(0);
});

test('ours and the oracle decode to the same fields and the same HMAC', () => {
  for (const [id, expire] of [
    ['administrator', 180 * 86400],
    ['u', 1],
    ['user-with_32-characters-exactly', 3600],
  ] as const) {
    const [ours, theirs] = sameSecond(() => [genUserSig({ ...APP, userId: id, expireSeconds: expire }), oracle.genUserSig(id, expire)]);
    const a = decodeUserSig(ours);
    const b = decodeUserSig(theirs);
    expect(a).toEqual(b);
    expect(verify(ours, id)).toEqual(verify(theirs, id));
  }
});

test('failure codes: expired 70001, empty 70002, malformed 70003, wrong key 70009, wrong user 70013, wrong app 70014', () => {
  const sig = oracle.genUserSig('carol', 60);
  const issued = decodeUserSig(sig).time;
  expect(sigCode(() => verify(sig, 'carol', issued + 60))).toBe(0);
  expect(sigCode(() => verify(sig, 'carol', issued + 61))).toBe(70001);
  expect(sigCode(() => verify('', 'carol'))).toBe(70002);
  expect(sigCode(() => verify('not-a-sig', 'carol'))).toBe(70003);
  expect(sigCode(() => verify(new Api(APP.sdkAppId, 'another key').genUserSig('carol', 60), 'carol'))).toBe(70009);
  expect(sigCode(() => verify(sig, 'dave'))).toBe(70013);
  expect(sigCode(() => verify(new Api(1400000001, APP.secretKey).genUserSig('carol', 60), 'carol'))).toBe(70014);
});

/** The UserSig error code of `f`, 0 when it does not throw. */
function sigCode(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof UserSigError) return e.code;
    throw e;
  }
  return 0;
}

/**
 * A sig with a correct HMAC over `fields` as written (strings stay strings), whose JSON text starts
 * with `padding` (whitespace keeps it valid JSON).
 */
function handMadeSig(fields: { time: number | string; expire: number | string; sdkAppId?: number | string }, padding = ''): string {
  const sdkAppId = fields.sdkAppId ?? APP.sdkAppId;
  const content = `TLS.identifier:erin\nTLS.sdkappid:${sdkAppId}\nTLS.time:${fields.time}\nTLS.expire:${fields.expire}\n`;
  const hmac = createHmac('sha256', APP.secretKey).update(content).digest('base64');
  const json = `{${padding}${JSON.stringify({ 'TLS.ver': '2.0', 'TLS.identifier': 'erin', 'TLS.sdkappid': sdkAppId, 'TLS.expire': fields.expire, 'TLS.time': fields.time, 'TLS.sig': hmac }).slice(1)}`;
  return deflateSync(Buffer.from(json)).toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

test('70003 for a sig longer than MAX_USERSIG_LENGTH or inflating past MAX_USERSIG_JSON_BYTES, even when well signed', () => {
  const now = Math.floor(Date.now() / 1000);
  expect(sigCode(() => verify(handMadeSig({ time: now, expire: 60 }), 'erin'))).toBe(0);
  // A correct sig whose 6 KB userbuf makes it 8 KB long.
  const long = genUserSig({ ...APP, userId: 'erin', userBuf: randomBytes(6 * 1024) });
  expect(long.length).toBeGreaterThan(MAX_USERSIG_LENGTH);
  expect(sigCode(() => verify(long, 'erin'))).toBe(70003);
  // A correct sig of 300 characters whose JSON starts with 1 MB of spaces.
  const inflating = handMadeSig({ time: now, expire: 60 }, ' '.repeat(1024 * 1024));
  expect(inflating.length).toBeLessThan(MAX_USERSIG_LENGTH);
  expect(sigCode(() => verify(inflating, 'erin'))).toBe(70003);
  expect(() => verify(inflating, 'erin')).toThrow(`inflates past ${MAX_USERSIG_JSON_BYTES} bytes`);
});

test('70003 for a sig issued beyond the clock skew in the future; within it the sig is good', () => {
  const now = Math.floor(Date.now() / 1000);
  const at = (time: number): string => genUserSig({ ...APP, userId: 'erin', time, expireSeconds: 86400 });
  expect(sigCode(() => verify(at(now + USERSIG_CLOCK_SKEW_SECONDS), 'erin', now))).toBe(0);
  expect(sigCode(() => verify(at(now + USERSIG_CLOCK_SKEW_SECONDS + 1), 'erin', now))).toBe(70003);
  expect(sigCode(() => verify(at(now + 3600), 'erin', now))).toBe(70003);
});

test('70003 for TLS.sdkappid, TLS.time or TLS.expire that are not JSON whole numbers, even when signed as written', () => {
  const now = Math.floor(Date.now() / 1000);
  expect(sigCode(() => verify(handMadeSig({ time: `${now}`, expire: 60 }), 'erin'))).toBe(70003);
  expect(sigCode(() => verify(handMadeSig({ time: now, expire: '60' }), 'erin'))).toBe(70003);
  expect(sigCode(() => verify(handMadeSig({ time: now, expire: 60, sdkAppId: `${APP.sdkAppId}` }), 'erin'))).toBe(70003);
  expect(sigCode(() => verify(handMadeSig({ time: now, expire: -1 }), 'erin'))).toBe(70003);
  expect(sigCode(() => verify(handMadeSig({ time: now, expire: 60.5 }), 'erin'))).toBe(70003);
});

test("the REST API accepts the oracle's admin sig and refuses its forged or expired ones", async () => {
  const body = JSON.stringify({ To_Account: ['administrator'] });
  const call = (usersig: string) => h.raw('openim/query_online_status', body, h.query({ usersig }));
  expect((await call(oracle.genUserSig('administrator', 600))).body).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
  expectFail(await call(new Api(APP.sdkAppId, 'forged').genUserSig('administrator', 600)), 70009);
  const shortLived = oracle.genUserSig('administrator', 0);
  await new Promise((r) => setTimeout(r, 1100));
  expectFail(await call(shortLived), 70001);
});
