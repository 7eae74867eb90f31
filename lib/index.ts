/**
 * tim-native: Tencent Cloud Chat (TIM) for Node.js and Electron.
 *
 * - {@link TIMClient}: the promise API over a TIM C library (Tencent's `libImSDK`, or the emulator
 *   backend built into the addon), with typed events.
 * - The `kTIM*` JSON keys, the enums as runtime values and the error codes (`./constants`), and
 *   the JSON shapes as types (`./types`).
 * - UserSig generation and verification (`genUserSig`, `verifyUserSig`).
 * @packageDocumentation
 */
export { TIMClient } from './client';
export { TIMError } from './errors';
export * from './constants';
export * from './types';
export { dataBaseDir, defaultSdkDirs } from './config-dir';
export type { SdkDirs } from './config-dir';
export { genUserSig, verifyUserSig, UserSigError, DEFAULT_USERSIG_EXPIRE_SECONDS } from './usersig';
export type { GenUserSigOptions, VerifyUserSigOptions, UserSigFields } from './usersig';

// ---- Added by the lead when those modules land (do not remove this marker) ----
// export { startEmulator } from './emulator';
// export { RestClient, RestError } from './rest';
// ---- end ----
