/**
 * The result codes the emulator server answers with: the same numbers the TIM SDK and service use
 * (`TIMErrorCode.h` in the npm package im_electron_sdk; https://cloud.tencent.com/document/product/269/1671).
 * @packageDocumentation
 */

/** Result codes of the native protocol's RESPONSE frames. */
export const Code = {
  OK: 0,
  /**
   * Kicked off by another device while offline: the next login goes through (TIMManager.h, the
   * note on TIMSetKickedOfflineCallback; ERR_LOGIN_KICKED_OFF_BY_OTHER in TIMErrorCode.h).
   */
  KICKED_OFF_BY_OTHER: 6208,
  /** Not logged in, or kicked. */
  NOT_LOGGED_IN: 6014,
  /** Wrong shape, type, enum value or count. */
  INVALID_PARAMS: 6017,
  /** The JSON does not parse. */
  INVALID_JSON: 6027,
  /** The emulator's database failed (the SDK's "local database operation failed"). */
  DATABASE_ERROR: 6019,
  /** User id not printable ASCII of 1..32 bytes. */
  INVALID_IDENTIFIER: 7003,
  /** Profile key or value outside the service's limits. */
  INVALID_PROFILE: 9001,
  /** A custom profile key the app has not registered (`ERR_SVR_PROFILE_TAG_NOT_FOUND`, TIMErrorCode.h). */
  PROFILE_TAG_NOT_FOUND: 40009,
  /** The answer would exceed the 1 MB frame limit. */
  PACKET_TOO_LARGE: 9522,
  /** UserSig mismatch with the emulator's SDKAppID. */
  SDKAPPID_MISMATCH: 70014,
} as const;

/** A request refused with a code; thrown by validators, answered by the session. */
export class RequestError extends Error {
  /** The TIM code answered to the client. */
  readonly code: number;
  constructor(code: number, desc: string) {
    super(desc);
    this.name = 'RequestError';
    this.code = code;
  }
}
