'use strict';
// Part 1: binding overhead on Tencent's libImSDK.so. Every candidate is a fresh process under
// `unshare -n` per (round, window); candidates are interleaved within each round (their order
// rotates from round to round) and every ratio is taken against raw C of the same round and window.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runChild } = require('../lib/spawn');
const { summary, median, formatNumber, formatSummary } = require('../lib/stats');
const { ROOT, DIST } = require('../lib/machine');

const CLIENT = path.join(__dirname, 'client.js');

/** The candidates, in table order. `unavailable()` returns why one cannot run yet, or null. */
const CANDIDATES = [
  {
    id: 'raw-c',
    label: 'raw C client (ceiling)',
    desc: 'bench/raw_client.c: dlopen, the constant JSON, user_data = call index; the callback appends the index to a ' +
      'mutex-protected queue and signals a condition variable; the main thread drains it and issues the next calls.',
    unavailable: (ctx) => (ctx.rawClient ? null : ctx.rawClientError || 'raw C client not compiled'),
    argv: (ctx, window, dir) => [ctx.rawClient, ctx.library, String(ctx.n), String(window), String(ctx.warmup), dir],
  },
  {
    id: 'timclient',
    label: '`TIMClient.getUserStatus`',
    desc: "`new TIMClient({ sdkPath })`, default options, `getUserStatus(['u1'])`: validation, JSON.stringify, a promise " +
      'rejected with a TIMError whose stack (V8\'s async stack: TIMClient\'s `finishCall` frame, then the awaiting async ' +
      'functions, here none: the driver uses `.then()`) is captured when the call fails. Default `maxInFlight` is 1000, so ' +
      "beyond that calls wait in TIMClient's queue (unbounded = all N promises at once, at most 1000 of them inside the SDK).",
    unavailable: () => clientMissing(),
  },
  {
    id: 'timclient-callsite',
    label: '`TIMClient.getUserStatus`, `errorStacks: \'call-site\'`',
    desc: 'as above, but every call captures its synchronous call-site stack when it is made (the TIMError it fails with carries it).',
    unavailable: () => clientMissing(),
  },
  {
    id: 'timclient-nostack',
    label: '`TIMClient.getUserStatus`, `errorStacks: \'none\'`',
    desc: 'as the first, but a failed call\'s TIMError gets no stack frames: no stack is captured at all.',
    unavailable: () => clientMissing(),
  },
  {
    id: 'promise-floor',
    label: 'promise floor (raw binding + one promise)',
    desc: 'what a promise per call costs by itself (bench/overhead/candidates/promise-floor.js): JSON.stringify, `new Promise`, ' +
      'the raw binding call with a closure that rejects with a stackless Error carrying the code; no validation, queue, ' +
      'timeouts or uninit handling, every call straight into the SDK. Not a product: the floor any promise API over this ' +
      'binding starts from.',
    unavailable: () => addonMissing(),
  },
  {
    id: 'binding',
    label: 'raw binding `sdk.TIMGetUserStatus`',
    desc: "`require('node-gyp-build')(root).load(sdkPath).TIMGetUserStatus('[\"u1\"]', cb)`: the constant JSON, a " +
      'callback `(code, desc, json)` on the JS thread; no promise.',
    unavailable: () => addonMissing(),
  },
  {
    id: 'koffi',
    label: 'koffi (registered callback)',
    desc: 'one callback registered once with `koffi.register`, user_data an integer request id looked up in a Map, a ' +
      'promise-returning `getUserStatus(ids)` with JSON.stringify/JSON.parse, a ref\'d timer held while calls are pending ' +
      '(koffi\'s foreign-thread queue does not hold the event loop; without it the process exits mid-flight and crashes). ' +
      'koffi runs a callback that arrives on a foreign thread by queueing it to the JS thread and blocking that thread until ' +
      'it has run (RelayAsync in koffi\'s src/koffi/src/call.cc), so the SDK thread waits one cross-thread wake round trip ' +
      '(see Machine) plus the JS callback for every answer, one answer at a time.',
    unavailable: () => null,
  },
  {
    id: 'ffi-rs',
    label: 'ffi-rs as im_electron_sdk calls it',
    desc: "im_electron_sdk@8.0.5906's pattern: `open()` once, then per call `load()` with a fresh `funcConstructor` " +
      'callback type and JS function, user_data `""` as a String, wrapped in a promise.',
    unavailable: () => null,
  },
];

function addonMissing() {
  try {
    require('node-gyp-build').path(ROOT);
    return null;
  } catch {
    return 'native addon not built (build/Release/tim_native.node)';
  }
}

function clientMissing() {
  return addonMissing() || (fs.existsSync(path.join(DIST, 'client.js')) ? null : 'dist/client.js missing (lib/client.ts not built)');
}

