/**
 * UserSig conformance against the oracle, Tencent's npm package `tls-sig-api-v2`: its sigs pass
 * our verifier (and the REST API's admin check), ours decode to the same fields and the same
 * HMAC, and the failure codes are the service's.
 */
import { decodeUserSig, genUserSig, UserSigError, verifyUserSig } from '../lib/usersig';
import { APP, expectFail, startHarness, type Harness } from './rest-harness';

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
  const code = (f: () => unknown): number => {
    try {
      f();
    } catch (e) {
      if (e instanceof UserSigError) return e.code;
      throw e;
    }
    return 0;
  };
  const sig = oracle.genUserSig('carol', 60);
  const issued = decodeUserSig(sig).time;
  expect(code(() => verify(sig, 'carol', issued + 60))).toBe(0);
  expect(code(() => verify(sig, 'carol', issued + 61))).toBe(70001);
  expect(code(() => verify('', 'carol'))).toBe(70002);
  expect(code(() => verify('not-a-sig', 'carol'))).toBe(70003);
  expect(code(() => verify(new Api(APP.sdkAppId, 'another key').genUserSig('carol', 60), 'carol'))).toBe(70009);
  expect(code(() => verify(sig, 'dave'))).toBe(70013);
  expect(code(() => verify(new Api(1400000001, APP.secretKey).genUserSig('carol', 60), 'carol'))).toBe(70014);
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
