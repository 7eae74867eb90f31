/**
 * vendorLibraryPath(): the vendor library's path inside an installed im_electron_sdk, for every
 * platform, checked against the real package's layout (fetched into the cache by
 * scripts/fetch-vendor-sdk.js; nothing here loads a library) and against installed layouts made
 * in temporary folders. SAFETY: only paths are computed here; no process of this suite loads any
 * library (Tencent's only ever load under `unshare -n`, test/helpers/isolate.ts).
 */
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { vendorLibraryPath } from '../lib';
import libraryInPackage from '../lib/vendor-libraries.json';
import { skipOrFail } from './helpers/isolate';

const DIST_INDEX = path.join(__dirname, '..', 'dist', 'index.js');
const TARGETS = Object.keys(libraryInPackage);

interface FetchVendor {
  fetchVendorSdk(target: string): string;
  packageDir(): string;
}

function fetched(): { vendor?: FetchVendor; problem?: string } {
  try {
    const vendor = require('../scripts/fetch-vendor-sdk') as FetchVendor;
    vendor.fetchVendorSdk('linux-x64');
    return { vendor };
  } catch (err) {
    return { problem: `im_electron_sdk could not be fetched: ${(err as Error).message}` };
  }
}

/** A folder laid out like an installed package: package.json and an empty file at each library path. */
function fakePackage(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'im_electron_sdk', version: '8.0.5906' }));
  for (const file of Object.values(libraryInPackage)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), '');
  }
  return dir;
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'tim-vendor-path-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const real = fetched();
const mode = skipOrFail('vendorLibraryPath on the real im_electron_sdk', real.problem);
(mode === 'skip' ? describe.skip : describe)('on the real im_electron_sdk 8.0.5906', () => {
  test.each(TARGETS)('%s: the library the package ships for it', (target) => {
    if (mode === 'fail') throw new Error(real.problem);
    const [platform, arch] = target.split('-') as [NodeJS.Platform, string];
    const vendor = real.vendor as FetchVendor;
    expect(vendorLibraryPath({ packageDir: vendor.packageDir(), platform, arch })).toBe(vendor.fetchVendorSdk(target));
  });
});

describe('vendorLibraryPath', () => {
  test('names the file of each platform', () => {
    const dir = fakePackage(path.join(tmp, 'names'));
    const names = TARGETS.map((target) => {
      const [platform, arch] = target.split('-') as [NodeJS.Platform, string];
      return path.relative(dir, vendorLibraryPath({ packageDir: dir, platform, arch })).split(path.sep).join('/');
    });
    expect(names).toEqual([
      'lib/linux/lib/libImSDK.so',
      'lib/linux/lib/libImSDK_arm64.so',
      'lib/windows/lib/Win64/ImSDK.dll',
      'lib/windows/lib/Win32/ImSDK.dll',
      'lib/mac/Versions/A/ImSDKForMac.dylib',
      'lib/mac/Versions/A/ImSDKForMac.dylib',
    ]);
  });

  test('finds the package installed in the application (from the working directory)', () => {
    const app = path.join(tmp, 'app');
    fakePackage(path.join(app, 'node_modules', 'im_electron_sdk'));
    const out = execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(DIST_INDEX)}).vendorLibraryPath())`], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(out).toBe(path.join(app, 'node_modules', 'im_electron_sdk', ...libraryInPackage['linux-x64'].split('/')));
  });

  test('maps a path inside app.asar to app.asar.unpacked', () => {
    const resources = path.join(tmp, 'resources');
    fakePackage(path.join(resources, 'app.asar.unpacked', 'node_modules', 'im_electron_sdk'));
    const inArchive = path.join(resources, 'app.asar', 'node_modules', 'im_electron_sdk');
    expect(vendorLibraryPath({ packageDir: inArchive, platform: 'darwin', arch: 'arm64' })).toBe(
      path.join(resources, 'app.asar.unpacked', 'node_modules', 'im_electron_sdk', 'lib', 'mac', 'Versions', 'A', 'ImSDKForMac.dylib'),
    );
  });

  test('a platform the package has no library for: ERR_TIM_VENDOR_UNSUPPORTED naming it', () => {
    expect(() => vendorLibraryPath({ packageDir: tmp, platform: 'freebsd', arch: 'x64' })).toThrow(
      expect.objectContaining({ code: 'ERR_TIM_VENDOR_UNSUPPORTED', message: expect.stringContaining('freebsd-x64') }),
    );
    expect(() => vendorLibraryPath({ packageDir: tmp, platform: 'linux', arch: 'ia32' })).toThrow(
      expect.objectContaining({ code: 'ERR_TIM_VENDOR_UNSUPPORTED' }),
    );
  });

  test('a package without the file: ERR_TIM_VENDOR_NOT_FOUND naming the path', () => {
    const pruned = path.join(tmp, 'pruned');
    mkdirSync(pruned, { recursive: true });
    expect(() => vendorLibraryPath({ packageDir: pruned, platform: 'win32', arch: 'x64' })).toThrow(
      expect.objectContaining({ code: 'ERR_TIM_VENDOR_NOT_FOUND', message: expect.stringContaining(path.join(pruned, 'lib', 'windows', 'lib', 'Win64', 'ImSDK.dll')) }),
    );
  });

  test('no package installed: ERR_TIM_VENDOR_NOT_FOUND with the install command', () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty, { recursive: true });
    const script = `try { require(${JSON.stringify(DIST_INDEX)}).vendorLibraryPath() } catch (e) { process.stdout.write(e.code + ' ' + e.message) }`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: empty, encoding: 'utf8' });
    expect(out).toMatch(/^ERR_TIM_VENDOR_NOT_FOUND .*npm install im_electron_sdk@8\.0\.5906/);
  });

  test('bad options are a TypeError with ERR_INVALID_ARG_VALUE', () => {
    for (const bad of [null, 'x', { packageDir: 5 }, { platform: {} }, { arch: 1 }] as unknown[]) {
      expect(() => vendorLibraryPath(bad as never)).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }));
    }
  });
});
