#!/usr/bin/env node
// The full-count version of test/teardown.test.ts: every teardown scenario of
// test/fixtures/teardown.js in fresh processes, many times, counting crashes (a signal), aborts
// (exit 134 / SIGABRT) and any other failure. Needs a build (`npm run build`).
//
//   node scripts/teardown-soak.js [runs=50] [terminations=300]
//
// Each worker scenario runs `runs` times (3 workers per run), with and without the addon also
// loaded on the main thread; terminate-calls runs until `terminations` workers with calls in
// flight were terminated, both ways too. Exits 1 when anything failed.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const runs = Number(process.argv[2] || 50);
const terminations = Number(process.argv[3] || 300);
const fixture = path.join(__dirname, '..', 'test', 'fixtures', 'teardown.js');
const PER_PROCESS = 10; // terminations per process in terminate-calls

function once(scenario, count, mainLoads) {
  const args = [fixture, scenario, String(count), ...(mainLoads ? ['main-loads'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
  const line = (r.stdout || '').split('\n').find((l) => l.startsWith('TIMNATIVE-RESULT '));
  const res = line ? JSON.parse(line.slice('TIMNATIVE-RESULT '.length)) : undefined;
  const crashed = r.signal !== null && r.signal !== 'SIGABRT';
  const aborted = r.signal === 'SIGABRT' || r.status === 134;
  const ok = !crashed && !aborted && r.status === 0 && res !== undefined && res.name === scenario;
  return { ok, crashed, aborted, status: r.status, signal: r.signal, stderr: (r.stderr || '').slice(-400) };
}

const plan = [];
for (const mainLoads of [false, true]) {
  for (const scenario of ['workers-sequence', 'workers-parallel', 'terminate-login', 'terminate-events', 'main-exits']) {
    plan.push({ scenario, count: 3, times: runs, mainLoads });
  }
  plan.push({ scenario: 'terminate-calls', count: PER_PROCESS, times: Math.ceil(terminations / PER_PROCESS), mainLoads });
}

let failed = 0;
for (const { scenario, count, times, mainLoads } of plan) {
  const tally = { runs: 0, ok: 0, crashes: 0, aborts: 0, other: 0 };
  let example;
  for (let i = 0; i < times; i++) {
    const r = once(scenario, count, mainLoads);
    tally.runs++;
    if (r.ok) tally.ok++;
    else {
      if (r.crashed) tally.crashes++;
      else if (r.aborted) tally.aborts++;
      else tally.other++;
      example ??= r;
    }
  }
  const label = `${scenario}${mainLoads ? ' (main loads too)' : ''}`;
  const workersEach = scenario === 'terminate-calls' ? `${count} terminations` : `${count} workers`;
  console.log(`${label.padEnd(36)} ${tally.runs} runs x ${workersEach}: ${tally.ok} ok, ${tally.crashes} crashes, ${tally.aborts} aborts, ${tally.other} other`);
  if (example) console.log(`  first failure: status ${example.status} signal ${example.signal}\n  ${example.stderr}`);
  if (tally.ok !== tally.runs) failed++;
}
process.exit(failed === 0 ? 0 : 1);
