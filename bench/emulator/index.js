'use strict';
// Part 3: the emulator. Per round: a fresh emulator process (bench/emulator/server.js, 127.0.0.1,
// REST rate limit off), set up through its REST API, then each load in a process of its own
// (bench/emulator/load.js), one after the other. Nothing here loads the vendor library, so these
// processes share the host's loopback (no `unshare -n`); everything targets 127.0.0.1 only and every
// load is bounded in count and time.
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { runChild } = require('../lib/spawn');
const { summary, formatNumber, formatSummary } = require('../lib/stats');
const { ROOT, DIST } = require('../lib/machine');

const LOAD = path.join(__dirname, 'load.js');
const SERVER = path.join(__dirname, 'server.js');
const exists = (p) => fs.existsSync(path.join(ROOT, p));
const built = (p) => fs.existsSync(path.join(DIST, p));

function addonMissing() {
  try {
    require('node-gyp-build').path(ROOT);
    return null;
  } catch {
    return 'native addon not built';
  }
}

/** What each measurement needs; a reason when it cannot run yet, else null. */
function unavailable() {
  const emulator = built('emulator/index.js') ? null : 'dist/emulator/index.js missing (lib/emulator not built)';
  const rest = emulator || (built('rest/client.js') ? null : 'dist/rest/client.js missing (lib/rest not built)');
  return {
    setup: rest,
    native: rest || addonMissing() || (built('index.js') ? null : 'dist/index.js missing'),
    fanout: rest || (exists('test/helpers/protocol-client.ts') ? null : 'test/helpers/protocol-client.ts missing'),
    rest,
  };
}

/** Starts the emulator process; resolves with its address once it listens. */
function startServer(ctx) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let ready = null;
    let final = null;
    const cpuWaiters = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`emulator did not start within 30 s: ${err.slice(-500)}`));
    }, 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line.startsWith('BENCH-READY ') && !ready) {
          ready = JSON.parse(line.slice('BENCH-READY '.length));
          clearTimeout(timer);
          resolve({ info: ready, stop, cpuUs });
        } else if (line.startsWith('BENCH-RESULT ')) {
          final = JSON.parse(line.slice('BENCH-RESULT '.length));
        } else if (line.startsWith('BENCH-CPU ')) {
          cpuWaiters.shift()?.(JSON.parse(line.slice('BENCH-CPU '.length)));
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => (err = (err + c).slice(-4000)));
    const closed = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
    child.on('error', reject);
    closed.then(({ code, signal }) => {
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`emulator exited (${signal ?? code}) before listening: ${err.slice(-500)}`));
      }
    });
    /** The server process's CPU time so far, µs (null if it does not answer within 5 s). */
    function cpuUs() {
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), 5000);
        cpuWaiters.push((r) => {
          clearTimeout(timer);
          resolve(r.cpuUs);
        });
        child.stdin.write('cpu\n');
      });
    }
    /** Ends its stdin; resolves with its CPU and RSS and how it exited (killed after `graceMs`). */
    async function stop(graceMs = ctx.exitGraceMs) {
      child.stdin.end();
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await closed;
      clearTimeout(kill);
      return { ...final, exit, stderrTail: err };
    }
  });
}

