'use strict';
// Load for the emulator part, in a process of its own (never the emulator's), against 127.0.0.1.
// Every mode prints one line `BENCH-RESULT {json}` and exits.
//
//   node bench/emulator/load.js <mode> <server json> <options json>
//
// modes:
//   setup     accounts, their nicknames and the 50-member group, through the REST API
//   native    round trips through TIMClient on the native emulator client (the addon's embedded
//             backend): options {op: 'status'|'profiles', n, warmup, window}
//   fanout    `subscribers` protocol-level clients subscribe to one user, who changes their custom
//             status `changes` times; delivery latency of every push: options {subscribers, changes}
//   rest-max  get_specified_group_member_info (50 members) closed loop, `concurrency` requests in
//             flight for `seconds` (bounded by `maxRequests` too)
//   rest-rate the same at a fixed `rate` req/s for `seconds` (open loop; latency from the scheduled
//             send time, so a stall is not hidden), at most `maxOutstanding` in flight
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { URLSearchParams } = require('url');
const { runPhase, phaseStats } = require('../lib/driver');

const { ROOT, DIST } = require('../lib/machine');

const dist = (p) => require(path.join(DIST, p));

const PREFIX = 'bench_';
const users = (from, count) => Array.from({ length: count }, (_, i) => `${PREFIX}u${from + i}`);
const GROUP_ID = `${PREFIX}group`;
const GROUP_SIZE = 50;
const STAR = `${PREFIX}star`;
const ME = `${PREFIX}me`;

function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] : NaN);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

function restClient(server) {
  const { RestClient } = dist('rest/client.js');
  return new RestClient({
    sdkAppId: server.sdkAppId,
    secretKey: server.secretKey,
    baseUrl: `http://${server.host}:${server.port}`,
    rateLimit: false,
    maxRetries: 0,
  });
}

async function setup(server, { subscribers }) {
  const rest = restClient(server);
  const all = [...users(0, Math.max(subscribers, 100)), STAR, ME];
  for (let i = 0; i < all.length; i += 100) {
    const r = await rest.multiAccountImport({ Accounts: all.slice(i, i + 100) });
    if (r.FailAccounts && r.FailAccounts.length) throw new Error(`import failed for ${r.FailAccounts.join(',')}`);
  }
  // Profiles worth fetching: the 100 ids of getUserProfileList get a nickname and a signature.
  for (const id of users(0, 100)) {
    await rest.portraitSet({
      From_Account: id,
      ProfileItem: [
        { Tag: 'Tag_Profile_IM_Nick', Value: `Nick ${id}` },
        { Tag: 'Tag_Profile_IM_SelfSignature', Value: `signature of ${id}` },
      ],
    });
  }
  const members = users(0, GROUP_SIZE);
  await rest.createGroup({
    Type: 'Public',
    Name: 'bench group',
    GroupId: GROUP_ID,
    Owner_Account: members[0],
    MemberList: members.slice(1).map((m) => ({ Member_Account: m })),
  });
  const check = await rest.getSpecifiedGroupMemberInfo({ GroupId: GROUP_ID, Member_List_Account: members });
  rest.close();
  return { accounts: all.length, groupMembersReturned: check.MemberList.length };
}

