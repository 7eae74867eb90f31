/**
 * What every REST call goes through: the common URL, sig, admin and body checks (raw HTTP), the
 * per-API rate limit, and the client's own machinery (regions, options, validation without
 * sending, limiter, retries, timeouts, UserSig refresh, keep-alive).
 */
import type { RequestListener } from 'http';
import { createServer as createNetServer, type Server as NetServer } from 'net';
import type { AddressInfo } from 'net';
import { CommonCode, REST_REGION_DOMAINS, RestClient, RestError, type RestRegion } from '../lib/rest';
import { decodeUserSig, genUserSig } from '../lib/usersig';
import { APP, expectFail, rawRequest, startHarness, type Harness, type RawAnswer } from './helpers/rest-harness';

const ONLINE = 'openim/query_online_status';
const QUERY_BODY = JSON.stringify({ To_Account: ['nobody'] });

describe('common checks (raw HTTP)', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({ admins: ['administrator', 'ops'] });
    port = Number(new URL(h.baseUrl).port);
  });
  afterAll(() => h.close());

  test('a good call: HTTP 200, ActionStatus, ErrorCode, ErrorInfo', async () => {
    const r = await h.raw(ONLINE, QUERY_BODY);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
  });

  test('60002: not POST, bad path, bad random or contenttype', async () => {
    expectFail(await h.raw(ONLINE, '', undefined, 'GET'), CommonCode.BadUrl);
    expectFail(await rawRequest(port, `/v3/openim/query_online_status?${h.query()}`, QUERY_BODY), CommonCode.BadUrl);
    expectFail(await rawRequest(port, `/v4/openim?${h.query()}`, QUERY_BODY), CommonCode.BadUrl);
    expectFail(await rawRequest(port, '/', ''), CommonCode.BadUrl);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ random: undefined })), CommonCode.BadUrl);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ random: '4294967296' })), CommonCode.BadUrl);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ random: '-1' })), CommonCode.BadUrl);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ contenttype: 'xml' })), CommonCode.BadUrl);
    const noContentType = await h.raw(ONLINE, QUERY_BODY, h.query({ contenttype: undefined, random: '4294967295' }));
    expect(noContentType.body.ErrorCode).toBe(0);
  });

  test('60012 no sdkappid, 60006 another app', async () => {
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ sdkappid: undefined })), CommonCode.AppIdMissing);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ sdkappid: '' })), CommonCode.AppIdMissing);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ sdkappid: '1400000001' })), CommonCode.BadAppId);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ sdkappid: 'abc' })), CommonCode.BadAppId);
  });

  test('60004 no identifier; 70xxx for the UserSig', async () => {
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ identifier: undefined })), CommonCode.BadIdentifier);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ usersig: undefined })), 70002);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ usersig: 'garbage' })), 70003);
    const past = Math.floor(Date.now() / 1000) - 3600;
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ usersig: h.sig('administrator', 60, past) })), 70001);
    const forged = genUserSig({ sdkAppId: APP.sdkAppId, secretKey: 'not the key', userId: 'administrator' });
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ usersig: forged })), 70009);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ usersig: h.sig('ops') })), 70013);
    const otherApp = genUserSig({ sdkAppId: 1400000001, secretKey: APP.secretKey, userId: 'administrator' });
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ usersig: otherApp })), 70014);
  });

  // A sig of another user than `identifier` is the service's 70013: "70013 | 请求中的 UserID 与生成 UserSig
  // 时使用的 UserID 不一致" (REST common error codes, https://cloud.tencent.com/document/product/269/1671;
  // TIMErrorCode.h: ERR_SVR_ACCOUNT_USERSIG_MISMATCH_ID = 70013). Not 60004/60005 ("账号或签名错误"),
  // which the page keeps for a missing or unreadable identifier. The sig is checked before the admin
  // rule, so a non-admin identifier with an admin's sig is 70013 too.
  test("70013: an admin's sig under another identifier, an admin identifier with another admin's sig", async () => {
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ identifier: 'administrator', usersig: h.sig('ops') })), 70013);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ identifier: 'ops', usersig: h.sig('administrator') })), 70013);
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ identifier: 'bob', usersig: h.sig('administrator') })), 70013);
    // Its own sig (what RestClient signs) passes.
    await expect(h.client({ identifier: 'ops', maxRetries: 0 }).queryOnlineStatus({ To_Account: ['nobody'] })).resolves.toMatchObject({ ActionStatus: 'OK' });
  });

  test('60010 identifier not an admin (even with its own valid sig); any configured admin works', async () => {
    expectFail(await h.raw(ONLINE, QUERY_BODY, h.query({ identifier: 'bob', usersig: h.sig('bob') })), CommonCode.AdminRequired);
    const ops = await h.raw(ONLINE, QUERY_BODY, h.query({ identifier: 'ops', usersig: h.sig('ops') }));
    expect(ops.body.ErrorCode).toBe(0);
  });

  test('60009 unknown API; 10003 unknown command of the group service', async () => {
    expectFail(await h.raw('no_such_svc/do_it', '{}'), CommonCode.NoSuchApi);
    expectFail(await h.raw('profile/portrait_delete', '{}'), CommonCode.NoSuchApi);
    expectFail(await h.raw('group_open_http_svc/import_group', '{}'), 10003);
  });

  test('60003 empty, non-JSON, non-object and oversized bodies; nothing stored changes', async () => {
    const before = h.snapshot();
    const imp = 'im_open_login_svc/account_import';
    expectFail(await h.raw(imp, ''), CommonCode.BadJson);
    expectFail(await h.raw(imp, '{"UserID": "half'), CommonCode.BadJson);
    expectFail(await h.raw(imp, 'UserID=bob'), CommonCode.BadJson);
    expectFail(await h.raw(imp, '["bob"]'), CommonCode.BadJson);
    expectFail(await h.raw(imp, 'null'), CommonCode.BadJson);
    expectFail(await h.raw(imp, '"bob"'), CommonCode.BadJson);
    const huge = JSON.stringify({ UserID: 'bob', Nick: 'n', Padding: 'x'.repeat(1024 * 1024) });
    expectFail(await h.raw(imp, huge), CommonCode.BadJson);
    expect(h.snapshot()).toBe(before);
    const justUnder = JSON.stringify({ UserID: 'bob', Padding: 'x'.repeat(1024 * 1024 - 40) });
    expect(Buffer.byteLength(justUnder)).toBeLessThanOrEqual(1024 * 1024);
    expect((await h.raw(imp, justUnder)).body.ErrorCode).toBe(0);
    expect(h.ctx.store.hasAccount('bob')).toBe(true);
  });

  test('a body far past the cap closes the connection; the server keeps serving', async () => {
    const answer = await h.raw('im_open_login_svc/account_import', Buffer.alloc(20 * 1024 * 1024, 0x20)).catch((e: unknown) => e);
    // Either the refusal arrives before the close, or the write fails (EPIPE/ECONNRESET).
    if (typeof answer === 'object' && answer !== null && 'status' in answer) expectFail(answer as RawAnswer, CommonCode.BadJson);
    else expect(String((answer as { code?: string }).code)).toMatch(/^(EPIPE|ECONNRESET)$/);
    expect((await h.raw(ONLINE, QUERY_BODY)).body.ErrorCode).toBe(0);
  });

  test('checks run in order: URL, sdkappid, identifier, sig, admin, API, body', async () => {
    expectFail(await h.raw('no_such_svc/x', 'not json', h.query({ sdkappid: undefined })), CommonCode.AppIdMissing);
    expectFail(await h.raw('no_such_svc/x', 'not json', h.query({ usersig: 'bad' })), 70003);
    expectFail(await h.raw('no_such_svc/x', 'not json'), CommonCode.NoSuchApi);
    expectFail(await h.raw(ONLINE, 'not json'), CommonCode.BadJson);
  });
});

