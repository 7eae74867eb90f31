/**
 * Finds the handler of a request's API and runs it: 60009 for an API the emulator does not know
 * (the service's own "bad command" code when it has one), 60007 past the rate limit, then the
 * shared validator, then the handler. Unexpected failures become the service's internal error.
 * @packageDocumentation
 */
import { SERVICE_CODES } from '../../rest/apis';
import { CommonCode } from '../../rest/codes';
import { refuse, RestError } from '../../rest/errors';
import type { RestResponseBase } from '../../rest/types';
import { accountRoutes } from './accounts';
import { emulatorOnlyRoutes } from './emulator-only';
import type { ApiAddress } from './common';
import type { RestEnv, Route } from './env';
import { groupRoutes } from './groups';
import { onlineRoutes } from './online';
import { profileRoutes } from './profile';
import type { ApiRateLimit } from './rate-limit';

const ROUTES: ReadonlyMap<string, Route> = new Map(
  [...accountRoutes, ...profileRoutes, ...groupRoutes, ...onlineRoutes, ...emulatorOnlyRoutes].map((r) => [`${r.api.service}/${r.api.command}`, r]),
);

/** A response body: the common fields first, then the call's own. */
export type ResponseBody = RestResponseBase & Record<string, unknown>;

/**
 * Fields a service adds to every answer, failures included. The profile service's answers carry
 * `ErrorDisplay` on success and on failure (https://cloud.tencent.com/document/product/269/1640,
 * https://cloud.tencent.com/document/product/269/1639: "ErrorDisplay | String | 详细的客户端展示信息").
 */
const FAILURE_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  profile: { ErrorDisplay: '' },
};

/** The service a request path names (`/v4/<service>/...`), or undefined. */
export function serviceOfUrl(rawUrl: string | undefined): string | undefined {
  return /^\/v4\/([A-Za-z0-9_]+)\//.exec(rawUrl ?? '')?.[1];
}

/** The failure body of a refused call, with the fields its service adds to failures. */
export function failure(code: number, info: string, service?: string): ResponseBody {
  const extra = service !== undefined && Object.prototype.hasOwnProperty.call(FAILURE_FIELDS, service) ? FAILURE_FIELDS[service] : {};
  return { ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: info, ...extra };
}

/** Runs the API at `address` with `readBody` (called after the API and rate checks pass). */
export function dispatch(env: RestEnv, limit: ApiRateLimit, address: ApiAddress, readBody: () => unknown): ResponseBody {
  const key = `${address.service}/${address.command}`;
  const r = ROUTES.get(key);
  if (!r) {
    const badCommand = SERVICE_CODES[address.service]?.badCommand;
    refuse(badCommand ?? CommonCode.NoSuchApi, `unknown API ${key}`);
  }
  limit.take(key);
  const req = r.api.validate(readBody());
  try {
    return { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...r.handle(env, req) };
  } catch (e) {
    if (e instanceof RestError) throw e;
    const internal = SERVICE_CODES[address.service]?.internal ?? CommonCode.NoSuchApi;
    throw new RestError(internal, `internal error: ${(e as Error).message}`, '', '', { cause: e });
  }
}
