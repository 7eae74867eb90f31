/**
 * The runtime test children run on (`TIM_TEST_RUNTIME`, test/helpers/runtime.ts) is what it says:
 * a child runs that platform's Node and loads that platform's build of the addon, and so does a
 * child it forks (process.execPath: under qemu without binfmt_misc it must come back through the
 * launcher); with `isolate` both sit in an empty network namespace, the only place a vendor
 * library may be loaded. Every other suite that selects a runtime relies on this.
 */
import * as path from 'path';
import { fixture, onCI, resultNamed, runChild, skipOrFail, summarize, unshareAvailable } from './helpers/isolate';
import type { ChildRun } from './helpers/isolate';
import { hostRuntime, testRuntime, vendorTarget } from './helpers/runtime';

const ROOT = path.join(__dirname, '..');
const runtime = testRuntime();

interface Report {
  platform: string;
  pid: number;
  addon: string;
  addonLoads: boolean;
  emulatorLibrary: string;
  interfaces: string[] | null;
  forkPid?: number;
}

/** The addon a child of this runtime must load: the local build on the host, else the runtime's prebuild. */
function expectedAddon(): string {
  if (runtime === hostRuntime) return (require('node-gyp-build') as { resolve(dir: string): string }).resolve(ROOT);
  return path.join(ROOT, 'prebuilds', runtime.name, 'node.napi.node');
}

function expectRuns(run: ChildRun): { where: Report; forked: Report } {
  if (run.code !== 0 || run.timedOut) throw new Error(`the probe did not exit cleanly: ${summarize(run)}`);
  expect(resultNamed(run, 'fork-exit')).toMatchObject({ code: 0, signal: null });
  return { where: resultNamed(run, 'where') as unknown as Report, forked: resultNamed(run, 'forked') as unknown as Report };
}

const mode = skipOrFail(`runtime ${runtime.name}`, runtime.problem());

(mode === 'skip' ? describe.skip : describe)(`runtime ${runtime.name}`, () => {
  if (mode === 'fail') {
    test('prerequisites', () => {
      throw new Error(`${runtime.problem()} (CI=true: missing prerequisites fail)`);
    });
    return;
  }

  test(`a child and the child it forks run ${vendorTarget()} Node and load its build of the addon`, async () => {
    const { where, forked } = expectRuns(await runChild(fixture('runtime-probe.js'), [], { vendor: false, timeoutMs: 60_000 }));
    for (const report of [where, forked]) {
      expect(report).toMatchObject({ platform: vendorTarget(), addon: expectedAddon(), addonLoads: true, emulatorLibrary: runtime.emulatorLibrary() });
    }
    // The forked report comes from the process fork() started, not from a wrapper around it.
    expect(forked.pid).toBe(forked.forkPid);
    expect(forked.pid).not.toBe(where.pid);
  });

  // /proc/self/net/dev shows the namespace of the process that reads it: Linux runtimes only. Without
  // `unshare -n` runChild refuses isolated children: skipped locally, a failure on CI.
  const isolated = vendorTarget().startsWith('linux-') && (unshareAvailable().ok || onCI()) ? test : test.skip;
  isolated('isolated, the child and the child it forks see no network but loopback', async () => {
    const { where, forked } = expectRuns(await runChild(fixture('runtime-probe.js'), [], { vendor: false, isolate: true, timeoutMs: 60_000 }));
    expect(where.interfaces).toEqual(['lo']);
    expect(forked.interfaces).toEqual(['lo']);
    expect(forked.platform).toBe(vendorTarget());
  });
});
