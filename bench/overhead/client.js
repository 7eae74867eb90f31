'use strict';
// One Node candidate process of the binding-overhead benchmark. Run it only through the runner,
// which starts it under `unshare -n` (the vendor library connects to the internet when
// initialised).
//
//   node bench/overhead/client.js <candidate> <library> <n> <window, 0 = unbounded> <warmup> <dir>
//        [checkpoints, e.g. 100000,1000000]
//
// The candidate module sets up the library (TIMSetConfig, TIMInit without login) and offers
// `call(done)`: one TIMGetUserStatus('["u1"]') whose result reaches `done(code)` on the JS thread.
// The driver keeps `window` calls in flight, records every call's latency from issue to delivery,
// prints `BENCH-RESULT {json}` and then only tears down (TIMUninit): the runner watches whether the
// process then exits by itself.
//
// With checkpoints, the same run continues up to each checkpoint count (window as given) and
// reports the RSS there (after a forced GC too, when started with --expose-gc): the memory part.
const path = require('path');
const { runPhase, phaseStats } = require('../lib/driver');

const EXPECTED_CODE = 6014; // not logged in: the SDK answers every call with it

function rssMb() {
  return process.memoryUsage.rss() / 1048576;
}

async function main() {
  const [candidate, library, nArg, windowArg, warmupArg, dir, checkpointsArg] = process.argv.slice(2);
  const n = Number(nArg);
  const window = Number(windowArg);
  const warmup = Number(warmupArg);
  const impl = await require(path.join(__dirname, 'candidates', `${candidate}.js`)).setup({ library, dir });

  if (warmup > 0) await runPhase(impl.call, warmup, window, EXPECTED_CODE);

  const checkpoints = checkpointsArg ? checkpointsArg.split(',').map(Number) : [];
  const observed0 = impl.observations ? impl.observations() : {};
  const cpu0 = process.cpuUsage();
  const phase = await runPhase(impl.call, n, window, EXPECTED_CODE);
  const cpu = process.cpuUsage(cpu0);
  const result = {
    n,
    window,
    ...phaseStats(phase, n),
    maxRssKb: process.resourceUsage().maxRSS,
    cpuUsPerCall: (cpu.user + cpu.system) / n,
    unexpected: phase.unexpected,
    sdkVersion: impl.sdkVersion,
  };
  // Candidate-specific counters (e.g. garbled user_data), over the measured calls only.
  if (impl.observations) {
    for (const [key, value] of Object.entries(impl.observations())) result[key] = value - (observed0[key] ?? 0);
  }
  if (checkpoints.length > 0) {
    result.rss = [];
    let done = n;
    for (const target of checkpoints) {
      if (target > done) {
        const more = await runPhase(impl.call, target - done, window, EXPECTED_CODE);
        result.unexpected += more.unexpected;
        done = target;
      }
      const point = { calls: done, rssMb: rssMb() };
      if (global.gc) {
        global.gc();
        const m = process.memoryUsage();
        point.rssAfterGcMb = m.rss / 1048576;
        point.heapUsedAfterGcMb = m.heapUsed / 1048576;
        point.externalAfterGcMb = m.external / 1048576;
        point.heapTotalAfterGcMb = m.heapTotal / 1048576;
      }
      result.rss.push(point);
    }
  }
  process.stdout.write(`BENCH-RESULT ${JSON.stringify(result)}\n`);
  impl.close();
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
