/**
 * `RestClient`: the app admin's typed client of the TIM REST API, for a real region or an
 * emulator. Validates before sending, signs with a self-refreshing admin UserSig, queues bursts
 * under the per-API rate limit, and retries what the service says to retry.
 * @packageDocumentation
 */
import { randomInt } from 'crypto';
import * as http from 'http';
import * as https from 'https';
import { findApi, REST_APIS, RestApi, SERVICE_CODES } from './apis';
import { CommonCode } from './codes';
import { BAD_RESPONSE_CODE, NETWORK_ERROR_CODE, RestError } from './errors';
import { TokenBuckets } from './limiter';
import { isRestRegion, regionBaseUrl, RestRegion } from './regions';
import type * as T from './types';
import { genUserSig } from '../usersig';

/** Options of {@link RestClient}. */
export interface RestClientOptions {
  /** The app's SDKAppID. */
  sdkAppId: number;
  /** The app's secret key, used to sign the admin UserSig (never sent). */
  secretKey: string;
  /** The app admin calling (default `administrator`). */
  identifier?: string;
  /** Where the app lives (default `china`). Ignored when `baseUrl` is given. */
  region?: RestRegion;
  /** A base URL to use instead of the region's, e.g. an emulator's `http://127.0.0.1:port`. */
  baseUrl?: string;
  /** Per attempt, in milliseconds (default 10000). */
  timeoutMs?: number;
  /**
   * Retries after a network error, HTTP 5xx, an internal error (10002...) or 60007 (default 3).
   * A call whose answer was lost may have been applied: a retried `create_group` without a
   * custom `GroupId` can then create two groups. Use 0 where that matters.
   */
  maxRetries?: number;
  /** First retry delay in milliseconds, doubled each retry (default 200, capped at 5000). */
  retryDelayMs?: number;
  /** Calls per second per API this client allows itself (default 200, the service's), or `false`. */
  rateLimit?: number | false;
  /** Lifetime of the admin UserSig it generates, in seconds (default 1 day). */
  userSigTtlSeconds?: number;
}

/** A generic response: the common fields and whatever else the call returns. */
export type RestGenericResponse = T.RestResponseBase & { [key: string]: T.JsonValue };

const DEFAULTS = {
  identifier: 'administrator',
  region: 'china' as RestRegion,
  timeoutMs: 10_000,
  maxRetries: 3,
  retryDelayMs: 200,
  rateLimit: 200,
  userSigTtlSeconds: 86_400,
  maxRetryDelayMs: 5_000,
};

interface Attempt {
  retry: boolean;
  error?: RestError;
  body?: T.RestResponseBase;
}

/**
 * The app admin's REST client.
 *
 * ```ts
 * const rest = new RestClient({ sdkAppId, secretKey, baseUrl: emulator.url });
 * const { MemberList } = await rest.getSpecifiedGroupMemberInfo({ GroupId, Member_List_Account: ['bob'] });
 * ```
 * Every method throws {@link RestError}: the service's code, or the code the service would give
 * for a request the client refuses before sending. Call {@link RestClient.close} when done to free
 * kept-alive connections (idle ones never hold the process open).
 */
export class RestClient {
  /** The base URL calls go to. */
  readonly baseUrl: string;
  /** The admin identifier calls are made as. */
  readonly identifier: string;
  private readonly sdkAppId: number;
  private readonly secretKey: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryDelayMs: number;
  private readonly userSigTtl: number;
  private readonly limiter: TokenBuckets | null;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private sig: { value: string; refreshAt: number } | null = null;

