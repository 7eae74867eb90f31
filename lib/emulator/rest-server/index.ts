/**
 * The emulator's REST API (`POST /v4/<service>/<command>?...`), served on the emulator's port:
 * `createRestHandler(ctx)` is the request handler of its HTTP server. Every answer is HTTP 200
 * with `ActionStatus`, `ErrorCode` and `ErrorInfo`.
 *
 * Where Tencent's documentation is silent, the emulator decides (and the client mirrors):
 * - Order of the common checks: 60002 method/path, 60012 no sdkappid, 60006 other app, 60002
 *   `random` (required, u32) or `contenttype` (optional, `json`), 60004 no identifier, 70xxx the
 *   UserSig (`verifyUserSig`'s code), 60010 not an admin, then 60009 unknown API (10003 inside
 *   `group_open_http_svc`), 60007 rate, 60003 body, the call's own checks.
 * - Bodies: empty, not JSON, not an object, or over 1 MB: 60003 (past 16 MB the connection is
 *   closed). An account in a body that is not a string: 60015.
 * - Group ids: 10015 when not 1..48 bytes of printable ASCII, or when starting `@TGS#` without
 *   being server-made (`@TGS#` + letters/digits) or a Community id (`@TGS#_...`); well-formed
 *   but unknown: 10010. AVChatRoom groups answer 10007 to every member call.
 * - Member queries: accounts that are not members are left out; a present filter means exactly
 *   those (an empty `MemberInfoFilter` returns `Member_Account` only); without the custom-key
 *   filter every key the app ever used is returned, `""` when unset.
 * - get_group_member_info's Community `Next` is the next member's position in join order, as a
 *   decimal string (the service's is opaque); a `Next` it did not answer is 10004.
 * - add_group_member with an account never imported: 10019 for the whole call; modify on a
 *   non-member: 10007; removing or re-roling the owner: 10004.
 * - Custom profile tags and member custom keys must be registered first (`custom-fields.ts`): an
 *   unregistered profile tag is 40009 (portrait_set and portrait_get), an unregistered member key
 *   10004 (create_group, modify_group_member_info), unless the emulator is lenient.
 * - portrait_get answers every asked tag, with defaults for unset ones; SDK add permission 0
 *   reads as `AllowType_Type_NeedConfirm`.
 * @packageDocumentation
 */
import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'http';
import type { EmulatorContext } from '../context';
import { GroupStore } from '../group-store';
import { CommonCode } from '../../rest/codes';
import { RestError } from '../../rest/errors';
import { checkRequestLine, MAX_BODY_BYTES, parseBody, VerifiedSigs } from './common';
import type { RestEnv } from './env';
import { stringifyBody } from './json';
import { ProfileExtras } from './profile-extras';
import { ApiRateLimit } from './rate-limit';
import { dispatch, failure, ResponseBody, serviceOfUrl } from './router';

/** Bodies larger than this are not even drained: the connection is closed. */
const DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES;

/**
 * Builds the REST request handler of one emulator over `groups` (by default its own group store,
 * creating the group tables if needed). Besides Tencent's calls it serves the emulator-only
 * `tim_native_emulator/register_custom_fields` (`emulator-only.ts`).
 */
export function createRestHandler(ctx: EmulatorContext, groups: GroupStore = new GroupStore(ctx.db)): RequestListener {
  const env: RestEnv = {
    ctx,
    groups,
    extras: new ProfileExtras(ctx.db),
    now: () => Math.floor(Date.now() / 1000),
  };
  const limit = new ApiRateLimit(ctx.config.restRateLimit);
  const sigs = new VerifiedSigs(ctx.config);
  return (req: IncomingMessage, res: ServerResponse) => {
    readBody(req, res, (raw, truncated) => {
      let body: ResponseBody;
      try {
        const address = checkRequestLine(ctx.config, sigs, req.method, req.url);
        body = dispatch(env, limit, address, () => parseBody(raw, truncated));
      } catch (e) {
        const service = serviceOfUrl(req.url);
        body = e instanceof RestError ? failure(e.code, e.info, service) : failure(CommonCode.BadUrl, 'malformed request', service);
      }
      send(res, body);
    });
  };
}

/** Reads up to MAX_BODY_BYTES, drains (and flags) the rest, gives up past DRAIN_LIMIT_BYTES. */
function readBody(req: IncomingMessage, res: ServerResponse, done: (raw: Buffer, truncated: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    else if (size > DRAIN_LIMIT_BYTES) {
      send(res, failure(CommonCode.BadJson, `request body is larger than ${MAX_BODY_BYTES} bytes`, serviceOfUrl(req.url)), true);
      req.destroy();
    }
  });
  req.on('end', () => {
    if (!res.headersSent) done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), size > MAX_BODY_BYTES);
  });
  req.on('error', () => req.destroy());
}

function send(res: ServerResponse, body: ResponseBody, close = false): void {
  if (res.headersSent) return;
  const text = stringifyBody(body);
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) };
  if (close) headers.connection = 'close';
  res.writeHead(200, headers);
  res.end(text);
}
