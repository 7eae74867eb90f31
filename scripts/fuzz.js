#!/usr/bin/env node
'use strict';
/*
 * `npm run fuzz`: builds the libFuzzer targets of fuzz/native/ with clang into build-fuzz/, runs
 * each for a bounded time, then the emulator server fuzzer (fuzz/server.js). Exits 1 on any
 * finding and prints the reproducer's path.
 *
 *   npm run fuzz                       every target, $FUZZ_SECONDS (default 60) seconds each
 *   npm run fuzz -- --seconds 10       shorter
 *   npm run fuzz -- json_fuzzer        only the named targets (frame_fuzzer, json_fuzzer, server)
 *
 * Working corpora grow in build-fuzz/corpus/<target>/ (kept between runs, gitignored); the
 * committed seeds in fuzz/corpus/<target>/ are only read. Findings go to build-fuzz/findings/.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync, spawn } = require('child_process');

const root = path.join(__dirname, '..');
const out = path.join(root, 'build-fuzz');
const NATIVE_TARGETS = {
  frame_fuzzer: ['native/emulator/frame.cc'],
  json_fuzzer: ['native/emulator/json.cc'],
};

function parseArgs() {
  const args = process.argv.slice(2);
  let seconds = Number(process.env.FUZZ_SECONDS ?? 60);
  const only = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--seconds') seconds = Number(args[++i]);
    else only.push(args[i]);
  }
  if (!(seconds > 0)) throw new Error('--seconds (or FUZZ_SECONDS) must be a positive number');
  return { seconds, only };
}

function findClang() {
  for (const name of ['clang++', 'clang++-16', 'clang++-15', 'clang++-14']) {
    if (spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0) return name;
  }
  throw new Error('clang++ not found: install it (Debian: apt-get install clang-14 libclang-rt-14-dev)');
}

function build(clang, target) {
  const binary = path.join(out, target);
  const sources = [path.join(root, 'fuzz/native', `${target}.cc`), ...NATIVE_TARGETS[target].map((s) => path.join(root, s))];
  const flags = ['-std=c++17', '-g', '-O1', '-fno-omit-frame-pointer', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=all'];
  const r = spawnSync(clang, [...flags, ...sources, '-o', binary], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`building ${target} failed`);
  return binary;
}

/** Runs a command; resolves with its status and its stderr (echoed unless `quiet`). */
function run(cmd, args, env, quiet = false) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!quiet) process.stderr.write(d);
    });
    child.on('exit', (code, signal) => resolve({ status: code ?? 128, signal, stderr }));
  });
}

async function fuzzNative(target, binary, seconds) {
  const corpus = path.join(out, 'corpus', target);
  const findings = path.join(out, 'findings', target);
  fs.mkdirSync(corpus, { recursive: true });
  fs.mkdirSync(findings, { recursive: true });
  const before = new Set(fs.readdirSync(findings));
  const { status, stderr } = await run(
    binary,
    [
      `-max_total_time=${seconds}`,
      '-timeout=10', // one input running 10 s is a hang
      '-rss_limit_mb=2048',
      '-print_final_stats=1',
      `-artifact_prefix=${findings}/`,
      corpus,
      path.join(root, 'fuzz/corpus', target),
    ],
    // Leaks are findings too (LSan runs at exit and after each input that grew memory).
    { ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' },
    true, // libFuzzer's progress lines are noise; its report is printed below on a finding
  );
  const stat = (name) => Number((new RegExp(`stat::${name}:\\s*(\\d+)`).exec(stderr) ?? [])[1] ?? NaN);
  const runs = stat('number_of_executed_units');
  const perSecond = stat('average_exec_per_sec');
  if (status === 0) return { target, ok: true, summary: `${runs} runs, ${perSecond} exec/s` };
  process.stderr.write(stderr.split('\n').slice(-80).join('\n'));
  const artifacts = fs.readdirSync(findings).filter((f) => !before.has(f));
  const reproducer = artifacts.length ? path.join(findings, artifacts[0]) : '(no artifact written; see the output above)';
  return { target, ok: false, summary: `FINDING: reproducer ${reproducer}  (replay: ${binary} ${reproducer})` };
}

async function fuzzServer(seconds) {
  const { status, stderr } = await run(process.execPath, [path.join(root, 'fuzz/server.js'), '--seconds', String(seconds)]);
  if (status === 0) return { target: 'server', ok: true, summary: 'no finding' };
  const m = /reproducer: (\S+)/.exec(stderr);
  return { target: 'server', ok: false, summary: `FINDING: reproducer ${m ? m[1] : '(none written; see the output above)'}` };
}

async function main() {
  const { seconds, only } = parseArgs();
  const wanted = (t) => only.length === 0 || only.includes(t);
  const results = [];
  const nativeTargets = Object.keys(NATIVE_TARGETS).filter(wanted);
  if (nativeTargets.length) {
    fs.mkdirSync(out, { recursive: true });
    const clang = findClang();
    for (const target of nativeTargets) {
      const binary = build(clang, target);
      console.log(`fuzz: ${target} for ${seconds} s`);
      results.push(await fuzzNative(target, binary, seconds));
    }
  }
  if (wanted('server')) {
    console.log(`fuzz: server for ${seconds} s`);
    results.push(await fuzzServer(seconds));
  }
  console.log('\nfuzz results:');
  for (const r of results) console.log(`  ${r.ok ? 'ok     ' : 'FAILED '} ${r.target}: ${r.summary}`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

main().catch((e) => {
  console.error(`fuzz: ${e.message}`);
  process.exitCode = 1;
});