  constructor(options: RestClientOptions) {
    checkOptions(options);
    this.sdkAppId = options.sdkAppId;
    this.secretKey = options.secretKey;
    this.identifier = options.identifier ?? DEFAULTS.identifier;
    this.baseUrl = (options.baseUrl ?? regionBaseUrl(options.region ?? DEFAULTS.region)).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULTS.retryDelayMs;
    this.userSigTtl = options.userSigTtlSeconds ?? DEFAULTS.userSigTtlSeconds;
    const rate = options.rateLimit ?? DEFAULTS.rateLimit;
    this.limiter = rate === false ? null : new TokenBuckets(rate);
    const secure = this.baseUrl.startsWith('https:');
    this.transport = secure ? https : http;
    this.agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /** `im_open_login_svc/account_import`: creates an account (idempotent). */
  accountImport(req: T.AccountImportRequest): Promise<T.AccountImportResponse> {
    return this.invoke(REST_APIS.accountImport, req);
  }

  /** `im_open_login_svc/multiaccount_import`: creates up to 100 accounts. */
  multiAccountImport(req: T.MultiAccountImportRequest): Promise<T.MultiAccountImportResponse> {
    return this.invoke(REST_APIS.multiAccountImport, req);
  }

  /** `profile/portrait_set`: sets profile fields of one account. */
  portraitSet(req: T.PortraitSetRequest): Promise<T.PortraitSetResponse> {
    return this.invoke(REST_APIS.portraitSet, req);
  }

  /** `profile/portrait_get`: reads profile fields of up to 100 accounts. */
  portraitGet(req: T.PortraitGetRequest): Promise<T.PortraitGetResponse> {
    return this.invoke(REST_APIS.portraitGet, req);
  }

  /** `group_open_http_svc/create_group`: creates a group; resolves with its id. */
  createGroup(req: T.CreateGroupRequest): Promise<T.CreateGroupResponse> {
    return this.invoke(REST_APIS.createGroup, req);
  }

  /** `group_open_http_svc/add_group_member`: adds up to 300 members. */
  addGroupMember(req: T.AddGroupMemberRequest): Promise<T.AddGroupMemberResponse> {
    return this.invoke(REST_APIS.addGroupMember, req);
  }

  /** `group_open_http_svc/delete_group_member`: removes up to 100 members. */
  deleteGroupMember(req: T.DeleteGroupMemberRequest): Promise<T.DeleteGroupMemberResponse> {
    return this.invoke(REST_APIS.deleteGroupMember, req);
  }

  /** `group_open_http_svc/modify_group_member_info`: changes one member's role, flags, card, data, mute. */
  modifyGroupMemberInfo(req: T.ModifyGroupMemberInfoRequest): Promise<T.ModifyGroupMemberInfoResponse> {
    return this.invoke(REST_APIS.modifyGroupMemberInfo, req);
  }

  /** `group_open_http_svc/destroy_group`: deletes a group and its members. */
  destroyGroup(req: T.DestroyGroupRequest): Promise<T.DestroyGroupResponse> {
    return this.invoke(REST_APIS.destroyGroup, req);
  }

  /** `group_open_http_svc/get_group_member_info`: a page of a group's members. */
  getGroupMemberInfo(req: T.GetGroupMemberInfoRequest): Promise<T.GetGroupMemberInfoResponse> {
    return this.invoke(REST_APIS.getGroupMemberInfo, req);
  }

  /** `group_open_http_svc/get_specified_group_member_info`: up to 50 named members' profiles. */
  getSpecifiedGroupMemberInfo(req: T.GetSpecifiedGroupMemberInfoRequest): Promise<T.GetSpecifiedGroupMemberInfoResponse> {
    return this.invoke(REST_APIS.getSpecifiedGroupMemberInfo, req);
  }

  /** `openim/query_online_status`: the login state of up to 500 accounts. */
  queryOnlineStatus(req: T.QueryOnlineStatusRequest): Promise<T.QueryOnlineStatusResponse> {
    return this.invoke(REST_APIS.queryOnlineStatus, req);
  }

  /**
   * Any call, by URL parts. Calls this package knows are validated as their typed methods are;
   * others are sent as they are.
   */
  call<R extends T.RestResponseBase = RestGenericResponse>(service: string, command: string, body: T.JsonObject = {}): Promise<R> {
    if (!/^[a-z_]+$/.test(service) || !/^[a-z_]+$/.test(command)) {
      return Promise.reject(new TypeError(`service and command are lower-case names, got "${service}/${command}"`));
    }
    const known = findApi(service, command);
    const target: RestApi<unknown, R> = known
      ? (known as RestApi<unknown, R>)
      : { service, command, validate: (b: unknown) => b };
    return this.invoke(target, body);
  }

  /** Frees the kept-alive connections. Calls made afterwards open new ones. */
  close(): void {
    this.agent.destroy();
  }

  private async invoke<Req, Res extends T.RestResponseBase>(api: RestApi<Req, Res>, req: unknown): Promise<Res> {
    try {
      api.validate(req);
    } catch (e) {
      throw e instanceof RestError ? e.withApi(api.service, api.command) : e;
    }
    const payload = JSON.stringify(req);
    const key = `${api.service}/${api.command}`;
    for (let attempt = 0; ; attempt++) {
      if (this.limiter) await sleep(this.limiter.reserve(key));
      const result = await this.attempt(api, payload);
      if (result.body) return result.body as Res;
      if (!result.retry || attempt >= this.maxRetries) throw result.error;
      await sleep(this.backoff(attempt));
    }
  }

  private backoff(attempt: number): number {
    const base = Math.min(DEFAULTS.maxRetryDelayMs, this.retryDelayMs * 2 ** attempt);
    return base / 2 + Math.random() * (base / 2);
  }

  private async attempt(api: RestApi<unknown, T.RestResponseBase>, payload: string): Promise<Attempt> {
    const fail = (code: number, info: string, retry: boolean, cause?: unknown): Attempt => ({
      retry,
      error: new RestError(code, info, api.service, api.command, { cause }),
    });
    let status: number;
    let text: string;
    try {
      ({ status, text } = await this.post(this.url(api), payload));
    } catch (e) {
      return fail(NETWORK_ERROR_CODE, `request failed: ${(e as Error).message}`, true, e);
    }
    if (status >= 500) return fail(NETWORK_ERROR_CODE, `HTTP ${status}`, true);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return fail(BAD_RESPONSE_CODE, `HTTP ${status}: the response is not JSON`, false, e);
    }
    const b = body as Partial<T.RestResponseBase> | null;
    if (typeof b !== 'object' || b === null || typeof b.ErrorCode !== 'number') {
      return fail(BAD_RESPONSE_CODE, `HTTP ${status}: the response has no ErrorCode`, false);
    }
    if (b.ErrorCode === 0) return { retry: false, body: b as T.RestResponseBase };
    const retry =
      b.ErrorCode === CommonCode.RateLimited || b.ErrorCode === SERVICE_CODES[api.service]?.internal;
    return fail(b.ErrorCode, typeof b.ErrorInfo === 'string' ? b.ErrorInfo : '', retry);
  }