async function native(server, { op, n, warmup, window }) {
  const { TIMClient } = dist('index.js');
  const { genUserSig } = dist('usersig.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tim-bench-emu-'));
  const client = new TIMClient({ emulator: server.address });
  try {
    client.init(server.sdkAppId, { sdk_config_config_file_path: dir, sdk_config_log_file_path: dir });
    await client.login(ME, genUserSig({ sdkAppId: server.sdkAppId, secretKey: server.secretKey, userId: ME }));
    const ids100 = users(0, 100);
    let badAnswers = 0;
    const call =
      op === 'status'
        ? (done) =>
            client.getUserStatus([`${PREFIX}u1`]).then(
              (r) => done(r.length === 1 ? 0 : (badAnswers++, -100)),
              (e) => done(e.code),
            )
        : (done) =>
            client.getUserProfileList(ids100).then(
              (r) => done(r.length === 100 ? 0 : (badAnswers++, -100)),
              (e) => done(e.code),
            );
    if (warmup > 0) await runPhase(call, warmup, window, 0);
    const cpu0 = process.cpuUsage();
    const phase = await runPhase(call, n, window, 0);
    const cpu = process.cpuUsage(cpu0);
    return {
      op,
      n,
      window,
      ...phaseStats(phase, n),
      cpuUsPerCall: (cpu.user + cpu.system) / n,
      unexpected: phase.unexpected,
      badAnswers,
      maxRssKb: process.resourceUsage().maxRSS,
    };
  } finally {
    await client.logout().catch(() => {});
    client.uninit();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function fanout(server, { subscribers, changes, settleMs = 50, timeoutMs = 10_000 }) {
  require('../lib/ts-require');
  const { ProtocolClient } = require(path.join(ROOT, 'test', 'helpers', 'protocol-client.ts'));
  const { PushEvent } = require(path.join(ROOT, 'lib', 'emulator', 'protocol.ts'));
  const { genUserSig } = dist('usersig.js');
  const sig = (userId) => genUserSig({ sdkAppId: server.sdkAppId, secretKey: server.secretKey, userId });
  const clients = [];
  const ids = users(0, subscribers);
  // Connect and subscribe in batches, so the server's accept backlog is never the subject.
  for (let i = 0; i < ids.length; i += 100) {
    const batch = await Promise.all(
      ids.slice(i, i + 100).map(async (id) => {
        const c = await ProtocolClient.connect(server.address, { sdkAppId: server.sdkAppId });
        const login = await c.login(id, sig(id));
        if (login.code !== 0) throw new Error(`login ${id}: ${login.code} ${login.desc}`);
        const sub = await c.subscribe([STAR]);
        if (sub.code !== 0) throw new Error(`subscribe ${id}: ${sub.code} ${sub.desc}`);
        return c;
      }),
    );
    clients.push(...batch);
  }
  const star = await ProtocolClient.connect(server.address, { sdkAppId: server.sdkAppId });
  const login = await star.login(STAR, sig(STAR));
  if (login.code !== 0) throw new Error(`login ${STAR}: ${login.code} ${login.desc}`);
  await new Promise((r) => setTimeout(r, settleMs));

  const latencies = [];
  const lastDelivery = [];
  let missing = 0;
  for (let k = 0; k < changes; k++) {
    for (const c of clients) c.takePushes();
    star.takePushes();
    const marker = `fan-${k}-${Date.now()}`;
    const arrivals = new Float64Array(clients.length);
    const waits = clients.map((c, i) =>
      c
        .nextPush(
          PushEvent.UserStatusChanged,
          (p) => {
            if (!p.json.includes(marker)) return false;
            arrivals[i] = performance.now();
            return true;
          },
          timeoutMs,
        )
        .catch(() => {
          missing++;
        }),
    );
    const t0 = performance.now();
    const answer = await star.setStatus(marker);
    if (answer.code !== 0) throw new Error(`setStatus: ${answer.code} ${answer.desc}`);
    await Promise.all(waits);
    let last = 0;
    for (const t of arrivals) {
      if (t > 0) {
        latencies.push(t - t0);
        last = Math.max(last, t - t0);
      }
    }
    lastDelivery.push(last);
    await new Promise((r) => setTimeout(r, settleMs));
  }
  await Promise.all([...clients, star].map((c) => c.close()));
  const lat = percentiles(latencies);
  return {
    subscribers,
    changes,
    deliveries: lat.count,
    missing,
    p50ms: lat.p50,
    p99ms: lat.p99,
    maxMs: lat.max,
    lastDeliveryP50ms: percentiles(lastDelivery).p50,
  };
}

/** Most connections the REST load opens (closed loop: one per request in flight). */
const MAX_CONNECTIONS = 256;

/**
 * A lean HTTP/1.1 keep-alive load generator for one prepared request (the subject is the server,
 * not a client): real requests over TCP, each connection with one request in flight, written as
 * prepared bytes; answers framed by their Content-Length. Every 100th answer is parsed in full and
 * checked for 50 members, the others by status and length. A request that finds no idle
 * connection opens one (up to MAX_CONNECTIONS), else waits for one, in order.
 */
function restTarget(server) {
  const { genUserSig } = dist('usersig.js');
  const sig = genUserSig({ sdkAppId: server.sdkAppId, secretKey: server.secretKey, userId: 'administrator' });
  const query = new URLSearchParams({ sdkappid: String(server.sdkAppId), identifier: 'administrator', usersig: sig, random: '1', contenttype: 'json' });
  const body = Buffer.from(JSON.stringify({ GroupId: GROUP_ID, Member_List_Account: users(0, GROUP_SIZE) }));
  const head =
    `POST /v4/group_open_http_svc/get_specified_group_member_info?${query} HTTP/1.1\r\n` +
    `Host: ${server.host}:${server.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
    'Connection: keep-alive\r\n\r\n';
  const request = Buffer.concat([Buffer.from(head, 'latin1'), body]);
  const connections = new Set();
  const idle = [];
  const waiting = [];
  let waitingHead = 0;
  let closing = false;
  let checked = 0;
  let wrong = 0;
  let expectedLength = -1;

  function check(status, answer) {
    let ok = status === 200;
    if (ok && (expectedLength < 0 || checked++ % 100 === 0)) {
      try {
        const parsed = JSON.parse(answer.toString('utf8'));
        ok = parsed.ActionStatus === 'OK' && Array.isArray(parsed.MemberList) && parsed.MemberList.length === GROUP_SIZE;
      } catch {
        ok = false;
      }
      if (ok && expectedLength < 0) expectedLength = answer.length;
    } else if (ok) {
      ok = Math.abs(answer.length - expectedLength) < 64;
    }
    if (!ok) wrong++;
    return ok;
  }

  function open() {
    const conn = { socket: net.connect({ host: server.host, port: server.port }), done: null, buf: null, need: -1, bodyAt: 0, status: 0, keep: true };
    conn.socket.setNoDelay(true);
    conn.socket.on('data', (chunk) => receive(conn, chunk));
    conn.socket.on('error', () => undefined);
    conn.socket.on('close', () => {
      connections.delete(conn);
      const i = idle.indexOf(conn);
      if (i >= 0) idle.splice(i, 1);
      const done = conn.done;
      conn.done = null;
      if (done) {
        wrong++;
        done(false);
      }
      if (!closing) pump();
    });
    connections.add(conn);
    return conn;
  }

  function receive(conn, chunk) {
    conn.buf = conn.buf ? Buffer.concat([conn.buf, chunk]) : chunk;
    while (conn.buf) {
      if (conn.need < 0) {
        const end = conn.buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const headText = conn.buf.toString('latin1', 0, end);
        const length = /\r\ncontent-length: *(\d+)/i.exec(headText);
        if (!length || !conn.done) {
          conn.socket.destroy();
          return;
        }
        conn.status = Number(headText.slice(9, 12));
        conn.keep = !/\r\nconnection: *close/i.test(headText);
        conn.bodyAt = end + 4;
        conn.need = conn.bodyAt + Number(length[1]);
      }
      if (conn.buf.length < conn.need) return;
      const answer = conn.buf.subarray(conn.bodyAt, conn.need);
      conn.buf = conn.buf.length > conn.need ? conn.buf.subarray(conn.need) : null;
      conn.need = -1;
      const done = conn.done;
      conn.done = null;
      if (conn.keep) idle.push(conn);
      else conn.socket.destroy();
      done(check(conn.status, answer));
      pump();
    }
  }

  function pump() {
    while (waitingHead < waiting.length) {
      const conn = idle.pop() ?? (connections.size < MAX_CONNECTIONS ? open() : null);
      if (!conn) return;
      conn.done = waiting[waitingHead];
      waiting[waitingHead++] = undefined;
      conn.socket.write(request);
    }
    waiting.length = 0;
    waitingHead = 0;
  }

  /** One request; `done(ok)` when its answer has been read. */
  function send(done) {
    waiting.push(done);
    pump();
  }

  function close() {
    closing = true;
    for (const conn of connections) conn.socket.destroy();
  }
  return { send, wrong: () => wrong, close };
}

async function restMax(server, { concurrency, seconds, maxRequests, warmupSeconds = 1 }) {
  const target = restTarget(server);
  const runFor = (ms, limit, record) =>
    new Promise((resolve) => {
      const end = performance.now() + ms;
      let issued = 0;
      let active = 0;
      const latencies = [];
      const t0 = performance.now();
      const next = () => {
        if (performance.now() >= end || issued >= limit) {
          if (active === 0) resolve({ ms: performance.now() - t0, latencies, issued });
          return;
        }
        issued++;
        active++;
        const start = performance.now();
        target.send(() => {
          active--;
          if (record) latencies.push(performance.now() - start);
          next();
        });
      };
      for (let i = 0; i < concurrency; i++) next();
    });
  const warm = await runFor(warmupSeconds * 1000, Infinity, false);
  const wrong0 = target.wrong();
  const cpu0 = process.cpuUsage();
  const r = await runFor(seconds * 1000, maxRequests, true);
  const cpu = process.cpuUsage(cpu0);
  target.close();
  const lat = percentiles(r.latencies);
  return {
    concurrency,
    requests: r.issued,
    warmupRequests: warm.issued,
    seconds: r.ms / 1000,
    requestsPerSec: (r.issued * 1000) / r.ms,
    p50ms: lat.p50,
    p99ms: lat.p99,
    wrong: target.wrong() - wrong0,
    loadCpuShare: (cpu.user + cpu.system) / 1000 / r.ms,
  };
}

async function restRate(server, { rate, seconds, maxOutstanding }) {
  const target = restTarget(server);
  const total = Math.round(rate * seconds);
  const latencies = [];
  let sent = 0;
  let done = 0;
  let outstanding = 0;
  let skipped = 0;
  const t0 = performance.now() + 20;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + (sent * 1000) / rate <= now) {
        const scheduled = t0 + (sent * 1000) / rate;
        sent++;
        if (outstanding >= maxOutstanding) {
          skipped++;
          done++;
          continue;
        }
        outstanding++;
        target.send(() => {
          outstanding--;
          latencies.push(performance.now() - scheduled);
          if (++done === total) resolve();
        });
      }
      if (done === total) resolve();
      else if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  target.close();
  const lat = percentiles(latencies);
  return {
    rate,
    requests: total,
    achievedRate: (total * 1000) / (performance.now() - t0),
    p50ms: lat.p50,
    p99ms: lat.p99,
    maxMs: lat.max,
    skipped,
    wrong: target.wrong(),
  };
}

const MODES = { setup, native, fanout, 'rest-max': restMax, 'rest-rate': restRate };

async function main() {
  const [mode, serverJson, optionsJson] = process.argv.slice(2);
  const run = MODES[mode];
  if (!run) throw new Error(`unknown mode ${mode}`);
  const result = await run(JSON.parse(serverJson), JSON.parse(optionsJson || '{}'));
  process.stdout.write(`BENCH-RESULT ${JSON.stringify({ mode, ...result })}\n`);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
