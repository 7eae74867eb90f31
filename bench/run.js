'use strict';
// The benchmark runner behind `npm run bench` (scripts/bench.js prepares the vendor library and the
// raw C client, then calls main()). Writes bench/RESULTS.md (or --out).
//
// Options (all optional):
//   --parts 1,2,3            which parts to run
//   --n 100000               measured calls per process (part 1)
//   --warmup 5000            warm-up calls per process, same window, not measured
//   --rounds 3               rounds (candidates interleaved within each)
//   --windows 1,64,1024,unbounded
//   --candidates raw-c,timclient,timclient-callsite,timclient-nostack,promise-floor,binding,koffi,ffi-rs
//   --memory-candidates timclient,timclient-nostack,promise-floor,binding   (part 2; any Node candidates)
//   --memory-first 100000 --memory-last 1000000 --memory-beyond 2000000 (0: none; past the goal's range)
//   --emulator-n 20000 --emulator-warmup 1000        (part 3, native client round trips)
//   --fanout-subscribers 1000 --fanout-changes 20     (part 3)
//   --rest-seconds 10 --rest-concurrency 32 --rest-rate 1000 --rest-max-requests 200000 (part 3)
//   --exit-grace-ms 10000    how long a process may live after its result before "did not exit"
//   --work-timeout-ms 300000 per process
//   --out bench/RESULTS.md
//   --quick                  tiny sizes for checking correctness (writes bench/tmp/RESULTS.quick.md)
// Every process that loads libImSDK is started under `unshare -n` by bench/lib/spawn.js; this runner
// never loads it.
// Environment: TIM_BENCH_DIST=<folder> measures TypeScript compiled elsewhere instead of dist/
// (development only; the folder's parent must hold build/ with the addon, as the repository does).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { describeMachine, describeVersions, ROOT, DIST } = require('./lib/machine');
const { formatNumber } = require('./lib/stats');
const overhead = require('./overhead');
const memory = require('./memory');
const emulator = require('./emulator');

const DEFAULTS = {
  parts: '1,2,3',
  n: 100_000,
  warmup: 5_000,
  rounds: 3,
  windows: '1,64,1024,unbounded',
  candidates: 'raw-c,timclient,timclient-callsite,timclient-nostack,promise-floor,binding,koffi,ffi-rs',
  'memory-candidates': 'timclient,timclient-nostack,promise-floor,binding',
  'memory-first': 100_000,
  'memory-last': 1_000_000,
  'memory-beyond': 2_000_000,
  'memory-timeout-ms': 600_000,
  'emulator-n': 20_000,
  'emulator-warmup': 1_000,
  'fanout-subscribers': 1_000,
  'fanout-changes': 20,
  'rest-seconds': 10,
  'rest-concurrency': 32,
  'rest-rate': 1_000,
  'rest-max-requests': 200_000,
  'exit-grace-ms': 10_000,
  'work-timeout-ms': 300_000,
  out: path.join('bench', 'RESULTS.md'),
};

const QUICK = {
  n: 2_000,
  warmup: 500,
  rounds: 1,
  'memory-first': 2_000,
  'memory-last': 20_000,
  'memory-beyond': 40_000,
  'emulator-n': 500,
  'emulator-warmup': 100,
  'fanout-subscribers': 100,
  'fanout-changes': 3,
  'rest-seconds': 2,
  out: path.join('bench', 'tmp', 'RESULTS.quick.md'),
};

function parseArgs(argv) {
  const given = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) given[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (arg === '--quick') given.quick = true;
    else given[arg.slice(2)] = argv[++i];
  }
  const o = { ...DEFAULTS, ...(given.quick ? QUICK : {}), ...given };
  for (const key of Object.keys(o)) {
    if (!(key in DEFAULTS) && key !== 'quick') throw new Error(`unknown option --${key}`);
  }
  const list = (s) => String(s).split(',').map((x) => x.trim()).filter(Boolean);
  return {
    quick: Boolean(o.quick),
    parts: list(o.parts).map(Number),
    n: Number(o.n),
    warmup: Number(o.warmup),
    rounds: Number(o.rounds),
    windows: list(o.windows).map((w) => (w === 'unbounded' ? 0 : Number(w))),
    candidates: list(o.candidates),
    memoryCandidates: list(o['memory-candidates']),
    memoryFirst: Number(o['memory-first']),
    memoryLast: Number(o['memory-last']),
    memoryBeyond: Number(o['memory-beyond']),
    memoryTimeoutMs: Number(o['memory-timeout-ms']),
    emulatorN: Number(o['emulator-n']),
    emulatorWarmup: Number(o['emulator-warmup']),
    fanoutSubscribers: Number(o['fanout-subscribers']),
    fanoutChanges: Number(o['fanout-changes']),
    restSeconds: Number(o['rest-seconds']),
    restConcurrency: Number(o['rest-concurrency']),
    restRate: Number(o['rest-rate']),
    restMaxRequests: Number(o['rest-max-requests']),
    exitGraceMs: Number(o['exit-grace-ms']),
    workTimeoutMs: Number(o['work-timeout-ms']),
    out: path.resolve(ROOT, o.out),
  };
}

