/**
 * Finds Tencent's TIM C SDK library inside an installed `im_electron_sdk` package, so that using
 * the vendor library is one line on every desktop platform:
 *
 * ```ts
 * const client = new TIMClient({ sdkPath: vendorLibraryPath() });
 * ```
 *
 * Nothing here loads the library; `TIMClient` does, when constructed.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkObject, checkString, invalidArgument } from './validate';
import libraryInPackage from './vendor-libraries.json';

/** The npm package that ships Tencent's C SDK libraries, and the version tim-native is tested against. */
export const VENDOR_PACKAGE = 'im_electron_sdk';
/** The `im_electron_sdk` version whose libraries tim-native's conformance tests run. */
export const VENDOR_PACKAGE_VERSION = '8.0.5906';

/**
 * Where each `<platform>-<arch>` library sits inside the package (one universal Mach-O serves both
 * Mac architectures). scripts/fetch-vendor-sdk.js reads the same file.
 */
const LIBRARY_IN_PACKAGE: Readonly<Record<string, string>> = libraryInPackage;

/** Options of {@link vendorLibraryPath}. */
export interface VendorLibraryOptions {
  /**
   * The folder of the installed `im_electron_sdk` package. Default: the one Node's module
   * resolution finds from tim-native's own folder, else from the current working directory.
   */
  packageDir?: string;
  /** Platform to answer for (default `process.platform`). */
  platform?: NodeJS.Platform;
  /** Architecture to answer for (default `process.arch`). */
  arch?: string;
}

/**
 * The absolute path of Tencent's TIM library for this platform inside an installed
 * `im_electron_sdk` (`npm install im_electron_sdk@8.0.5906`): `libImSDK.so` (Linux x64),
 * `libImSDK_arm64.so` (Linux arm64), `Win64\ImSDK.dll` / `Win32\ImSDK.dll` (Windows),
 * `ImSDKForMac.dylib` (macOS). Inside a packaged Electron app, a path in `app.asar` is mapped to
 * `app.asar.unpacked`, since no library can be loaded from inside an archive (unpack it with your
 * packager's `asarUnpack`).
 *
 * Throws `TypeError` (`code: 'ERR_INVALID_ARG_VALUE'`) for bad options, and `Error` with
 * `code: 'ERR_TIM_VENDOR_UNSUPPORTED'` for a platform the package has no library for, or
 * `code: 'ERR_TIM_VENDOR_NOT_FOUND'` when the package or the file is missing; the message names
 * what was looked for and where.
 * @example
 * import { TIMClient, vendorLibraryPath } from 'tim-native';
 * const client = new TIMClient({ sdkPath: vendorLibraryPath() });
 */
export function vendorLibraryPath(options: VendorLibraryOptions = {}): string {
  const opts = checkObject(options, 'options') as VendorLibraryOptions;
  const platform = opts.platform === undefined ? process.platform : checkString(opts.platform, 'options.platform');
  const arch = opts.arch === undefined ? process.arch : checkString(opts.arch, 'options.arch');
  const target = `${platform}-${arch}`;
  const inPackage = LIBRARY_IN_PACKAGE[target];
  if (inPackage === undefined) {
    throw vendorError(
      'ERR_TIM_VENDOR_UNSUPPORTED',
      `${VENDOR_PACKAGE} has no TIM library for ${target} (it ships ${Object.keys(LIBRARY_IN_PACKAGE).join(', ')})`,
    );
  }
  const packageDir =
    opts.packageDir === undefined ? findPackageDir() : path.resolve(checkString(opts.packageDir, 'options.packageDir'));
  if (packageDir === '') throw invalidArgument('options.packageDir must not be empty');
  const library = unpackedFromAsar(path.join(packageDir, ...inPackage.split('/')));
  if (!fs.existsSync(library)) {
    throw vendorError('ERR_TIM_VENDOR_NOT_FOUND', `${library} does not exist: is ${VENDOR_PACKAGE} complete (not pruned by a packager)?`);
  }
  return library;
}

/** The installed package's folder, from tim-native's location first, then the working directory. */
function findPackageDir(): string {
  for (const from of [__dirname, process.cwd()]) {
    try {
      return path.dirname(require.resolve(`${VENDOR_PACKAGE}/package.json`, { paths: [from] }));
    } catch {
      // not resolvable from here; try the next place
    }
  }
  throw vendorError(
    'ERR_TIM_VENDOR_NOT_FOUND',
    `${VENDOR_PACKAGE} is not installed (looked from ${__dirname} and ${process.cwd()}): ` +
      `npm install ${VENDOR_PACKAGE}@${VENDOR_PACKAGE_VERSION}, or pass options.packageDir`,
  );
}

/** `…/app.asar/…` → `…/app.asar.unpacked/…`: Electron serves files from the archive, but dlopen cannot. */
function unpackedFromAsar(file: string): string {
  const marker = `${path.sep}app.asar${path.sep}`;
  const at = file.indexOf(marker);
  return at === -1 ? file : `${file.slice(0, at)}${path.sep}app.asar.unpacked${path.sep}${file.slice(at + marker.length)}`;
}

function vendorError(code: string, message: string): Error {
  const err = new Error(`tim-native: ${message}`) as Error & { code: string };
  err.code = code;
  return err;
}
