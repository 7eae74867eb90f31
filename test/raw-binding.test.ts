/**
 * The raw addon (native/shim) against real TIM libraries, no mocks: Tencent's libImSDK, the
 * emulator compiled into the addon and the standalone emulator library run the same scenarios, each
 * in a child process (test/fixtures/raw-child.js), so that exits, crashes and worker teardown are
 * observable.
 *
 * SAFETY: libImSDK connects to public internet addresses once initialised. It is only ever loaded
 * in children started as `unshare -n node ...` (an empty network namespace), never in this process.
 * Without permission for `unshare -n` the vendor tests are skipped with a message, and fail on CI.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { emulatorLibraryPath, loadAddon } from '../lib/binding';
import { type ChildRun, fixture, resultNamed, runChild, skipOrFail, summarize, unshareAvailable } from './helpers/isolate';

const CHILD = fixture('raw-child.js');
// Shorter than jest's own timeout, so that a child that does not exit by itself shows as timedOut.
const CHILD_TIMEOUT_MS = 30_000;

type Result = Record<string, unknown>;

interface Backend {
  name: string;
  /** Path for load(path), or "embedded" for load(). */
  library: () => string;
  /** Tencent's library: the child runs under `unshare -n`. */
  vendor: boolean;
  version: RegExp;
}

// Fetching only downloads and extracts the file; nothing here loads it.
function vendorLibrary(): string {
  const { fetchVendorSdk } = require('../scripts/fetch-vendor-sdk.js') as { fetchVendorSdk: () => string };
  return fetchVendorSdk();
}

/** Runs one scenario of the child script in its own temporary folder; waits until it has exited. */
async function runScenario(backend: Backend, scenario: string, tmpdir: string): Promise<Result> {
  const run = await runChild(CHILD, [scenario, backend.library()], {
    vendor: backend.vendor,
    env: { TMPDIR: tmpdir },
    timeoutMs: CHILD_TIMEOUT_MS,
  });
  expectCleanExit(run);
  const result = { ...resultNamed(run, scenario) };
  delete result.name;
  return result;
}

/** The child ended by itself, with code 0 and nothing on stderr. */
function expectCleanExit(run: ChildRun): void {
  const outcome = { timedOut: run.timedOut, signal: run.signal, code: run.code, stderr: run.stderr };
  if (outcome.timedOut || outcome.signal !== null || outcome.code !== 0 || outcome.stderr !== '') {
    throw new Error(`the child did not exit cleanly: ${summarize(run)}`);
  }
}

const vendorBackend: Backend = {
  name: "Tencent's libImSDK (under unshare -n)",
  library: vendorLibrary,
  vendor: true,
  version: /^8\.0\.5903$/,
};

const emulatorBackend: Backend = {
  name: 'embedded emulator',
  library: () => 'embedded',
  vendor: false,
  version: /\S/,
};

const emulatorLibraryBackend: Backend = {
  name: 'standalone emulator library (loaded by path)',
  library: emulatorLibraryPath,
  vendor: false,
  version: /\S/,
};

const emulatorLibraryPlan = skipOrFail(
  'raw binding on the standalone emulator library',
  fs.existsSync(emulatorLibraryPath()) ? undefined : `${emulatorLibraryPath()} is not built`,
);
if (emulatorLibraryPlan === 'fail') {
  test('the standalone emulator library is built', () => {
    throw new Error(`${emulatorLibraryPath()} is missing: run \`npm run build:native\``);
  });
}

const unshare = unshareAvailable();
const vendorPlan = skipOrFail('raw binding on the vendor library', unshare.ok ? undefined : unshare.reason);
if (vendorPlan === 'fail') {
  test('the vendor conformance tests can run (`unshare -n` is permitted)', () => {
    throw new Error(`\`unshare -n\` is not usable on this CI machine: ${unshare.reason}`);
  });
}