function header(ctx, machine, versions, sdkVersion, startedAt, finishedAt, wake) {
  const load = machine.loadAverage.map((x) => x.toFixed(2)).join(' / ');
  return [
    '# tim-native benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run.js)${ctx.quick ? ' in --quick mode: sizes too small to mean anything, for checking the runner only' : ''}.`,
    '',
    `- Date: ${startedAt.toISOString()} (took ${formatNumber((finishedAt - startedAt) / 60000, 1)} min)`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${formatNumber(machine.memoryGb, 1)} GB, ${machine.kernel}; ` +
      `load average at start ${load} (1/5/15 min)`,
    describeWake(wake.start, wake.end),
    `- Versions: Node ${versions.node}, koffi ${versions.koffi}, ffi-rs ${versions.ffiRs}, vendor SDK ` +
      `${sdkVersion ?? 'not loaded'} (libImSDK.so from im_electron_sdk@8.0.5906), tim-native ${versions.timNative}; ` +
      `raw C client built with ${versions.cc}, -O2`,
    ...(DIST !== path.join(ROOT, 'dist') ? [`- TypeScript measured from ${path.relative(ROOT, DIST)} (TIM_BENCH_DIST), not dist/`] : []),
    `- Command: \`npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\``,
    '',
  ].join('\n');
}

/**
 * The machine's cross-thread wake round trip (bench/wake_rtt.c, no TIM library): p50 and p99 in µs,
 * or why it was not measured. koffi's rate is bound by it: each of its foreign-thread callbacks
 * blocks the SDK thread for one such round trip to the JS thread.
 */
function measureWakeRoundTrip(ctx) {
  if (!ctx.wakeRtt) return { error: ctx.wakeRttError || 'wake_rtt not compiled' };
  const r = spawnSync(ctx.wakeRtt, ['20000', '1000'], { encoding: 'utf8', timeout: 60_000 });
  const line = (r.stdout || '').split('\n').find((l) => l.startsWith('BENCH-RESULT '));
  if (r.status !== 0 || !line) return { error: `wake_rtt failed (${r.status ?? r.signal}): ${(r.stderr || '').trim()}` };
  return JSON.parse(line.slice('BENCH-RESULT '.length));
}

function describeWake(start, end) {
  const one = (w) => (w.error ? `not measured: ${w.error}` : `p50 ${formatNumber(w.p50us)} µs, p99 ${formatNumber(w.p99us)} µs`);
  return '- Cross-thread wake round trip (bench/wake_rtt.c: an eventfd that a thread sleeps on in epoll_wait, a ' +
    'condition variable back; what each callback of a binding that blocks the calling thread, such as koffi, waits for): ' +
    `${one(start)} at the start, ${one(end)} at the end`;
}

function notRun(title, why) {
  return `${title}\n\nNot run: ${why}.\n`;
}

/**
 * @param {string[]} argv command-line options
 * @param {{library: string|null, libraryError?: string, rawClient: string|null, rawClientError?: string}} prepared
 */
async function main(argv, prepared) {
  const options = parseArgs(argv);
  const ctx = { ...options, ...prepared, log: (line) => process.stderr.write(`${line}\n`) };
  const startedAt = new Date();
  const machine = describeMachine();
  const versions = describeVersions();
  const wake = { start: measureWakeRoundTrip(ctx) };
  if (machine.loadAverage[0] > machine.cores * 0.25) {
    ctx.log(`warning: load average ${machine.loadAverage[0].toFixed(2)} on ${machine.cores} cores: the machine is not quiet`);
  }
  const sections = [];
  const raw = { options, machine, versions, startedAt };
  let sdkVersion = null;

  if (options.parts.includes(1)) {
    if (!ctx.library) sections.push(notRun('## 1. Binding overhead on the vendor library', ctx.libraryError));
    else {
      const part = await overhead.measure(ctx);
      raw.part1 = part.records;
      sdkVersion = part.records.find((r) => r.result?.sdkVersion)?.result.sdkVersion ?? sdkVersion;
      sections.push(overhead.report(ctx, part));
    }
  }
  if (options.parts.includes(2)) {
    if (!ctx.library) sections.push(notRun('## 2. Memory', ctx.libraryError));
    else {
      const part = await memory.measure(ctx);
      raw.part2 = part.records;
      sdkVersion = part.records.find((r) => r.result?.sdkVersion)?.result.sdkVersion ?? sdkVersion;
      sections.push(memory.report(ctx, part));
    }
  }
  if (options.parts.includes(3)) {
    const part = await emulator.measure(ctx);
    raw.part3 = part;
    sections.push(emulator.report(ctx, part));
  }

  wake.end = measureWakeRoundTrip(ctx);
  raw.wake = wake;
  const finishedAt = new Date();
  const text = `${header(ctx, machine, versions, sdkVersion, startedAt, finishedAt, wake)}\n${sections.join('\n')}`;
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, text);
  const rawFile = path.join(ROOT, 'bench', 'tmp', `raw-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(rawFile), { recursive: true });
  fs.writeFileSync(rawFile, JSON.stringify(raw, null, 1));
  ctx.log(`wrote ${path.relative(ROOT, options.out)} (raw records: ${path.relative(ROOT, rawFile)})`);
}

module.exports = { main, parseArgs };