  private url(api: RestApi<unknown, T.RestResponseBase>): string {
    const query = new URLSearchParams({
      sdkappid: String(this.sdkAppId),
      identifier: this.identifier,
      usersig: this.adminSig(),
      random: String(randomInt(0, 0x100000000)),
      contenttype: 'json',
    });
    return `${this.baseUrl}/v4/${api.service}/${api.command}?${query}`;
  }

  /** The admin UserSig, regenerated when less than a tenth of its lifetime is left. */
  private adminSig(): string {
    const now = Date.now();
    if (!this.sig || now >= this.sig.refreshAt) {
      const time = Math.floor(now / 1000);
      const value = genUserSig({
        sdkAppId: this.sdkAppId,
        secretKey: this.secretKey,
        userId: this.identifier,
        expireSeconds: this.userSigTtl,
        time,
      });
      this.sig = { value, refreshAt: (time + this.userSigTtl * 0.9) * 1000 };
    }
    return this.sig.value;
  }

  private post(url: string, payload: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = this.transport.request(url, {
        method: 'POST',
        agent: this.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      });
      const timer = setTimeout(() => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      req.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.end(payload);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

function checkOptions(o: RestClientOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError('RestClient options must be an object');
  if (!Number.isSafeInteger(o.sdkAppId) || o.sdkAppId <= 0) throw new TypeError('sdkAppId must be a positive integer');
  if (typeof o.secretKey !== 'string' || o.secretKey.length === 0) throw new TypeError('secretKey must be a non-empty string');
  if (o.identifier !== undefined && (typeof o.identifier !== 'string' || o.identifier.length === 0)) {
    throw new TypeError('identifier must be a non-empty string');
  }
  if (o.region !== undefined && !isRestRegion(o.region)) throw new TypeError(`unknown region "${String(o.region)}"`);
  if (o.baseUrl !== undefined && !/^https?:\/\/[^/?#]+\/*$/.test(o.baseUrl)) {
    throw new TypeError(`baseUrl must be http(s)://host[:port], got "${o.baseUrl}"`);
  }
  for (const k of ['timeoutMs', 'retryDelayMs', 'userSigTtlSeconds'] as const) {
    const v = o[k];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new TypeError(`${k} must be a positive number`);
  }
  if (o.maxRetries !== undefined && !(Number.isInteger(o.maxRetries) && o.maxRetries >= 0)) {
    throw new TypeError('maxRetries must be a non-negative integer');
  }
  if (o.rateLimit !== undefined && o.rateLimit !== false && !(Number.isFinite(o.rateLimit) && o.rateLimit > 0)) {
    throw new TypeError('rateLimit must be a positive number or false');
  }
}
