#!/usr/bin/env node
'use strict';
/*
 * `npm run test:sanitize`: builds the addon and the emulator library with AddressSanitizer and
 * UndefinedBehaviorSanitizer (gcc, cmake-js, into build-sanitize/; build/ is untouched) and runs the
 * emulator-backed jest suites against that build. Node is not instrumented, so the sanitizer
 * runtimes are preloaded (LD_PRELOAD) into jest and every process it starts; TIM_NATIVE_BUILD_DIR
 * points lib/binding.ts (and test/fixtures/raw-child.js) at the instrumented build.
 *
 * Every report (ASan, LSan, UBSan; UBSan is fatal) is written to build-sanitize/reports/ and makes
 * the run fail, whether or not the process that hit it made a test fail. The vendor library's
 * tests are filtered out (`-t`): Tencent's library is never loaded with the sanitizer runtimes; so
 * are the RSS-growth checks, which would measure ASan's own quarantine. Vendor children only ever
 * start through test/helpers/isolate.ts `runChild`, which runs them under `unshare -n`; this run
 * also sets TIM_NATIVE_REFUSE_VENDOR=1, so runChild refuses one that the filter missed (the test
 * then fails) rather than start it at all. Nothing here uses Wine or qemu.
 * Suppressed: only leaks allocated directly by Node's own code (scripts/sanitize/lsan.supp says
 * exactly what and why). The only process started without the runtimes is the C compiler (below).
 *
 *   npm run test:sanitize                     every emulator-backed suite
 *   npm run test:sanitize -- test/client.test.ts   only these suites (extra jest arguments pass through)
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const out = path.join(root, 'build-sanitize');
const reports = path.join(out, 'reports');
const SUITES = [
  'test/e2e-faults.test.ts',
  'test/e2e-login.test.ts',
  'test/e2e-profile.test.ts',
  'test/e2e-status.test.ts',
  'test/emulator-native.test.ts',
  'test/client.test.ts',
  'test/raw-binding.test.ts',
  'test/demo.test.ts',
  'test/conformance.test.ts',
  'test/teardown.test.ts',
];
// Left out: Tencent's library (never loaded with the sanitizer runtimes), and the RSS-growth checks,
// which measure ASan's quarantine and shadow memory here (LSan checks leaks instead).
const TEST_FILTER = '^(?!.*(libImSDK|RSS growth))';
const FLAGS = '-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer';

function sh(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function runtime(name) {
  const r = spawnSync('gcc', [`-print-file-name=${name}`], { encoding: 'utf8' });
  const file = (r.stdout || '').trim();
  if (r.status !== 0 || !path.isAbsolute(file)) throw new Error(`gcc does not know ${name}: install gcc's sanitizer runtimes`);
  return file;
}

function main() {
  const extra = process.argv.slice(2);
  const started = Date.now();
  // The same CMake build as `npm run build:cmake`, with the sanitizer flags.
  if (
    sh('npx', [
      'cmake-js', 'build', '--out', 'build-sanitize',
      `--CDCMAKE_CXX_FLAGS=${FLAGS}`,
      '--CDCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined',
      '--CDCMAKE_BUILD_TYPE=RelWithDebInfo',
    ]) !== 0
  ) {
    throw new Error('the sanitizer build failed');
  }
  // The e2e suites start the compiled package (dist/), which must know TIM_NATIVE_BUILD_DIR.
  if (sh('npm', ['run', 'build:ts']) !== 0) throw new Error('build:ts failed');

  fs.rmSync(reports, { recursive: true, force: true });
  fs.mkdirSync(reports, { recursive: true });
  // test/emulator-native.test.ts compiles its C client with `cc`. The compiler is not under test
  // and frees nothing before it exits: this `cc`, first in PATH, runs it without the preload.
  const bin = path.join(out, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const realCc = spawnSync('sh', ['-c', 'command -v cc'], { encoding: 'utf8' }).stdout.trim();
  fs.writeFileSync(path.join(bin, 'cc'), `#!/bin/sh\nunset LD_PRELOAD\nexec ${realCc} "$@"\n`, { mode: 0o755 });
  const env = {
    TIM_NATIVE_BUILD_DIR: path.join(out, 'Release'),
    TIM_NATIVE_REFUSE_VENDOR: '1',
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    LD_PRELOAD: [runtime('libasan.so'), runtime('libubsan.so'), process.env.LD_PRELOAD].filter(Boolean).join(':'),
    // malloc_context_size=3: see scripts/sanitize/lsan.supp (allocation stacks in ASan's reports
    // are that short too; the stack of the faulty access itself is complete).
    ASAN_OPTIONS: `log_path=${reports}/asan:detect_leaks=1:malloc_context_size=3:strict_string_checks=1`,
    LSAN_OPTIONS: `suppressions=${path.join(__dirname, 'sanitize', 'lsan.supp')}:print_suppressions=0`,
    UBSAN_OPTIONS: `log_path=${reports}/ubsan:halt_on_error=1:print_stacktrace=1`,
    // test/emulator-native.test.ts compiles its C client with these: instrumented as well.
    TIM_EMULATOR_DRIVER_CFLAGS: FLAGS,
  };
  const suites = extra.some((a) => a.endsWith('.ts')) ? [] : SUITES;
  const jest = sh(process.execPath, [require.resolve('jest/bin/jest'), ...suites, '-t', TEST_FILTER, ...extra], env);

  const found = fs.readdirSync(reports).map((f) => path.join(reports, f));
  for (const file of found) {
    console.error(`\n===== ${file}`);
    console.error(fs.readFileSync(file, 'utf8'));
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\ntest:sanitize: jest ${jest === 0 ? 'passed' : 'FAILED'}, ${found.length} sanitizer report(s), ${seconds} s`);
  process.exitCode = jest === 0 && found.length === 0 ? 0 : 1;
}

try {
  main();
} catch (e) {
  console.error(`test:sanitize: ${e.message}`);
  process.exitCode = 1;
}
