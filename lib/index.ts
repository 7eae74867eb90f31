/**
 * tim-native: Tencent Cloud Chat (TIM) for Node.js and Electron.
 *
 * - {@link TIMClient}: the promise API over a TIM C library (Tencent's `libImSDK`, or the emulator
 *   backend built into the addon), with typed events.
 * - The `kTIM*` JSON keys, the enums as runtime values and the error codes (`./constants`), and
 *   the JSON shapes as types (`./types`).
 * - UserSig generation and verification (`genUserSig`, `verifyUserSig`).
 * - {@link startEmulator}: the local emulator (native protocol and REST API on one port).
 * - {@link RestClient}: the typed admin REST API client.
 * @packageDocumentation
 */
export { TIMClient } from './client';
export { TIMError } from './errors';
export * from './constants';
export * from './types';
export { dataBaseDir, defaultSdkDirs } from './config-dir';
export type { SdkDirs } from './config-dir';
export {
  genUserSig,
  verifyUserSig,
  UserSigError,
  DEFAULT_USERSIG_EXPIRE_SECONDS,
  MAX_USERSIG_LENGTH,
  MAX_USERSIG_JSON_BYTES,
  USERSIG_CLOCK_SKEW_SECONDS,
} from './usersig';
export type { GenUserSigOptions, VerifyUserSigOptions, UserSigFields } from './usersig';

export {
  startEmulator,
  DEFAULT_EMULATOR_PORT,
  DEFAULT_EMULATOR_SDK_APP_ID,
  DEV_SECRET_KEY,
  DEFAULT_EMULATOR_LIMITS,
} from './emulator';
export type { Emulator, EmulatorOptions, EmulatorLimits, RequestLogEntry } from './emulator';
export {
  RestClient,
  RestError,
  REST_REGION_DOMAINS,
  CommonCode,
  GroupCode,
  ProfileCode,
  AccountCode,
  OnlineCode,
} from './rest';
export type * from './rest/types';
export type { RestClientOptions, RestGenericResponse, RestRegion } from './rest';
export { vendorLibraryPath, VENDOR_PACKAGE, VENDOR_PACKAGE_VERSION } from './vendor';
export type { VendorLibraryOptions } from './vendor';