describe('per-API rate limit', () => {
  test('60007 past the limit, per API, and it refills', async () => {
    // 2 calls a second against a burst of 10: the bucket (2) refills 2 a second, so at least one
    // is refused unless the burst took 4 s to arrive; the margin is for a loaded machine.
    const h = await startHarness({ restRateLimit: 2 });
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => h.raw(ONLINE, QUERY_BODY)));
      const codes = answers.map((a) => a.body.ErrorCode);
      expect(codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(2);
      expect(codes.filter((c) => c === CommonCode.RateLimited).length).toBeGreaterThanOrEqual(1);
      expect(codes.every((c) => c === 0 || c === CommonCode.RateLimited)).toBe(true);
      expect((await h.raw('profile/portrait_get', JSON.stringify({ To_Account: ['x'], TagList: ['Tag_Profile_IM_Nick'] }))).body.ErrorCode).toBe(0);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await h.raw(ONLINE, QUERY_BODY)).body.ErrorCode).toBe(0);
    } finally {
      await h.close();
    }
  });

  test('restRateLimit false: no limit', async () => {
    const h = await startHarness({ restRateLimit: false });
    try {
      const rest = h.client({ rateLimit: false, maxRetries: 0 });
      const answers = await Promise.all(Array.from({ length: 400 }, () => rest.queryOnlineStatus({ To_Account: ['x'] })));
      expect(answers.every((a) => a.ErrorCode === 0)).toBe(true);
    } finally {
      await h.close();
    }
  });

  test("the client's limiter queues a burst instead of failing", async () => {
    let refusals = 0;
    const counting = (handler: RequestListener): RequestListener => (req, res) => {
      const end = res.end.bind(res);
      res.end = ((chunk: string) => {
        if (String(chunk).includes(`"ErrorCode":${CommonCode.RateLimited}`)) refusals++;
        return end(chunk);
      }) as typeof res.end;
      handler(req, res);
    };
    const h = await startHarness({ restRateLimit: 20, wrap: counting });
    try {
      // Unpaced, 100 calls against 20 a second: at least 25 are refused unless the burst took
      // 2.75 s to arrive (the margin is for a loaded machine).
      const unlimited = h.client({ rateLimit: false, maxRetries: 0 });
      const burst = await Promise.allSettled(Array.from({ length: 100 }, () => unlimited.queryOnlineStatus({ To_Account: ['x'] })));
      const refused = burst.filter((r) => r.status === 'rejected');
      expect(refused.length).toBeGreaterThanOrEqual(25);
      expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: CommonCode.RateLimited });
      await new Promise((r) => setTimeout(r, 1100));
      refusals = 0;
      const limited = h.client({ rateLimit: 20 });
      const answers = await Promise.all(Array.from({ length: 50 }, () => limited.queryOnlineStatus({ To_Account: ['x'] })));
      expect(answers.every((a) => a.ErrorCode === 0)).toBe(true);
      // Pacing, not retries, carries the burst: the same kind of burst that was refused in bulk
      // above now grazes the server's bucket a few times at most.
      expect(refusals).toBeLessThanOrEqual(3);
    } finally {
      await h.close();
    }
  });

  test('the client retries 60007 with backoff', async () => {
    const h = await startHarness({ restRateLimit: 1 });
    try {
      const rest = h.client({ rateLimit: false, maxRetries: 5, retryDelayMs: 300 });
      const answers = await Promise.all([1, 2].map(() => rest.queryOnlineStatus({ To_Account: ['x'] })));
      expect(answers.map((a) => a.ErrorCode)).toEqual([0, 0]);
    } finally {
      await h.close();
    }
  });
});