/** Runs one load process against `server`; `serverCpuUs` is the emulator's CPU time meanwhile. */
async function load(ctx, server, mode, options, timeoutMs) {
  const cpu0 = await server.cpuUs();
  const run = await runChild([process.execPath, LOAD, mode, JSON.stringify(server.info), JSON.stringify(options)], {
    isolate: false,
    workTimeoutMs: timeoutMs,
    exitGraceMs: ctx.exitGraceMs,
  });
  const cpu1 = await server.cpuUs();
  if (!run.result) ctx.log(`part 3 ${mode}: no result (${run.exit.state}): ${run.stderrTail.trim().split('\n').slice(-5).join(' | ')}`);
  return { mode, options, ...run, serverCpuUs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

/** The emulator's CPU µs per REST request of a load (warm-up requests included), or NaN. */
function serverUsPerRequest(r) {
  const n = r.result.requests + (r.result.warmupRequests ?? 0);
  return r.serverCpuUs === null || !(n > 0) ? NaN : r.serverCpuUs / n;
}

async function measure(ctx) {
  const why = unavailable();
  const records = [];
  const serverRuns = [];
  if (why.setup) return { why, records, serverRuns };
  for (let round = 0; round < ctx.rounds; round++) {
    const server = await startServer(ctx);
    const info = server.info;
    try {
      const setup = await load(ctx, server, 'setup', { subscribers: ctx.fanoutSubscribers }, 120_000);
      if (!setup.result) throw new Error(`setup failed: ${setup.stderrTail.slice(-500)}`);
      ctx.log(`part 3 round ${round + 1}: emulator at ${info.address}, ${setup.result.accounts} accounts, group of ${setup.result.groupMembersReturned}`);
      if (!why.native) {
        for (const op of ['status', 'profiles']) {
          for (const window of [1, 64]) {
            const r = await load(ctx, server, 'native', { op, window, n: ctx.emulatorN, warmup: ctx.emulatorWarmup }, ctx.workTimeoutMs);
            records.push({ round, kind: 'native', op, window, ...r });
            if (r.result) {
              ctx.log(`part 3 round ${round + 1} native ${op} window ${window}: ${formatNumber(r.result.callsPerSec, 0)} calls/s, ` +
                `p50 ${formatNumber(r.result.p50us)} µs, p99 ${formatNumber(r.result.p99us)} µs, unexpected ${r.result.unexpected}, exit ${r.exit.state}`);
            }
          }
        }
      }
      if (!why.fanout) {
        const r = await load(ctx, server, 'fanout', { subscribers: ctx.fanoutSubscribers, changes: ctx.fanoutChanges }, 300_000);
        records.push({ round, kind: 'fanout', ...r });
        if (r.result) {
          ctx.log(`part 3 round ${round + 1} fan-out to ${r.result.subscribers}: p50 ${formatNumber(r.result.p50ms)} ms, ` +
            `p99 ${formatNumber(r.result.p99ms)} ms, missing ${r.result.missing}`);
        }
      }
      if (!why.rest) {
        const max = await load(ctx, server, 'rest-max', { concurrency: ctx.restConcurrency, seconds: ctx.restSeconds, maxRequests: ctx.restMaxRequests }, (ctx.restSeconds + 60) * 1000);
        records.push({ round, kind: 'rest-max', ...max });
        if (max.result) {
          ctx.log(`part 3 round ${round + 1} REST max: ${formatNumber(max.result.requestsPerSec, 0)} req/s, p99 ${formatNumber(max.result.p99ms)} ms, ` +
            `wrong ${max.result.wrong}, emulator CPU ${formatNumber(serverUsPerRequest(max))} µs/request`);
        }
        const fixed = await load(ctx, server, 'rest-rate', { rate: ctx.restRate, seconds: ctx.restSeconds, maxOutstanding: 2000 }, (ctx.restSeconds + 60) * 1000);
        records.push({ round, kind: 'rest-rate', ...fixed });
        if (fixed.result) {
          ctx.log(`part 3 round ${round + 1} REST at ${ctx.restRate}/s: p50 ${formatNumber(fixed.result.p50ms)} ms, p99 ${formatNumber(fixed.result.p99ms)} ms, ` +
            `wrong ${fixed.result.wrong}, emulator CPU ${formatNumber(serverUsPerRequest(fixed))} µs/request`);
        }
      }
    } finally {
      serverRuns.push(await server.stop());
    }
  }
  return { why, records, serverRuns };
}

function exitCell(runs) {
  const clean = runs.filter((r) => r.exit.state === 'clean').length;
  const other = [...new Set(runs.filter((r) => r.exit.state !== 'clean').map((r) => r.exit.state))];
  return `${clean}/${runs.length}${other.length ? ` (${other.join(', ')})` : ''}`;
}

function goal(ok, text) {
  return `- ${ok === null ? 'NOT MEASURED' : ok ? 'MET' : 'MISSED'}: ${text}`;
}

function report(ctx, { why, records }) {
  const lines = ['## 3. Emulator', ''];
  lines.push(`A fresh emulator process per round (127.0.0.1, in-memory database, REST rate limit off), set up through its REST ` +
    `API; each load runs in a second process on 127.0.0.1, one load at a time. ${ctx.rounds} rounds; cells are median (min–max).`);
  lines.push('');
  if (why.setup) {
    lines.push(`Not run: ${why.setup}.`, '');
    return lines.join('\n');
  }
  for (const [k, v] of Object.entries(why)) if (v) lines.push(`- Not run: ${k}: ${v}.`);
  const of = (kind) => records.filter((r) => r.kind === kind);
  const goals = [];

  const nativeRuns = of('native');
  if (nativeRuns.length) {
    lines.push('### Round trips through the native emulator client', '');
    lines.push(`\`TIMClient\` on the addon's embedded emulator backend, logged in; ${formatNumber(ctx.emulatorN, 0)} measured calls per ` +
      `process after ${formatNumber(ctx.emulatorWarmup, 0)} warm-up calls. \`getUserStatus([one id])\` and \`getUserProfileList(100 ids)\`; ` +
      `a call counts as answered when its promise resolves with the expected number of entries. CPU/call is the client process's.`, '');
    lines.push('| call | in flight | calls/s | p50 µs | p99 µs | CPU µs/call | failed | exited by itself |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const op of ['status', 'profiles']) {
      for (const window of [1, 64]) {
        const runs = nativeRuns.filter((r) => r.op === op && r.window === window);
        const ok = runs.filter((r) => r.result);
        const s = (f) => summary(ok.map((r) => f(r.result)));
        const failed = ok.reduce((k, r) => k + r.result.unexpected, 0) + (runs.length - ok.length) * ctx.emulatorN;
        lines.push(`| ${op === 'status' ? '`getUserStatus` (1 id)' : '`getUserProfileList` (100 ids)'} | ${window} | ${formatSummary(s((r) => r.callsPerSec), 0)} | ` +
          `${formatSummary(s((r) => r.p50us))} | ${formatSummary(s((r) => r.p99us))} | ${formatSummary(s((r) => r.cpuUsPerCall))} | ${failed} | ${exitCell(runs)} |`);
      }
    }
    lines.push('');
  }

  const fan = of('fanout');
  if (fan.length) {
    const ok = fan.filter((r) => r.result);
    const s = (f) => summary(ok.map((r) => f(r.result)));
    lines.push('### Fan-out of one custom status change', '');
    lines.push(`${formatNumber(ctx.fanoutSubscribers, 0)} protocol-level clients (test/helpers/protocol-client.ts, one load process, one TCP ` +
      `connection each) logged in and subscribed to one user, who changes their custom status ${ctx.fanoutChanges} times per round ` +
      `(waiting for every delivery, then 50 ms, between changes). Latency: from just before the SET_STATUS request is written to ` +
      `the push being decoded in the subscriber, all on the load process's one JS thread (so it includes decoding the other ` +
      `subscribers' pushes queued before it).`, '');
    lines.push('| subscribers | deliveries per round | missing | p50 ms | p99 ms | max ms | last delivery of a change, p50 ms |');
    lines.push('|---|---|---|---|---|---|---|');
    lines.push(`| ${formatNumber(ctx.fanoutSubscribers, 0)} | ${formatSummary(s((r) => r.deliveries), 0)} | ${formatSummary(s((r) => r.missing), 0)} | ` +
      `${formatSummary(s((r) => r.p50ms))} | ${formatSummary(s((r) => r.p99ms))} | ${formatSummary(s((r) => r.maxMs))} | ${formatSummary(s((r) => r.lastDeliveryP50ms))} |`);
    lines.push('');
    const p99 = ok.map((r) => r.result.p99ms);
    goals.push(goal(ok.length ? ok.every((r) => r.result.missing === 0) && Math.max(...p99) < 50 : null,
      `fan-out to ${formatNumber(ctx.fanoutSubscribers, 0)} subscribers, p99 under 50 ms in every round (worst ${formatNumber(Math.max(...p99))} ms)`));
  }

  const max = of('rest-max');
  const fixed = of('rest-rate');
  if (max.length || fixed.length) {
    lines.push('### REST `get_specified_group_member_info`, 50 members', '');
    lines.push(`A lean HTTP/1.1 keep-alive load generator in a second process: real requests over TCP (node:net, one ` +
      `connection per request in flight, the prepared request's bytes written as they are, answers framed by Content-Length; ` +
      `every 100th answer parsed and checked for 50 members, the others checked by status and length). Closed loop: ` +
      `${ctx.restConcurrency} requests in flight for ${ctx.restSeconds} s after 1 s of warm-up. Fixed rate: ` +
      `${formatNumber(ctx.restRate, 0)} req/s for ${ctx.restSeconds} s, open loop, latency from each request's scheduled send time. ` +
      `Emulator CPU: the emulator process's user + system CPU time during the load over the requests it answered ` +
      `(one core's worth of it bounds its rate); load CPU share: the load process's CPU time over the wall time.`, '');
    lines.push('| load | requests | requests/s | p50 ms | p99 ms | wrong answers | emulator CPU µs/request | load process CPU share |');
    lines.push('|---|---|---|---|---|---|---|---|');
    const mok = max.filter((r) => r.result);
    const ms = (f) => summary(mok.map((r) => f(r.result)));
    if (max.length) {
      lines.push(`| closed loop, ${ctx.restConcurrency} in flight | ${formatSummary(ms((r) => r.requests), 0)} | ${formatSummary(ms((r) => r.requestsPerSec), 0)} | ` +
        `${formatSummary(ms((r) => r.p50ms))} | ${formatSummary(ms((r) => r.p99ms))} | ${formatSummary(ms((r) => r.wrong), 0)} | ` +
        `${formatSummary(summary(mok.map(serverUsPerRequest)))} | ${formatSummary(ms((r) => r.loadCpuShare), 2)} |`);
    }
    const fok = fixed.filter((r) => r.result);
    const fs_ = (f) => summary(fok.map((r) => f(r.result)));
    if (fixed.length) {
      lines.push(`| fixed ${formatNumber(ctx.restRate, 0)} req/s | ${formatSummary(fs_((r) => r.requests), 0)} | ${formatSummary(fs_((r) => r.achievedRate), 0)} | ` +
        `${formatSummary(fs_((r) => r.p50ms))} | ${formatSummary(fs_((r) => r.p99ms))} | ${formatSummary(fs_((r) => r.wrong + r.skipped), 0)} | ` +
        `${formatSummary(summary(fok.map(serverUsPerRequest)))} | |`);
    }
    lines.push('');
    const usPerRequest = summary(mok.map(serverUsPerRequest));
    if (mok.length && Number.isFinite(usPerRequest.median)) {
      lines.push(`At ${formatNumber(usPerRequest.median)} µs of emulator CPU per request (closed loop), one core bounds the emulator at ` +
        `about ${formatNumber(1e6 / usPerRequest.median, 0)} req/s; the load process needs a core of its own besides (on a 2-core ` +
        `machine the two share both cores with everything else running).`, '');
    }
    const rps = mok.map((r) => r.result.requestsPerSec);
    goals.push(goal(mok.length ? Math.min(...rps) >= 5000 && mok.every((r) => r.result.wrong === 0) : null,
      `REST at least 5,000 req/s with 50-member answers in every round (worst ${formatNumber(Math.min(...rps), 0)} req/s)`));
    const p99 = fok.map((r) => r.result.p99ms);
    goals.push(goal(fok.length ? Math.max(...p99) < 20 && fok.every((r) => r.result.wrong === 0 && r.result.skipped === 0) : null,
      `REST p99 under 20 ms at ${formatNumber(ctx.restRate, 0)} req/s in every round (worst ${formatNumber(Math.max(...p99))} ms)`));
  }
  if (goals.length) lines.push('### Goals', '', ...goals, '');
  return lines.join('\n');
}

module.exports = { measure, report };
