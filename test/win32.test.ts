/**
 * Windows-only behaviour, on the win32-x64 runtime (node.exe under Wine, `npm run test:win32-x64`;
 * on other runtimes this suite is skipped, it has nothing to run there):
 * - library loading by a path with characters outside any ANSI code page, and the error for a
 *   missing library (names the file and the OS error);
 * - a Windows user's flow: the package installed (dist/ and prebuilds/, no build/), the emulator
 *   on the Linux side, login, setSelfStatus, getUserStatus from node.exe; Tencent's DLL through
 *   `sdkPath` (offline, inside unshare -n: its offline error codes);
 * - the same app from a renamed host executable (MyChatApp.exe), as in Electron: the addon's
 *   Node-API imports bind to the host whatever its name (native/win/delay_load_hook.cc).
 */
import { spawn, spawnSync } from 'child_process';
import { closeSync, copyFileSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { startEmulator, type Emulator } from '../lib/emulator';
import { fixture, resultNamed, RESULT_PREFIX, runChild, skipOrFail, summarize, type ChildRun } from './helpers/isolate';
import { statuses } from './helpers/e2e-peer';
import { testRuntime } from './helpers/runtime';

const ROOT = path.join(__dirname, '..');
const TARGET = 'win32-x64';
/** The names test/fixtures/win32-library.js creates (from Windows, as UTF-16). */
const WIDE_DIR = 'wide-路径-Ünïcödé-😀';
const WIDE_FILE = 'эмулятор-模拟器.dll';

const runtime = testRuntime();
const onWindowsRuntime = runtime.name === TARGET;

/** How a Windows process sees a Unix path (Wine maps Z: to /). */
function windowsPath(unixPath: string): string {
  return `Z:${unixPath.replace(/\//g, '\\')}`;
}

/** Runs a Windows program (not node.exe) under Wine, stdout and stderr to files; parses result lines. */
async function runWindowsProgram(exe: string, args: string[], env: Record<string, string>): Promise<ChildRun> {
  const { wineCommand } = require('./helpers/runtime-win32-x64') as typeof import('./helpers/runtime-win32-x64');
  const run = wineCommand(exe, args);
  const dir = mkdtempSync(path.join(tmpdir(), 'tim-native-renamed-'));
  const fds = [openSync(path.join(dir, 'stdout'), 'w'), openSync(path.join(dir, 'stderr'), 'w')];
  try {
    const child = spawn(run.command, run.args, { env: { ...process.env, ...run.env, ...env }, stdio: ['ignore', fds[0]!, fds[1]!] });
    fds.forEach((fd) => closeSync(fd));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s]));
    });
    clearTimeout(timer);
    const stdout = readFileSync(path.join(dir, 'stdout'), 'utf8').split('\n');
    const results = stdout.filter((l) => l.startsWith(RESULT_PREFIX)).map((l) => JSON.parse(l.slice(RESULT_PREFIX.length)) as Record<string, unknown>);
    return { code, signal, results, otherStdout: stdout.filter((l) => l !== '' && !l.startsWith(RESULT_PREFIX)), stderr: readFileSync(path.join(dir, 'stderr'), 'utf8'), timedOut: signal === 'SIGKILL' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The package as `npm install tim-native` leaves it on Windows: package.json, dist/ and
 * prebuilds/win32-x64 (no build/, so node-gyp-build can only pick the prebuild), node-gyp-build
 * beside it, and the user's app as main.js.
 */
function installedApp(base: string): string {
  const app = path.join(base, 'app');
  const pkg = path.join(app, 'node_modules', 'tim-native');
  mkdirSync(path.join(pkg, 'prebuilds'), { recursive: true });
  copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  cpSync(path.join(ROOT, 'dist'), path.join(pkg, 'dist'), { recursive: true });
  cpSync(path.join(ROOT, 'prebuilds', TARGET), path.join(pkg, 'prebuilds', TARGET), { recursive: true });
  cpSync(path.dirname(require.resolve('node-gyp-build/package.json')), path.join(app, 'node_modules', 'node-gyp-build'), { recursive: true });
  const main = path.join(app, 'main.js');
  writeFileSync(main, readFileSync(fixture('windows-user-app.js')));
  return main;
}

type Outcome = { ok: boolean; value?: unknown; name?: string; code?: number; message?: string };

function outcomeOf(run: ChildRun, step: string): Outcome {
  return resultNamed(run, step).outcome as Outcome;
}

function expectEmulatorFlow(run: ChildRun): void {
  if (run.code !== 0) throw new Error(`the app failed: ${summarize(run)}`);
  expect(run.results.map((r) => r.name)).toEqual(['started', 'login', 'setSelfStatus', 'getUserStatus', 'logout']);
  expect(resultNamed(run, 'started')).toMatchObject({ platform: 'win32', arch: 'x64' });
  expect(outcomeOf(run, 'login')).toMatchObject({ ok: true });
  expect(outcomeOf(run, 'setSelfStatus')).toMatchObject({ ok: true });
  const got = outcomeOf(run, 'getUserStatus');
  expect(got.ok).toBe(true);
  expect(statuses(got.value)).toEqual([{ id: 'alice', type: 1, custom: 'at work' }]);
  expect(outcomeOf(run, 'logout')).toMatchObject({ ok: true });
}

const problem = onWindowsRuntime
  ? (runtime.problem() ?? (existsSync(path.join(ROOT, 'dist', 'index.js')) ? undefined : 'dist/ is missing: run `npm run build`'))
  : undefined;
const mode = onWindowsRuntime ? skipOrFail('win32', problem) : 'skip';
if (mode === 'fail') {
  test('prerequisites of the win32 suite', () => {
    throw new Error(problem);
  });
}

(mode === 'run' ? describe : describe.skip)(`win32-x64 under Wine (TIM_TEST_RUNTIME=${TARGET})`, () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'tim-native-win32-'));
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  test('an isolated Wine session refuses to start outside an empty network namespace', () => {
    // The command runChild uses for vendor children, without its `unshare`: the session script
    // alone, in this process's namespace (which has more than lo). node.exe must never start.
    const cmd = runtime.nodeCommand(['-e', 'console.log("node.exe ran")'], { isolate: true });
    expect(cmd.command).toBe('unshare');
    const inner = cmd.args.slice(cmd.args.indexOf(process.execPath));
    const r = spawnSync(inner[0]!, inner.slice(1), { env: { ...process.env, ...cmd.env }, encoding: 'utf8', timeout: 30_000 });
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 97, stdout: '' });
    expect(r.stderr).toMatch(/refusing to start: the network namespace has lo, \S/);
  });

  describe('library loading', () => {
    let run: ChildRun;
    let dir: string;
    beforeAll(async () => {
      dir = path.join(work, 'loading');
      mkdirSync(dir);
      run = await runChild(fixture('win32-library.js'), [runtime.emulatorLibrary(), dir], { vendor: false });
      if (run.code !== 0) throw new Error(`win32-library.js failed: ${summarize(run)}`);
    }, 60_000);

    test('the child is a Windows process', () => {
      expect(resultNamed(run, 'paths')).toMatchObject({ platform: 'win32' });
    });

    test('a library under a non-ASCII folder and file name loads (UTF-8 to UTF-16, LoadLibraryExW)', () => {
      expect(resultNamed(run, 'wide')).toMatchObject({ ok: true, version: expect.stringMatching(/^tim-native-emulator /) });
      // Wine stored the UTF-16 names Windows asked for as these UTF-8 names: nothing was lost to a code page.
      expect(existsSync(path.join(dir, WIDE_DIR, WIDE_FILE))).toBe(true);
    });

    test('a missing library: the message names the file and the OS error (FormatMessageW text and number)', () => {
      const missing = resultNamed(run, 'missing') as { ok: boolean; message: string };
      expect(missing.ok).toBe(false);
      const file = windowsPath(path.join(dir, 'no-such-folder', 'no-such-library.dll'));
      expect(missing.message.startsWith(`tim-native: cannot load ${file}: `)).toBe(true);
      expect(missing.message).toMatch(/: \S.* \(error 126\)$/);
    });

    test('a missing library with a non-ASCII path: the message carries the name intact', () => {
      const missing = resultNamed(run, 'missing-wide') as { ok: boolean; message: string };
      expect(missing.ok).toBe(false);
      expect(missing.message).toContain(`${windowsPath(path.join(dir, WIDE_DIR))}\\нет-такой-библиотеки.dll: `);
      expect(missing.message).toMatch(/\(error 126\)$/);
    });
  });

  describe("a Windows user's flow: the installed package, the emulator on Linux", () => {
    let emu: Emulator;
    let app: string;
    beforeAll(async () => {
      emu = await startEmulator({ port: 0, log: () => undefined });
      app = installedApp(work);
    });
    afterAll(async () => {
      await emu?.close();
    });

    test('node.exe: login, setSelfStatus, getUserStatus through the prebuild node-gyp-build picks', async () => {
      // PREBUILDS_ONLY cleared: a user's install has no build/ folder, and this one has none either.
      const run = await runChild(app, ['emulator', emu.address], { vendor: false, env: { PREBUILDS_ONLY: '' } });
      expectEmulatorFlow(run);
      expect(resultNamed(run, 'started').execPath).toMatch(/\\node\.exe$/);
    }, 60_000);

    test('a renamed host executable (MyChatApp.exe, as in Electron) runs the same app', async () => {
      const { windowsNodeExe } = require('./helpers/runtime-win32-x64') as typeof import('./helpers/runtime-win32-x64');
      const hostDir = path.join(work, 'MyChatApp');
      mkdirSync(hostDir);
      // Alone in its folder: no node.exe that the loader could find by name instead.
      const renamed = path.join(hostDir, 'MyChatApp.exe');
      try {
        linkSync(windowsNodeExe(), renamed);
      } catch {
        copyFileSync(windowsNodeExe(), renamed);
      }
      const run = await runWindowsProgram(renamed, [app, 'emulator', emu.address], { PREBUILDS_ONLY: '' });
      expectEmulatorFlow(run);
      expect(resultNamed(run, 'started').execPath).toBe(windowsPath(renamed));
    }, 60_000);
  });

  describe("a Windows user's flow: Tencent's DLL through sdkPath (offline, inside unshare -n)", () => {
    const located = (() => {
      try {
        const { fetchVendorSdk } = require('../scripts/fetch-vendor-sdk') as { fetchVendorSdk(target: string): string };
        return { dll: fetchVendorSdk(TARGET) };
      } catch (err) {
        return { problem: `the vendor DLL could not be fetched: ${(err as Error).message}` };
      }
    })();
    const vendorMode = skipOrFail("win32 user's flow on the vendor DLL", located.problem);
    (vendorMode === 'skip' ? test.skip : test)('init, 6014 before login, a login that cannot connect rejects at uninit', async () => {
      if (vendorMode === 'fail') throw new Error(located.problem);
      const app = existsSync(path.join(work, 'app', 'main.js')) ? path.join(work, 'app', 'main.js') : installedApp(work);
      const run = await runChild(app, ['sdk', located.dll as string], { vendor: true, env: { PREBUILDS_ONLY: '' }, timeoutMs: 90_000 });
      if (run.code !== 0) throw new Error(`the app failed: ${summarize(run)}`);
      expect(run.results.map((r) => r.name)).toEqual(['started', 'before-login', 'login-pending', 'login']);
      expect(resultNamed(run, 'started')).toMatchObject({ platform: 'win32', sdkVersion: '8.0.5903' });
      const before = resultNamed(run, 'before-login') as Record<string, Outcome>;
      expect(before.setSelfStatus).toMatchObject({ ok: false, name: 'TIMError', code: 6014 });
      expect(before.getUserStatus).toMatchObject({ ok: false, name: 'TIMError', code: 6014 });
      expect(resultNamed(run, 'login-pending').status).toBe(2); // kTIMLoginStatus_Logining
      expect(resultNamed(run, 'login').outcome).toMatchObject({ ok: false, name: 'TIMError', code: 7009 });
    }, 100_000);
  });
});
