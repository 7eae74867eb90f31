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
const http = require('http');
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

/** A lean HTTP load generator for one prepared request (the subject is the server, not a client). */
function restTarget(server) {
  const { genUserSig } = dist('usersig.js');
  const sig = genUserSig({ sdkAppId: server.sdkAppId, secretKey: server.secretKey, userId: 'administrator' });
  const query = new URLSearchParams({ sdkappid: String(server.sdkAppId), identifier: 'administrator', usersig: sig, random: '1', contenttype: 'json' });
  const body = Buffer.from(JSON.stringify({ GroupId: GROUP_ID, Member_List_Account: users(0, GROUP_SIZE) }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const options = {
    host: server.host,
    port: server.port,
    method: 'POST',
    path: `/v4/group_open_http_svc/get_specified_group_member_info?${query}`,
    headers: { 'content-type': 'application/json', 'content-length': body.length },
    agent,
  };
  let checked = 0;
  let wrong = 0;
  let expectedLength = -1;
  /** One request; `done(ok)` when its answer has been read. Every 100th answer is parsed in full. */
  function send(done) {
    const req = http.request(options, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        let ok = res.statusCode === 200;
        if (ok && (expectedLength < 0 || checked++ % 100 === 0)) {
          const parsed = JSON.parse(buf.toString('utf8'));
          ok = parsed.ActionStatus === 'OK' && Array.isArray(parsed.MemberList) && parsed.MemberList.length === GROUP_SIZE;
          if (ok && expectedLength < 0) expectedLength = buf.length;
        } else if (ok) {
          ok = Math.abs(buf.length - expectedLength) < 64;
        }
        if (!ok) wrong++;
        done(ok);
      });
    });
    req.on('error', () => {
      wrong++;
      done(false);
    });
    req.end(body);
  }
  return { send, wrong: () => wrong, close: () => agent.destroy() };
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
  await runFor(warmupSeconds * 1000, Infinity, false);
  const wrong0 = target.wrong();
  const cpu0 = process.cpuUsage();
  const r = await runFor(seconds * 1000, maxRequests, true);
  const cpu = process.cpuUsage(cpu0);
  target.close();
  const lat = percentiles(r.latencies);
  return {
    concurrency,
    requests: r.issued,
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
