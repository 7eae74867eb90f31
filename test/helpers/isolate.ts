/**
 * Child processes for lifecycle and vendor conformance tests.
 *
 * SAFETY: Tencent's libImSDK connects to public internet addresses when initialised. A process
 * that loads it must run in an empty network namespace: `unshare -n <node> <script>`. This module
 * is the only place that spawns such processes; `runChild` refuses to run a vendor child any other
 * way. Nothing in the jest process ever loads the vendor library.
 *
 * Protocol: a child prints each result as one line `TIMNATIVE-RESULT <json>` on stdout; every other
 * line is kept verbatim (so tests can also check what else the child printed, e.g. `TIM:` logs).
 */
import { spawn } from 'child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { testRuntime, unshareAvailable } from './runtime';

/** Prefix of a result line printed by a fixture. */
export const RESULT_PREFIX = 'TIMNATIVE-RESULT ';

/** What a child left behind. */
export interface ChildRun {
  /** Exit code, `null` when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Parsed result lines, in order. */
  results: Array<Record<string, unknown>>;
  /** stdout lines that are not result lines. */
  otherStdout: string[];
  stderr: string;
  /** The child did not exit by itself within the time limit and was killed. */
  timedOut: boolean;
}

/** Options of {@link runChild}. */
export interface RunChildOptions {
  /** Run under `unshare -n`. Forced to true for the vendor library. */
  isolate?: boolean;
  /** Extra environment (merged over process.env). */
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--expose-gc`. */
  nodeArgs?: string[];
  /** Kill the child after this long (default 60 s). */
  timeoutMs?: number;
}

export { unshareAvailable };

/** `process.env.CI === 'true'`: missing prerequisites fail instead of skipping. */
export function onCI(): boolean {
  return process.env.CI === 'true';
}

/**
 * Decides what a suite does when a prerequisite is missing: `'run'` when `problem` is undefined;
 * otherwise `'fail'` on CI and `'skip'` locally, printing a visible message either way.
 */
export function skipOrFail(suite: string, problem: string | undefined): 'run' | 'skip' | 'fail' {
  if (problem === undefined) return 'run';
  if (onCI()) return 'fail';
  console.warn(`\n*** SKIPPED ${suite}: ${problem}\n*** (on CI, with CI=true, this fails instead)\n`);
  return 'skip';
}

/** A child's stdout and stderr as files, for runtimes that cannot write to pipes. */
function outputFiles(): { stdoutFd: number; stderrFd: number; closeInParent(): void; readAndRemove(): { stdout: string; stderr: string }; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tim-native-child-'));
  const stdoutFd = openSync(path.join(dir, 'stdout'), 'w');
  const stderrFd = openSync(path.join(dir, 'stderr'), 'w');
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  return {
    stdoutFd,
    stderrFd,
    closeInParent: () => {
      closeSync(stdoutFd);
      closeSync(stderrFd);
    },
    readAndRemove: () => {
      const out = { stdout: readFileSync(path.join(dir, 'stdout'), 'utf8'), stderr: readFileSync(path.join(dir, 'stderr'), 'utf8') };
      remove();
      return out;
    },
    remove,
  };
}

/** Absolute path of a fixture script in test/fixtures. */
export function fixture(name: string): string {
  return path.join(__dirname, '..', 'fixtures', name);
}

/**
 * Runs `node <script> <args>` in a child (under `unshare -n` when `isolate`, always for the
 * vendor library: pass `vendor: true`), collects its result lines and waits for it to exit by
 * itself. A child still running after `timeoutMs` is killed and reported with `timedOut`.
 */
export function runChild(script: string, args: string[], options: RunChildOptions & { vendor: boolean }): Promise<ChildRun> {
  // Runs that must not load Tencent's library at all (the sanitizer run, whose preloaded runtimes
  // every child inherits) set this; a vendor test their filter missed then fails instead.
  if (options.vendor && process.env.TIM_NATIVE_REFUSE_VENDOR === '1') {
    return Promise.reject(new Error(`refusing to run ${script} on the vendor library: TIM_NATIVE_REFUSE_VENDOR=1`));
  }
  const isolate = options.vendor || options.isolate === true;
  if (isolate) {
    const probe = unshareAvailable();
    if (!probe.ok) return Promise.reject(new Error(`refusing to run ${script} without a network namespace: ${probe.reason}`));
  }
  // The selected runtime (host, qemu, Wine) wraps the whole session in the namespace when isolating.
  const runtime = testRuntime();
  const { command, args: argv, env } = runtime.nodeCommand([...(options.nodeArgs ?? []), script, ...args], { isolate });
  // A runtime whose children cannot write to pipes (node.exe under Wine) writes to files, read at exit.
  const files = runtime.stdioPipes ? undefined : outputFiles();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      env: { ...process.env, ...env, ...options.env },
      stdio: files ? ['ignore', files.stdoutFd, files.stderrFd] : ['ignore', 'pipe', 'pipe'],
    });
    files?.closeInParent();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      files?.remove();
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (files) ({ stdout, stderr } = files.readAndRemove());
      const results: Array<Record<string, unknown>> = [];
      const otherStdout: string[] = [];
      for (const line of stdout.split('\n')) {
        // The vendor library writes to the same stdout from its own threads (its `[xlog]` banner),
        // so a result line may follow another writer's text that had no newline yet.
        const at = line.indexOf(RESULT_PREFIX);
        if (at === -1) {
          if (line !== '') otherStdout.push(line);
          continue;
        }
        if (at > 0) otherStdout.push(line.slice(0, at));
        results.push(JSON.parse(line.slice(at + RESULT_PREFIX.length)) as Record<string, unknown>);
      }
      resolve({ code, signal, results, otherStdout, stderr, timedOut });
    });
  });
}

/** The one result named `name` (fixtures print `{ name, ... }`), or a clear failure. */
export function resultNamed(run: ChildRun, name: string): Record<string, unknown> {
  const found = run.results.find((r) => r.name === name);
  if (!found) {
    throw new Error(
      `the child printed no result "${name}" (exit ${run.code}${run.signal ? `, signal ${run.signal}` : ''}` +
        `${run.timedOut ? ', timed out' : ''})\nresults: ${JSON.stringify(run.results.map((r) => r.name))}\nstderr:\n${run.stderr}` +
        `\nother stdout:\n${run.otherStdout.join('\n')}`,
    );
  }
  return found;
}

/** A short summary of a run for failure messages. */
export function summarize(run: ChildRun): string {
  return (
    `exit ${run.code}, signal ${run.signal}, timedOut ${run.timedOut}\n` +
    `stderr:\n${run.stderr.slice(-4000)}\nother stdout (${run.otherStdout.length} lines):\n` +
    run.otherStdout.slice(0, 20).join('\n')
  );
}
