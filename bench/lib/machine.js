'use strict';
// What the results were measured on: machine, versions, date.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
/** The compiled TypeScript under test: dist/, or $TIM_BENCH_DIST (a build elsewhere, for development). */
const DIST = process.env.TIM_BENCH_DIST ? path.resolve(process.env.TIM_BENCH_DIST) : path.join(ROOT, 'dist');

function cpuModel() {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function packageVersion(name) {
  try {
    return require(require.resolve(`${name}/package.json`, { paths: [ROOT] })).version;
  } catch {
    return 'not installed';
  }
}

function gitRevision() {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${rev} + uncommitted changes` : rev;
  } catch {
    return 'unknown';
  }
}

function describeMachine() {
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    memoryGb: os.totalmem() / 2 ** 30,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg(),
  };
}

function describeVersions() {
  return {
    node: process.version,
    koffi: packageVersion('koffi'),
    ffiRs: packageVersion('ffi-rs'),
    timNative: `${require(path.join(ROOT, 'package.json')).version} (${gitRevision()})`,
    cc: (() => {
      try {
        return execFileSync('cc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
      } catch {
        return 'not found';
      }
    })(),
  };
}

module.exports = { describeMachine, describeVersions, ROOT, DIST };
