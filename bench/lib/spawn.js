'use strict';
// Runs one benchmark child process, bounded in time, and decides whether it exited by itself.
//
// The child prints one line `BENCH-RESULT {json}` on stdout when its measured work is done, then
// tears down (TIMUninit) and is expected to exit on its own. A child still alive `exitGraceMs`
// after that line is killed and reported as "did not exit"; a child still working after
// `workTimeoutMs` is killed and reported as "timed out".
const { spawn } = require('child_process');

const RESULT_PREFIX = 'BENCH-RESULT ';

/**
 * @param {string[]} argv command and arguments
 * @param {{isolate?: boolean, workTimeoutMs?: number, exitGraceMs?: number, env?: object,
 *          cwd?: string}} options isolate: run under `unshare -n` (required for anything that
 *          loads the vendor library)
 * @returns {Promise<{result: object|null, exit: {state: string, code: number|null,
 *          signal: string|null, afterMs: number|null}, stderrTail: string, stdoutTail: string}>}
 */
function runChild(argv, options = {}) {
  const { isolate = true, workTimeoutMs = 300_000, exitGraceMs = 10_000, env, cwd } = options;
  const command = isolate ? ['unshare', '-n', ...argv] : argv;
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ? { ...process.env, ...env } : process.env,
      cwd,
    });
    let stdoutBuffer = '';
    let stdoutTail = '';
    let stderrTail = '';
    let result = null;
    let resultAt = null;
    let killedFor = null;
    const extra = [];

    const workTimer = setTimeout(() => kill('timed out'), workTimeoutMs);
    let graceTimer = null;

    function kill(reason) {
      if (killedFor) return;
      killedFor = reason;
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdoutBuffer += chunk;
      let nl;
      while ((nl = stdoutBuffer.indexOf('\n')) >= 0) {
        const line = stdoutBuffer.slice(0, nl);
        stdoutBuffer = stdoutBuffer.slice(nl + 1);
        if (line.startsWith(RESULT_PREFIX)) {
          const parsed = JSON.parse(line.slice(RESULT_PREFIX.length));
          if (result === null) {
            result = parsed;
            resultAt = Date.now();
            clearTimeout(workTimer);
            graceTimer = setTimeout(() => kill('did not exit'), exitGraceMs);
          } else {
            extra.push(parsed);
          }
        } else {
          stdoutTail = (stdoutTail + line + '\n').slice(-2000);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(workTimer);
      if (graceTimer) clearTimeout(graceTimer);
      let state;
      if (killedFor) state = killedFor;
      else if (signal) state = `crashed (${signal})`;
      else if (code !== 0) state = `exit code ${code}`;
      else state = 'clean';
      resolve({
        result,
        extra,
        exit: {
          state,
          code,
          signal,
          afterMs: resultAt !== null && !killedFor ? Date.now() - resultAt : null,
        },
        stderrTail,
        stdoutTail,
      });
    });
  });
}

module.exports = { runChild, RESULT_PREFIX };
