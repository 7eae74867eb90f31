/**
 * The checks every REST call passes before its own: URL, query, UserSig, admin, body. Each throws
 * a `RestError` with the service's common code.
 * @packageDocumentation
 */
import type { EmulatorConfig } from '../context';
import { CommonCode } from '../../rest/codes';
import { refuse, RestError } from '../../rest/errors';
import { UserSigError, verifyUserSig, type UserSigFields } from '../../usersig';

/** The API a request names. */
export interface ApiAddress {
  service: string;
  command: string;
}

/** Largest request body read (1 MB). A larger body is refused with 60003. */
export const MAX_BODY_BYTES = 1024 * 1024;

const PATH = /^\/v4\/([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)$/;

/**
 * A request target that `new URL()` and `URLSearchParams` would leave as it is: an API path and a
 * query of characters that are never escaped nor decoded (UserSigs are `[A-Za-z0-9*_-]`).
 */
const PLAIN_TARGET = /^(\/v4\/[A-Za-z0-9_]+\/[A-Za-z0-9_]+)(?:\?([A-Za-z0-9_.~*=&-]*))?$/;

/** The path and query parameters of a request target, as WHATWG URL parsing reads them. */
function readTarget(rawUrl: string | undefined): { pathname: string; get(name: string): string | null } {
  const plain = PLAIN_TARGET.exec(rawUrl ?? '');
  if (!plain) {
    const url = new URL(rawUrl ?? '/', 'http://emulator');
    return { pathname: url.pathname, get: (name) => url.searchParams.get(name) };
  }
  const params = new Map<string, string>();
  for (const pair of (plain[2] ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (!params.has(name)) params.set(name, eq < 0 ? '' : pair.slice(eq + 1));
  }
  return { pathname: plain[1], get: (name) => params.get(name) ?? null };
}

/**
 * Checks method, path and query, then the admin's UserSig. Order: 60002 (method, path), 60012
 * (no sdkappid), 60006 (not this app), 60002 (`random`, `contenttype`), 60004 (no identifier),
 * 70xxx (UserSig, as `verifyUserSig` reports), 60010 (not an admin).
 */
export function checkRequestLine(
  config: EmulatorConfig,
  sigs: VerifiedSigs,
  method: string | undefined,
  rawUrl: string | undefined,
): ApiAddress {
  if (method !== 'POST') refuse(CommonCode.BadUrl, `HTTP method must be POST, got ${method ?? 'none'}`);
  const q = readTarget(rawUrl);
  const m = PATH.exec(q.pathname);
  if (!m) refuse(CommonCode.BadUrl, `URL path must be /v4/<service>/<command>, got ${q.pathname}`);
  const appId = q.get('sdkappid');
  if (!appId) refuse(CommonCode.AppIdMissing, 'sdkappid is missing');
  if (!/^\d+$/.test(appId) || Number(appId) !== config.sdkAppId) refuse(CommonCode.BadAppId, `invalid sdkappid ${appId}`);
  const random = q.get('random');
  if (random === null || !/^\d{1,10}$/.test(random) || Number(random) > 0xffffffff) {
    refuse(CommonCode.BadUrl, 'random must be an unsigned 32-bit integer');
  }
  const contentType = q.get('contenttype');
  if (contentType !== null && contentType !== 'json') refuse(CommonCode.BadUrl, 'contenttype must be json');
  const identifier = q.get('identifier');
  if (!identifier) refuse(CommonCode.BadIdentifier, 'identifier is missing');
  sigs.verify(q.get('usersig') ?? '', identifier);
  if (!config.admins.includes(identifier)) refuse(CommonCode.AdminRequired, `${identifier} is not an app admin`);
  return { service: m[1], command: m[2] };
}

/**
 * Verifies admin UserSigs, remembering the ones that passed (until they expire) so a client that
 * reuses its sig skips the inflate and the HMAC. Refusals carry `verifyUserSig`'s 70xxx code.
 */
export class VerifiedSigs {
  private readonly passed = new Map<string, { identifier: string; expiresAt: number }>();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly capacity = 1024,
  ) {}

  /** Throws `RestError` 70xxx unless `sig` is a valid, unexpired sig of `identifier`. */
  verify(sig: string, identifier: string): void {
    const now = Math.floor(Date.now() / 1000);
    const hit = this.passed.get(sig);
    if (hit && hit.identifier === identifier && now <= hit.expiresAt) return;
    let fields: UserSigFields;
    try {
      fields = verifyUserSig(sig, { sdkAppId: this.config.sdkAppId, secretKey: this.config.secretKey, userId: identifier, now });
    } catch (e) {
      if (e instanceof UserSigError) throw new RestError(e.code, e.message);
      throw e;
    }
    if (this.passed.size >= this.capacity) this.passed.clear();
    this.passed.set(sig, { identifier, expiresAt: fields.time + fields.expire });
  }
}

/** Parses the body: a JSON object of at most {@link MAX_BODY_BYTES}, else 60003. */
export function parseBody(raw: Buffer, truncated: boolean): unknown {
  if (truncated) refuse(CommonCode.BadJson, `request body is larger than ${MAX_BODY_BYTES} bytes`);
  if (raw.length === 0) refuse(CommonCode.BadJson, 'request body is empty; send {} when a call has no fields');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    refuse(CommonCode.BadJson, 'request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) refuse(CommonCode.BadJson, 'request body must be a JSON object');
  return body;
}
