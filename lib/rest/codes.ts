/**
 * The REST API's common error codes (60000-79999 range), shared by the client and the emulator.
 * Each service's own codes live beside its validators (`validate/*.ts`).
 * @packageDocumentation
 */

/** Common REST error codes. */
export const CommonCode = {
  /** The URL or its query is malformed (path, method, `random`, `contenttype`). */
  BadUrl: 60002,
  /** The body is not a JSON object (also: empty, or over the 1 MB cap). */
  BadJson: 60003,
  /** `identifier` missing. UserSig problems use the 70xxx codes of the sig check. */
  BadIdentifier: 60004,
  /** `sdkappid` is not this app's. */
  BadAppId: 60006,
  /** Too many calls of one API per second. */
  RateLimited: 60007,
  /** The URL names no API. */
  NoSuchApi: 60009,
  /** `identifier` is not an app admin. */
  AdminRequired: 60010,
  /** `sdkappid` missing. */
  AppIdMissing: 60012,
  /** An account in the body is not a string. */
  AccountNotString: 60015,
} as const;