describe.each([
  { backend: vendorBackend, enabled: vendorPlan === 'run' },
  { backend: emulatorBackend, enabled: true },
  { backend: emulatorLibraryBackend, enabled: emulatorLibraryPlan === 'run' },
])('raw binding on $backend.name', ({ backend, enabled }) => {
  const testIf = enabled ? test : test.skip;
  let tmpdir: string;

  beforeAll(() => {
    tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tim-native-raw-test-'));
  });
  afterAll(() => {
    if (tmpdir) fs.rmSync(tmpdir, { recursive: true, force: true });
  });

  testIf('reports the library version before TIMInit', async () => {
    const result = await runScenario(backend, 'version', tmpdir);
    expect(result.version).toMatch(backend.version);
    const loaded = result.path as string;
    expect(path.isAbsolute(loaded) || loaded === 'embedded-emulator').toBe(true);
  });

  testIf('calls back 6013 before TIMInit, on the JS thread, after the call has returned', async () => {
    const result = await runScenario(backend, 'beforeInit', tmpdir);
    expect(result).toEqual({
      rc: 0,
      code: 6013,
      desc: expect.any(String),
      json: '[]',
      afterReturn: true,
      mainThread: true,
      pendingAfter: 0,
    });
  });

  testIf('calls back 6014 after TIMInit without login', async () => {
    const result = await runScenario(backend, 'afterInit', tmpdir);
    expect(result).toMatchObject({ initRc: 0, loginStatus: 3, loginUserId: '', code: 6014, uninitRc: 0 });
  });

  testIf('exits by itself with code 0 after TIMUninit with calls in flight and listeners set', async () => {
    const result = await runScenario(backend, 'exitAfterUninit', tmpdir);
    expect(result).toEqual({
      initRc: 0,
      loginRc: 0,
      pendingBeforeUninit: 201,
      uninitRc: 0,
      dropped: expect.any(Number),
      pendingAfterDrop: 0,
      lateCallbacks: expect.any(Number),
      markerRc: 0,
    });
    // Whatever the library answered before the drop was delivered; nothing after it.
    expect((result.dropped as number) + (result.lateCallbacks as number)).toBe(201);
  });

  testIf('exits by itself with only listeners set and the SDK still initialised', async () => {
    const result = await runScenario(backend, 'exitWhileInitialised', tmpdir);
    expect(result).toEqual({ initRc: 0, loginStatus: 3, pending: 0 });
  });

  testIf('calls back each of 100,000 raw TIMGetUserStatus calls exactly once', async () => {
    const result = await runScenario(backend, 'stress', tmpdir);
    expect(result).toMatchObject({
      answered: 100000,
      duplicates: 0,
      refused: 0,
      codes: { 6013: 100000 },
      pendingAfter: 0,
    });
    expect(result.rssGrowthMB).toBeLessThan(100);
  });

  testIf('hands each call\'s user data back to its callback; one function serves many calls', async () => {
    const result = await runScenario(backend, 'userData', tmpdir);
    expect(result).toEqual({
      sharedMatches: true,
      otherMatches: true,
      sharedCount: 200,
      otherCount: 100,
      withDataArgs: [4],
      withoutDataArgs: [3],
      withoutDataCount: 20,
      expectedWithoutData: 20,
      pendingAfter: 0,
    });
  });

  testIf('throws TypeError (RangeError for out-of-range ids) for bad arguments, never crashes', async () => {
    const result = await runScenario(backend, 'badArguments', tmpdir);
    const errors = result.errors as Record<string, string>;
    for (const [name, error] of Object.entries(errors)) {
      const expected = /^sdkAppId (negative|over 64 bits)$/.test(name) ? /^RangeError: / : /^TypeError: /;
      expect([name, error]).toEqual([name, expect.stringMatching(expected)]);
    }
    expect(errors['json with NUL']).toMatch(/NUL/);
    expect(result).toMatchObject({ pendingAfter: 0, loneSurrogateCode: 6013, bigStringCode: 6013, afterCode: 6013 });
  });

  testIf('reports a throwing callback as an uncaught exception and delivers the rest of the batch', async () => {
    const result = await runScenario(backend, 'callbackThrows', tmpdir);
    expect(result).toEqual({
      delivered: 10,
      uncaught: [0, 3, 6, 9].map((i) => `thrown by callback ${i}`),
    });
  });

  testIf('stays healthy when workers owning the SDK are terminated with calls in flight', async () => {
    const result = await runScenario(backend, 'workerTerminated', tmpdir);
    expect(result).toEqual({
      pendingAtTerminate: [1000, 1000, 1000],
      calls: { answered: 1000, duplicates: 0, refused: 0, codes: { 6013: 1000 } },
      initRc: 0,
      code: 6014,
      uninitRc: 0,
    });
  });

  testIf('refuses TIMInit from a second environment while the first owns the SDK', async () => {
    const result = await runScenario(backend, 'secondEnvironment', tmpdir);
    expect(result).toEqual({
      mainInitRc: 0,
      refused: {
        init: { error: expect.stringMatching(/^Error: TIM SDK is already initialised by another JS environment/) },
        uninit: { error: expect.stringMatching(/^Error: TIM SDK was initialised by another JS environment/) },
      },
      mainUninitRc: 0,
      allowed: { init: { rc: 0 }, uninit: { rc: 0 } },
    });
  });
});

describe('raw binding loader', () => {
  // Neither library here is the vendor's, so this process may load them.
  const addon = loadAddon();
  const zlib = [
    '/lib/x86_64-linux-gnu/libz.so.1',
    '/usr/lib/x86_64-linux-gnu/libz.so.1',
    '/lib64/libz.so.1',
    '/usr/lib/libz.so.1',
  ].find((candidate) => fs.existsSync(candidate));
  const withZlib = zlib === undefined ? test.skip : test;

  withZlib('names every missing TIM symbol of a library that is not a TIM library', () => {
    let message = '';
    try {
      addon.load(zlib as string);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/is not a TIM library; missing symbols: TIMInit, TIMUninit, /);
    for (const symbol of ['TIMGetSDKVersion', 'TIMGetUserStatus', 'TIMSubscribeUserInfo', 'TIMUnsubscribeUserInfo', 'TIMSetUserInfoChangedCallback']) {
      expect(message).toContain(symbol);
    }
    expect(message.split(', ')).toHaveLength(23);
  });

  test('reports why a library cannot be loaded', () => {
    const missing = path.join(os.tmpdir(), 'no-such-tim-library.so');
    expect(() => addon.load(missing)).toThrow(/cannot load .*no-such-tim-library/);
  });

  test('returns one RawSdk per library and environment', () => {
    const sdk = addon.load();
    expect(addon.load()).toBe(sdk);
    expect(sdk.path).toBe('embedded-emulator');
    expect(Object.isFrozen(sdk)).toBe(true);
  });
});