describe('RestClient', () => {
  test('regions pick the documented domains; baseUrl wins', () => {
    const expected: Record<RestRegion, string> = {
      china: 'console.tim.qq.com',
      singapore: 'adminapisgp.im.qcloud.com',
      seoul: 'adminapikr.im.qcloud.com',
      frankfurt: 'adminapiger.im.qcloud.com',
      siliconvalley: 'adminapiusa.im.qcloud.com',
      jakarta: 'adminapiidn.im.qcloud.com',
    };
    expect(REST_REGION_DOMAINS).toEqual(expected);
    for (const [region, domain] of Object.entries(expected)) {
      expect(new RestClient({ ...APP, region: region as RestRegion }).baseUrl).toBe(`https://${domain}`);
    }
    expect(new RestClient(APP).baseUrl).toBe('https://console.tim.qq.com');
    expect(new RestClient({ ...APP, region: 'seoul', baseUrl: 'http://127.0.0.1:9400/' }).baseUrl).toBe('http://127.0.0.1:9400');
  });

  test.each([
    [{ sdkAppId: 0 }],
    [{ sdkAppId: 1.5 }],
    [{ secretKey: '' }],
    [{ region: 'mars' }],
    [{ baseUrl: 'ftp://x' }],
    [{ baseUrl: 'http://host/path' }],
    [{ timeoutMs: 0 }],
    [{ maxRetries: -1 }],
    [{ rateLimit: 0 }],
    [{ identifier: '' }],
  ])('bad options throw TypeError: %j', (bad) => {
    expect(() => new RestClient({ ...APP, ...(bad as object) })).toThrow(TypeError);
  });

  test('RestError carries code, info, service, command', async () => {
    const rest = new RestClient({ ...APP, baseUrl: 'http://127.0.0.1:1' });
    const err = (await rest.addGroupMember({ GroupId: 'g', MemberList: [] }).catch((e: unknown) => e)) as RestError;
    expect(err).toBeInstanceOf(RestError);
    expect(err).toMatchObject({ code: 10004, service: 'group_open_http_svc', command: 'add_group_member', name: 'RestError' });
    expect(err.info).toMatch(/MemberList/);
    expect(err.message).toContain('group_open_http_svc/add_group_member');
    rest.close();
  });

  test('network errors are retried with backoff, then reported as code -1', async () => {
    let connections = 0;
    const server: NetServer = createNetServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const rest = new RestClient({ ...APP, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 2, retryDelayMs: 10 });
    try {
      await expect(rest.queryOnlineStatus({ To_Account: ['x'] })).rejects.toMatchObject({ code: -1, command: 'query_online_status' });
      expect(connections).toBe(3);
    } finally {
      rest.close();
      await new Promise((r) => server.close(r));
    }
  });

  test('a dropped connection or a timeout is retried and the call succeeds', async () => {
    let n = 0;
    const flaky = (handler: RequestListener): RequestListener => (req, res) => {
      n++;
      if (n === 1) req.socket.destroy();
      else if (n === 2) return; // never answers: the client times out
      else handler(req, res);
    };
    const h = await startHarness({ wrap: flaky });
    try {
      // The timeout must exceed how long a healthy answer takes on a loaded machine: 2 s.
      const rest = h.client({ timeoutMs: 2000, retryDelayMs: 10 });
      const r = await rest.queryOnlineStatus({ To_Account: ['x'] });
      expect(r.ErrorCode).toBe(0);
      expect(n).toBe(3);
    } finally {
      await h.close();
    }
  });

  test('validation refuses before sending; generic call() validates known APIs only', async () => {
    let hits = 0;
    const h = await startHarness({ wrap: (handler) => (req, res) => (hits++, handler(req, res)) });
    try {
      const rest = h.client();
      await expect(rest.call('group_open_http_svc', 'destroy_group', {})).rejects.toMatchObject({ code: 10004 });
      await expect(rest.call('profile', 'portrait_get', { To_Account: [1], TagList: ['Tag_Profile_IM_Nick'] })).rejects.toMatchObject({
        code: 60015,
      });
      expect(hits).toBe(0);
      await expect(rest.call('sns', 'friend_get', { From_Account: 'x' })).rejects.toMatchObject({ code: CommonCode.NoSuchApi });
      expect(hits).toBe(1);
      await expect(rest.call('BAD/x', 'y')).rejects.toThrow(TypeError);
      const ok = await rest.call('openim', 'query_online_status', { To_Account: ['x'] });
      expect(ok.ErrorCode).toBe(0);
    } finally {
      await h.close();
    }
  });

  test('a fresh random per request, one kept-alive connection, the admin sig refreshed before expiry', async () => {
    const seen: { random: string; usersig: string; port: number }[] = [];
    const h = await startHarness({
      wrap: (handler) => (req, res) => {
        const q = new URL(req.url ?? '/', 'http://x').searchParams;
        seen.push({ random: q.get('random') ?? '', usersig: q.get('usersig') ?? '', port: req.socket.remotePort ?? 0 });
        handler(req, res);
      },
    });
    try {
      const rest = h.client({ userSigTtlSeconds: 2 });
      for (let i = 0; i < 5; i++) await rest.queryOnlineStatus({ To_Account: ['x'] });
      expect(new Set(seen.map((s) => s.random)).size).toBe(5);
      for (const s of seen) expect(Number(s.random)).toBeLessThanOrEqual(0xffffffff);
      expect(new Set(seen.map((s) => s.port)).size).toBe(1);
      expect(new Set(seen.map((s) => s.usersig)).size).toBe(1);
      await new Promise((r) => setTimeout(r, 2100));
      const r = await rest.queryOnlineStatus({ To_Account: ['x'] });
      expect(r.ErrorCode).toBe(0);
      const first = decodeUserSig(seen[0]!.usersig);
      const last = decodeUserSig(seen[seen.length - 1]!.usersig);
      expect(last.time).toBeGreaterThan(first.time);
      expect(last).toMatchObject({ identifier: 'administrator', sdkAppId: APP.sdkAppId, expire: 2 });
    } finally {
      await h.close();
    }
  });
});
