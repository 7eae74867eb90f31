/**
 * TLSSigAPIv2 UserSig: generation, and verification against a secret key. The emulator's login
 * and REST checks and the REST client's admin sig all use this one module.
 * @packageDocumentation
 */
import { createHmac, timingSafeEqual } from 'crypto';
import { deflateSync, inflateSync } from 'zlib';

/** Default lifetime of a generated UserSig: 180 days, as Tencent's sig libraries use. */
export const DEFAULT_USERSIG_EXPIRE_SECONDS = 180 * 24 * 3600;

/**
 * Longest UserSig accepted, in characters, checked before any decoding (a real sig is about 250;
 * a `userbuf` of a few hundred bytes stays far below). Longer: 70003 at once (docs/limits.md).
 */
export const MAX_USERSIG_LENGTH = 4096;

/**
 * Most bytes a UserSig may inflate to. Inflation stops there (70003), so a sig that is a zlib
 * bomb costs at most this much memory (docs/limits.md).
 */
export const MAX_USERSIG_JSON_BYTES = 16 * 1024;

/**
 * How far in the future a sig's `TLS.time` may lie (clocks of the signer and the verifier
 * differ): later is 70003 (docs/limits.md).
 */
export const USERSIG_CLOCK_SKEW_SECONDS = 300;

/** The fields a UserSig carries. */
export interface UserSigFields {
  identifier: string;
  sdkAppId: number;
  /** Unix seconds when the sig was made. */
  time: number;
  /** Lifetime in seconds, counted from `time`. */
  expire: number;
  /** The optional userbuf (decoded), when the sig has one. */
  userBuf?: Buffer;
}

/** Options of {@link genUserSig}. */
export interface GenUserSigOptions {
  sdkAppId: number;
  secretKey: string;
  userId: string;
  /** Lifetime in seconds (default 180 days). */
  expireSeconds?: number;
  /** Issue time in unix seconds (default now). */
  time?: number;
  userBuf?: Buffer;
}

/** Why a UserSig was refused, with the service's code. */
export class UserSigError extends Error {
  /** 70001 expired, 70002 empty, 70003 malformed, 70009 signature mismatch, 70013 identifier
   * mismatch, 70014 sdkappid mismatch. */
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'UserSigError';
    this.code = code;
  }
}

function contentToSign(f: UserSigFields): string {
  let s =
    `TLS.identifier:${f.identifier}\n` +
    `TLS.sdkappid:${f.sdkAppId}\n` +
    `TLS.time:${f.time}\n` +
    `TLS.expire:${f.expire}\n`;
  if (f.userBuf) s += `TLS.userbuf:${f.userBuf.toString('base64')}\n`;
  return s;
}

function hmacBase64(secretKey: string, f: UserSigFields): string {
  return createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(contentToSign(f)).digest('base64');
}