function nodeArgv(ctx, id, window, dir, extraNodeFlags = [], checkpoints) {
  const argv = [process.execPath, ...extraNodeFlags, CLIENT, id, ctx.library, String(ctx.n), String(window), String(ctx.warmup), dir];
  if (checkpoints) argv.push(checkpoints.join(','));
  return argv;
}

/** Runs one candidate once, in its own work folder, under `unshare -n`. */
async function runOnce(ctx, candidate, window, options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tim-bench-'));
  try {
    const argv = candidate.argv
      ? candidate.argv(ctx, window, dir)
      : nodeArgv(ctx, candidate.id, window, dir, options.nodeFlags, options.checkpoints);
    return await runChild(argv, {
      isolate: true,
      workTimeoutMs: options.workTimeoutMs ?? ctx.workTimeoutMs,
      exitGraceMs: ctx.exitGraceMs,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function windowLabel(w) {
  return w === 0 ? 'unbounded' : String(w);
}

function describeRun(run) {
  if (!run.result) return `no result (${run.exit.state}) ${run.stderrTail.trim().split('\n').slice(-3).join(' | ')}`;
  const r = run.result;
  return `${formatNumber(r.callsPerSec, 0)} calls/s, p50 ${formatNumber(r.p50us)} µs, p99 ${formatNumber(r.p99us)} µs, ` +
    `${formatNumber(r.maxRssKb / 1024, 1)} MB, ${formatNumber(r.cpuUsPerCall)} µs CPU/call, exit: ${run.exit.state}` +
    (r.unexpected ? `, ${r.unexpected} UNEXPECTED codes` : '');
}

/** Runs the rounds; returns the raw records. */
async function measure(ctx) {
  const candidates = CANDIDATES.filter((c) => ctx.candidates.includes(c.id));
  const skipped = {};
  const active = [];
  for (const c of candidates) {
    const why = c.unavailable(ctx);
    if (why) skipped[c.id] = why;
    else active.push(c);
  }
  for (const [id, why] of Object.entries(skipped)) ctx.log(`part 1: skipping ${id}: ${why}`);
  const records = [];
  for (let round = 0; round < ctx.rounds; round++) {
    for (const window of ctx.windows) {
      const order = active.map((_, i) => active[(i + round) % active.length]);
      for (const candidate of order) {
        const run = await runOnce(ctx, candidate, window);
        records.push({ round, window, candidate: candidate.id, ...run });
        ctx.log(`part 1 round ${round + 1}/${ctx.rounds} window ${windowLabel(window)} ${candidate.id}: ${describeRun(run)}`);
      }
    }
  }
  return { records, skipped, candidates };
}

function pick(records, window, candidate) {
  return records.filter((r) => r.window === window && r.candidate === candidate);
}

/** Within-round ratios of `metric` between two candidates (a / b) at one window. */
function ratios(records, window, a, b, metric = 'callsPerSec') {
  const out = [];
  for (const ra of pick(records, window, a)) {
    const rb = records.find((r) => r.window === window && r.candidate === b && r.round === ra.round);
    if (ra.result && rb && rb.result) out.push(ra.result[metric] / rb.result[metric]);
  }
  return out;
}

function exitCell(runs) {
  const counts = {};
  for (const r of runs) counts[r.exit.state] = (counts[r.exit.state] || 0) + 1;
  const clean = counts.clean || 0;
  const others = Object.entries(counts).filter(([s]) => s !== 'clean').map(([s, k]) => `${s} ×${k}`);
  return `${clean}/${runs.length}${others.length ? ` (${others.join(', ')})` : ''}`;
}

function goalLine(ok, text) {
  return `- ${ok === null ? 'NOT MEASURED' : ok ? 'MET' : 'MISSED'}: ${text}`;
}

/** Markdown of part 1. */
function report(ctx, { records, skipped, candidates }) {
  const lines = [];
  lines.push('## 1. Binding overhead on the vendor library');
  lines.push('');
  lines.push(`TIMGetUserStatus(\`["u1"]\`) after TIMInit without login, so the SDK answers every call 6014 on its own thread. ` +
    `Measured: the full round trip from the call to the result delivered on the caller's thread (the JS thread for Node ` +
    `candidates; the raw C client's main thread drains a queue its callback fills). N = ${formatNumber(ctx.n, 0)} measured calls ` +
    `per process after ${formatNumber(ctx.warmup, 0)} warm-up calls at the same window; ${ctx.rounds} rounds, candidates interleaved ` +
    `within each round (order rotated per round), one fresh process per candidate, window and round, all under \`unshare -n\`. ` +
    `Cells: median over rounds (min–max). "× raw C": ratio of calls/s to the raw C client's in the same round and window. ` +
    `Peak RSS: the process's maxRSS. CPU/call: user + system time of the whole process (all threads, SDK's included) during ` +
    `the measured calls, divided by N. Exited: the process exited by itself after TIMUninit (code 0) within ` +
    `${ctx.exitGraceMs / 1000} s of reporting its result; otherwise it was killed.`);
  lines.push('');
  lines.push('Candidates:', '');
  for (const c of candidates) lines.push(`- ${c.label}: ${skipped[c.id] ? `NOT RUN (${skipped[c.id]}). ` : ''}${c.desc}`);
  lines.push('');
  const active = candidates.filter((c) => !skipped[c.id]);
  const notes = [];
  for (const window of ctx.windows) {
    lines.push(`### ${windowLabel(window)} in flight`);
    lines.push('');
    lines.push('| candidate | calls/s | × raw C | p50 µs | p99 µs | peak RSS MB | CPU µs/call | exited by itself |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const c of active) {
      const runs = pick(records, window, c.id);
      const ok = runs.filter((r) => r.result);
      const s = (f) => summary(ok.map((r) => f(r.result)));
      const ratio = c.id === 'raw-c' ? '1.00' : formatSummary(summary(ratios(records, window, c.id, 'raw-c')), 2);
      const bad = ok.reduce((k, r) => k + (r.result.unexpected || 0), 0);
      const garbled = ok.reduce((k, r) => k + (r.result.userDataGarbled || 0), 0);
      if (garbled) notes.push(`${c.label} at ${windowLabel(window)} in flight: user_data came back different from the \`""\` passed in ` +
        `${formatNumber((100 * garbled) / ok.reduce((k, r) => k + r.result.n, 0), 1)}% of measured callbacks.`);
      lines.push(`| ${c.label}${bad ? ` (${bad} unexpected codes!)` : ''} | ${formatSummary(s((r) => r.callsPerSec), 0)} | ${ratio} | ` +
        `${formatSummary(s((r) => r.p50us))} | ${formatSummary(s((r) => r.p99us))} | ${formatSummary(s((r) => r.maxRssKb / 1024), 1)} | ` +
        `${formatSummary(s((r) => r.cpuUsPerCall))} | ${exitCell(runs)} |`);
    }
    lines.push('');
  }
  if (notes.length) lines.push('Observed:', '', ...notes.map((x) => `- ${x}`), '');
  lines.push('### Goals');
  lines.push('');
  const has = (id) => active.some((c) => c.id === id);
  const med = (xs) => (xs.length ? median(xs) : NaN);
  const fmtRatio = (xs) => (xs.length ? `${formatSummary(summary(xs), 2)}×` : 'n/a');
  if (ctx.windows.includes(64)) {
    const r64 = ratios(records, 64, 'timclient', 'raw-c');
    lines.push(goalLine(has('timclient') && r64.length ? med(r64) >= 0.9 : null,
      `TIMClient at 64 in flight >= 0.9× raw C: ${fmtRatio(r64)}`));
  }
  if (ctx.windows.includes(0)) {
    const ru = ratios(records, 0, 'timclient', 'raw-c');
    lines.push(goalLine(has('timclient') && ru.length ? med(ru) >= 0.75 : null,
      `TIMClient unbounded >= 0.75× raw C: ${fmtRatio(ru)}`));
  }
  for (const window of ctx.windows.filter((w) => w === 64 || w === 0)) {
    const refs = [['timclient-nostack', "TIMClient with `errorStacks: 'none'`"], ['promise-floor', 'the promise floor'], ['binding', 'the raw binding']]
      .filter(([id]) => has(id))
      .map(([id, label]) => `${label} ${fmtRatio(ratios(records, window, id, 'raw-c'))}`);
    if (refs.length) lines.push(`- For reference, ${windowLabel(window)} in flight, × raw C: ${refs.join('; ')}.`);
  }
  if (ctx.windows.includes(64)) {
    for (const other of ['koffi', 'ffi-rs']) {
      const r = ratios(records, 64, 'timclient', other);
      // What any binding could reach on this machine: the raw C client's own lead in the same rounds.
      const ceiling = has('raw-c') ? ratios(records, 64, 'raw-c', other) : [];
      lines.push(goalLine(has('timclient') && has(other) && r.length ? med(r) >= 10 : null,
        `TIMClient at 64 in flight >= 10× ${other}: ${fmtRatio(r)}` +
        (ceiling.length ? ` (the raw C client: ${fmtRatio(ceiling)} ${other})` : '')));
    }
  }
  const clientRuns = records.filter((r) => r.candidate === 'timclient');
  lines.push(goalLine(clientRuns.length ? clientRuns.every((r) => r.exit.state === 'clean') : null,
    `TIMClient processes exited by themselves: ${clientRuns.length ? exitCell(clientRuns) : 'n/a'}`));
  lines.push('');
  return lines.join('\n');
}

module.exports = { measure, report, runOnce, CANDIDATES, windowLabel, describeRun };
