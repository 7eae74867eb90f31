/**
 * Where a test's child Node processes run. `TIM_TEST_RUNTIME` picks the runtime for one jest run:
 * - unset or `host`: this Node (`process.execPath`) with the local build;
 * - any other name `<name>` is the runtime exported by `./runtime-<name>.ts` (for example
 *   `linux-x64`, this Node with the shipped linux-x64 prebuild instead of build/Release,
 *   `linux-arm64`, the arm64 Node under qemu-user, or `win32-x64`, node.exe under Wine), which
 *   loads the package's prebuild for that platform.
 *
 * The jest process itself, and an emulator it starts in-process, always run on the host; only the
 * children (e2e peers, conformance and lifecycle fixtures) run on the selected runtime.
 */
import { spawnSync } from 'child_process';
import { emulatorLibraryPath } from '../../lib/binding';

/** A command line and the environment it adds over `process.env`. */
export interface ChildCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** One place child Node processes can run. */
export interface NodeRuntime {
  /** `host`, or the prebuild target this runtime runs (`<platform>-<arch>`). */
  readonly name: string;
  /** Whether a child can use pipes as stdio (node.exe under Wine cannot: libuv says EBADF). */
  readonly stdioPipes: boolean;
  /** What this machine lacks to run children here, or `undefined` when it can. */
  problem(): string | undefined;
  /**
   * The command that runs `node <nodeArgv>` on this runtime, inside an empty network namespace
   * when `isolate` (the whole emulated or Wine session, not only the node process).
   */
  nodeCommand(nodeArgv: string[], options: { isolate: boolean }): ChildCommand;
  /** Path of the standalone emulator library children of this runtime load by path. */
  emulatorLibrary(): string;
  /**
   * Environment for a Node process on the host whose own Node children (started with
   * `process.execPath`: `spawn`, and `fork` where the runtime has IPC channels) must run on this
   * runtime; absent when this runtime cannot run such children. The demo uses it: its orchestrator
   * needs the host's better-sqlite3, its client processes run here.
   */
  hostParentEnv?(): Record<string, string>;
}

let unshareProbe: { ok: boolean; reason: string } | undefined;

/** Whether `unshare -n` works here (needs root or user namespaces). Probed once. */
export function unshareAvailable(): { ok: boolean; reason: string } {
  if (unshareProbe) return unshareProbe;
  const r = spawnSync('unshare', ['-n', 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) unshareProbe = { ok: false, reason: `unshare could not run: ${r.error.message}` };
  else if (r.status !== 0) unshareProbe = { ok: false, reason: `\`unshare -n true\` exited ${r.status}: ${r.stderr.trim()}` };
  else unshareProbe = { ok: true, reason: '' };
  return unshareProbe;
}

/** This Node, with the local build (build/Release, or `TIM_NATIVE_BUILD_DIR`). */
export const hostRuntime: NodeRuntime = {
  name: 'host',
  stdioPipes: true,
  problem: () => undefined,
  emulatorLibrary: () => emulatorLibraryPath(),
  hostParentEnv: () => ({}),
  nodeCommand(nodeArgv, { isolate }) {
    return isolate
      ? { command: 'unshare', args: ['-n', process.execPath, ...nodeArgv], env: {} }
      : { command: process.execPath, args: nodeArgv, env: {} };
  },
};

let selected: NodeRuntime | undefined;

/** The runtime `TIM_TEST_RUNTIME` selects for this jest run (default: the host). */
export function testRuntime(): NodeRuntime {
  if (selected) return selected;
  const name = process.env.TIM_TEST_RUNTIME || 'host';
  if (name === 'host') return (selected = hostRuntime);
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`TIM_TEST_RUNTIME=${name} is not a runtime name`);
  const mod = require(`./runtime-${name}`) as { runtime: NodeRuntime };
  return (selected = mod.runtime);
}

/** The vendor library's target for the selected runtime (`linux-x64` on this host). */
export function vendorTarget(): string {
  const runtime = testRuntime();
  return runtime === hostRuntime ? `${process.platform}-${process.arch}` : runtime.name;
}