function escapeBase64(b64: string): string {
  return b64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function unescapeBase64(s: string): string {
  return s.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
}

/** Generates a TLSSigAPIv2 UserSig, byte-compatible with Tencent's own sig libraries. */
export function genUserSig(options: GenUserSigOptions): string {
  const fields: UserSigFields = {
    identifier: options.userId,
    sdkAppId: options.sdkAppId,
    time: options.time ?? Math.floor(Date.now() / 1000),
    expire: options.expireSeconds ?? DEFAULT_USERSIG_EXPIRE_SECONDS,
    ...(options.userBuf ? { userBuf: options.userBuf } : {}),
  };
  const doc: Record<string, string | number> = {
    'TLS.ver': '2.0',
    'TLS.identifier': fields.identifier,
    'TLS.sdkappid': fields.sdkAppId,
    'TLS.expire': fields.expire,
    'TLS.time': fields.time,
  };
  if (fields.userBuf) doc['TLS.userbuf'] = fields.userBuf.toString('base64');
  doc['TLS.sig'] = hmacBase64(options.secretKey, fields);
  return escapeBase64(deflateSync(Buffer.from(JSON.stringify(doc), 'utf8')).toString('base64'));
}

/** A JSON number that is a whole number from 0 to 2^53-1: what every sig library writes. */
function isWholeNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Decodes a UserSig without checking its signature. Throws {@link UserSigError} 70002 (empty) or
 * 70003: longer than {@link MAX_USERSIG_LENGTH} (checked before decoding), inflating past
 * {@link MAX_USERSIG_JSON_BYTES}, not base64 zlib JSON, or fields missing or mistyped
 * (`TLS.sdkappid`, `TLS.time`, `TLS.expire` must be JSON whole numbers).
 */
export function decodeUserSig(userSig: string): UserSigFields & { sig: string } {
  if (typeof userSig !== 'string' || userSig.length === 0) throw new UserSigError(70002, 'UserSig is empty');
  if (userSig.length > MAX_USERSIG_LENGTH) {
    throw new UserSigError(70003, `UserSig is malformed: longer than ${MAX_USERSIG_LENGTH} characters`);
  }
  let json: Buffer;
  try {
    // maxOutputLength makes inflateSync throw (RangeError ERR_BUFFER_TOO_LARGE) instead of growing
    // past the cap. Matched by code: a RangeError of another realm (vm, jest) fails instanceof.
    json = inflateSync(Buffer.from(unescapeBase64(userSig), 'base64'), { maxOutputLength: MAX_USERSIG_JSON_BYTES });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new UserSigError(70003, `UserSig is malformed: inflates past ${MAX_USERSIG_JSON_BYTES} bytes`);
    }
    throw new UserSigError(70003, 'UserSig is malformed: not base64 zlib JSON');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json.toString('utf8'));
  } catch {
    throw new UserSigError(70003, 'UserSig is malformed: not base64 zlib JSON');
  }
  if (typeof doc !== 'object' || doc === null) throw new UserSigError(70003, 'UserSig is malformed: not an object');
  const d = doc as Record<string, unknown>;
  const identifier = d['TLS.identifier'];
  const sdkAppId = d['TLS.sdkappid'];
  const time = d['TLS.time'];
  const expire = d['TLS.expire'];
  const sig = d['TLS.sig'];
  const userBuf = d['TLS.userbuf'];
  if (
    typeof identifier !== 'string' ||
    typeof sig !== 'string' ||
    !isWholeNumber(sdkAppId) ||
    !isWholeNumber(time) ||
    !isWholeNumber(expire) ||
    (userBuf !== undefined && typeof userBuf !== 'string')
  ) {
    throw new UserSigError(70003, 'UserSig is malformed: missing or mistyped TLS fields');
  }
  return {
    identifier,
    sdkAppId,
    time,
    expire,
    sig,
    ...(typeof userBuf === 'string' ? { userBuf: Buffer.from(userBuf, 'base64') } : {}),
  };
}

/** Options of {@link verifyUserSig}. */
export interface VerifyUserSigOptions {
  sdkAppId: number;
  secretKey: string;
  /** The identifier the sig must be for. */
  userId: string;
  /** Unix seconds to check expiry and issue time against (default now). */
  now?: number;
}

/**
 * Verifies a UserSig for `userId` and returns its fields. Throws {@link UserSigError} with the
 * service's code: 70002 empty, 70003 malformed (see {@link decodeUserSig}), 70013 identifier
 * mismatch, 70014 sdkappid mismatch, 70009 signature mismatch (wrong key), 70003 issued more than
 * {@link USERSIG_CLOCK_SKEW_SECONDS} in the future, 70001 expired, checked in that order.
 */
export function verifyUserSig(userSig: string, options: VerifyUserSigOptions): UserSigFields {
  const { sig, ...fields } = decodeUserSig(userSig);
  if (fields.identifier !== options.userId) {
    throw new UserSigError(70013, `UserSig is for "${fields.identifier}", not "${options.userId}"`);
  }
  if (fields.sdkAppId !== options.sdkAppId) {
    throw new UserSigError(70014, `UserSig is for SDKAppID ${fields.sdkAppId}, not ${options.sdkAppId}`);
  }
  const expected = Buffer.from(hmacBase64(options.secretKey, fields), 'utf8');
  const actual = Buffer.from(sig, 'utf8');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new UserSigError(70009, 'UserSig signature does not match the secret key');
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (fields.time > now + USERSIG_CLOCK_SKEW_SECONDS) {
    throw new UserSigError(70003, `UserSig is malformed: issued at ${fields.time}, in the future`);
  }
  if (now > fields.time + fields.expire) {
    throw new UserSigError(70001, `UserSig expired at ${fields.time + fields.expire}`);
  }
  return fields;
}
