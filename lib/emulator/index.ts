/**
 * The local TIM emulator: one TCP port serving native clients (docs/emulator-protocol.md) and the
 * REST API (HTTP), backed by SQLite.
 *
 * ```ts
 * const emu = await startEmulator({ port: 0 });
 * process.env.TIM_EMULATOR_HOST = emu.address;
 * const sig = emu.genUserSig('alice');
 * // ...
 * await emu.close();
 * ```
 * @packageDocumentation
 */
import { EventEmitter } from 'events';
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'net';
import { genUserSig as genSig } from '../usersig';
import type { EmulatorConfig, EmulatorContext, ProfileStore } from './context';
import { CustomFieldError, type CustomFieldsRegistration, type RegisteredCustomFields } from './custom-fields';
import { openDatabase } from './db';
import { HTTP_LIMITS, resolveLimits, type EmulatorLimits } from './limits';
import { routeConnection } from './listener';
import { PresenceHub } from './presence';
import { GroupStore } from './group-store';
import { createRestHandler } from './rest-server';
import { registerCustomFields } from './rest-server/emulator-only';
import { Session, type RequestLogEntry } from './session';
import { SqliteProfileStore } from './store';

export type { RequestLogEntry } from './session';
export { DEFAULT_EMULATOR_LIMITS, HTTP_LIMITS, type EmulatorLimits } from './limits';
export type { CustomFieldsRegistration, RegisteredCustomFields } from './custom-fields';
export type { RegisterCustomFieldsRequest, RegisterCustomFieldsResponse } from './rest-server/emulator-only';
export type { EmulatorContext, EmulatorConfig, ProfileStore, Presence, StoredProfile, ProfilePatch, UserStatus } from './context';

/** The emulator's default port. */
export const DEFAULT_EMULATOR_PORT = 9400;

/** The emulator's default SDKAppID. */
export const DEFAULT_EMULATOR_SDK_APP_ID = 1400000000;

/**
 * The emulator's default secret key: public, fixed, for development only. Anyone can sign a
 * UserSig with it, so an emulator that must refuse strangers needs its own `secretKey`.
 */
export const DEV_SECRET_KEY = 'tim-native-emulator-development-key-not-a-secret';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** Port to listen on (default 9400); 0 picks any free port. */
  port?: number;
  /** The SDKAppID clients and UserSigs must use (default 1400000000). */
  sdkAppId?: number;
  /** The key UserSigs are verified against (default {@link DEV_SECRET_KEY}). */
  secretKey?: string;
  /**
   * SQLite file for accounts and profiles, created when missing and kept across restarts
   * (default `':memory:'`: nothing is kept).
   */
  dataFile?: string;
  /** App admins allowed to call the REST API (default `['administrator']`). */
  admins?: string[];
  /** REST calls per second allowed per API (default 200); `false` disables the limit. */
  restRateLimit?: number | false;
  /**
   * Custom fields registered as in the IM console (its feature configuration): custom profile
   * fields (`Tag_Profile_Custom_<letters>` or the bare keyword, at most 20) and group member custom
   * fields (at most 5). The service refuses keys that were not registered, and so does the
   * emulator: 40009 for a profile field (REST and `TIMProfileModifySelfUserProfile`), 10004 for a
   * member field. Added to what a `dataFile` already holds; {@link Emulator.registerCustomFields}
   * adds more later.
   */
  customFields?: CustomFieldsRegistration;
  /**
   * Register a custom key on its first write (within the per-app caps) instead of refusing it.
   * Default false. NOT what the service does: code that relies on it fails against Tencent.
   */
  lenientCustomFields?: boolean;
  /**
   * Limits against hostile or broken peers (docs/limits.md); each one left out keeps its value
   * in {@link DEFAULT_EMULATOR_LIMITS}. Tests shorten the deadlines; real clients never need to.
   */
  limits?: Partial<EmulatorLimits>;
  /**
   * Receives the start-up lines (the address, and the development key when it is in use), e.g.
   * `log: console.error`. Default: none; as a library the emulator prints nothing (the CLI prints
   * its own summary).
   */
  log?: (line: string) => void;
}

/**
 * A running emulator. Emits `request` with a {@link RequestLogEntry} for every request handled
 * (an HTTP request is logged when a listener was attached as it arrived).
 */
export interface Emulator extends EventEmitter {
  /** `host:port` (IPv6 hosts in brackets): the value for `TIM_EMULATOR_HOST`. */
  readonly address: string;
  /** The interface listened on, as given. */
  readonly host: string;
  /** The port listened on (the one picked when `port` was 0). */
  readonly port: number;
  /** The SDKAppID clients and UserSigs must use. */
  readonly sdkAppId: number;
  /** The key UserSigs are verified against. */
  readonly secretKey: string;
  /** Signs a UserSig for `userId` with the emulator's key (default lifetime 180 days). */
  genUserSig(userId: string, expireSeconds?: number): string;
  /**
   * Emulator only, not part of Tencent's API: registers custom fields as the IM console does
   * (see {@link EmulatorOptions.customFields}); returns every registered key. Throws `TypeError` for
   * a malformed key or a list past its cap, registering nothing. Over HTTP:
   * `POST /v4/tim_native_emulator/register_custom_fields`.
   */
  registerCustomFields(fields: CustomFieldsRegistration): RegisteredCustomFields;
  /** Disconnects every client, stops listening and closes the database. Idempotent. */
  close(): Promise<void>;
  on(event: 'request', listener: (entry: RequestLogEntry) => void): this;
  once(event: 'request', listener: (entry: RequestLogEntry) => void): this;
  off(event: 'request', listener: (entry: RequestLogEntry) => void): this;
}

function validateOptions(o: EmulatorOptions): void {
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host.length === 0)) {
    throw new TypeError('host must be a non-empty string');
  }
  if (o.dataFile !== undefined && typeof o.dataFile !== 'string') {
    throw new TypeError('dataFile must be a path string');
  }
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) {
    throw new TypeError(`port must be an integer from 0 to 65535, got ${String(o.port)}`);
  }
  if (o.sdkAppId !== undefined && (!Number.isSafeInteger(o.sdkAppId) || o.sdkAppId <= 0)) {
    throw new TypeError(`sdkAppId must be a positive integer, got ${String(o.sdkAppId)}`);
  }
  if (o.secretKey !== undefined && (typeof o.secretKey !== 'string' || o.secretKey.length === 0)) {
    throw new TypeError('secretKey must be a non-empty string');
  }
  if (o.admins !== undefined && (!Array.isArray(o.admins) || o.admins.some((a) => typeof a !== 'string' || !a))) {
    throw new TypeError('admins must be an array of user ids');
  }
  if (o.lenientCustomFields !== undefined && typeof o.lenientCustomFields !== 'boolean') {
    throw new TypeError('lenientCustomFields must be a boolean');
  }
  if (o.customFields !== undefined && (typeof o.customFields !== 'object' || o.customFields === null || Array.isArray(o.customFields))) {
    throw new TypeError('customFields must be an object: { profile?: string[], groupMember?: string[] }');
  }
  const rate = o.restRateLimit;
  if (rate !== undefined && rate !== false && (typeof rate !== 'number' || !(rate > 0))) {
    throw new TypeError('restRateLimit must be a positive number or false');
  }
}

class EmulatorServer extends EventEmitter implements Emulator {
  private readonly sockets = new Set<Socket>();
  private readonly netServer: Server;
  private readonly httpServer: HttpServer;
  private bound: { host: string; port: number } | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly groups: GroupStore,
    presence: PresenceHub,
    restHandler: RequestListener,
    limits: EmulatorLimits,
  ) {
    super();
    const report = (entry: RequestLogEntry): void => {
      this.emit('request', entry);
    };
    // Request log entries are only made while someone listens for them.
    const requestLog = (): ((entry: RequestLogEntry) => void) | undefined =>
      this.listenerCount('request') > 0 ? report : undefined;
    // Node's HTTP server already stops reading a connection whose answers are not read
    // (pipelining), so only its deadlines and sizes are set here (docs/limits.md).
    const httpServer = createHttpServer(
      { maxHeaderSize: HTTP_LIMITS.maxHeaderSize, connectionsCheckingInterval: HTTP_LIMITS.connectionsCheckingIntervalMs },
      (req, res) =>
      handleHttp(req, res, restHandler, requestLog()),
    );
    httpServer.headersTimeout = limits.httpHeadersTimeoutMs;
    httpServer.requestTimeout = limits.httpRequestTimeoutMs;
    httpServer.keepAliveTimeout = HTTP_LIMITS.keepAliveTimeoutMs;
    httpServer.maxHeadersCount = HTTP_LIMITS.maxHeadersCount;
    // The HTTP server never listens (connections come from routeConnection), and Node starts its
    // check of headersTimeout and requestTimeout on 'listening' only: start it here. httpServer.close()
    // stops it. test/emulator-limits.test.ts fails if a Node version stops doing so.
    httpServer.emit('listening');
    this.httpServer = httpServer;
    const { config, store } = ctx;
    // No Nagle on any connection: REST answers and pushes are single writes, never held back for an ACK.
    this.netServer = createNetServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      routeConnection(
        socket,
        {
          http: httpServer,
          native: (s, rest) => new Session(s, { config, limits, store, presence, requestLog }).receive(rest),
        },
        limits.firstBytesTimeoutMs,
      );
    });
    // Past the cap Node closes each new connection at once.
    this.netServer.maxConnections = limits.maxConnections;
  }

  get host(): string {
    return this.bound!.host;
  }

  get port(): number {
    return this.bound!.port;
  }

  get address(): string {
    const { host, port } = this.bound!;
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }

  get sdkAppId(): number {
    return this.ctx.config.sdkAppId;
  }

  get secretKey(): string {
    return this.ctx.config.secretKey;
  }

  genUserSig(userId: string, expireSeconds?: number): string {
    return genSig({
      sdkAppId: this.ctx.config.sdkAppId,
      secretKey: this.ctx.config.secretKey,
      userId,
      ...(expireSeconds !== undefined ? { expireSeconds } : {}),
    });
  }

  registerCustomFields(fields: CustomFieldsRegistration): RegisteredCustomFields {
    return registerOrThrow(this.ctx.store, this.groups, fields);
  }

  /** Starts listening; rejects when the address is taken. */
  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.netServer.once('error', reject);
      this.netServer.listen(port, host, () => {
        this.netServer.removeListener('error', reject);
        this.bound = { host, port: (this.netServer.address() as AddressInfo).port };
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (this.netServer.listening) this.netServer.close(() => resolve());
      else resolve();
    });
    const disconnected = [...this.sockets].map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.destroy();
        }),
    );
    this.httpServer.close();
    await Promise.all([stopped, ...disconnected]);
    this.ctx.db.close();
  }
}

/**
 * Starts an emulator and resolves once it listens. Rejects (with nothing left open) when the port
 * is taken or the data file cannot be opened.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  validateOptions(options);
  const limits = resolveLimits(options.limits);
  const config: EmulatorConfig = {
    sdkAppId: options.sdkAppId ?? DEFAULT_EMULATOR_SDK_APP_ID,
    secretKey: options.secretKey ?? DEV_SECRET_KEY,
    admins: options.admins ?? ['administrator'],
    restRateLimit: options.restRateLimit ?? 200,
    lenientCustomFields: options.lenientCustomFields ?? false,
  };
  const log = options.log ?? ((): void => undefined);
  const db = openDatabase(options.dataFile ?? ':memory:');
  let emulator: EmulatorServer;
  try {
    const store = new SqliteProfileStore(db, { lenientCustomFields: config.lenientCustomFields ?? false });
    const groups = new GroupStore(db);
    if (options.customFields) registerOrThrow(store, groups, options.customFields);
    const presence = new PresenceHub(store);
    const ctx: EmulatorContext = { config, db, store, presence };
    emulator = new EmulatorServer(ctx, groups, presence, createRestHandler(ctx, groups), limits);
    await emulator.listen(options.host ?? '127.0.0.1', options.port ?? DEFAULT_EMULATOR_PORT);
  } catch (err) {
    db.close();
    throw err;
  }
  log(`tim-native emulator listening on ${emulator.address} (SDKAppID ${config.sdkAppId})`);
  if (config.secretKey === DEV_SECRET_KEY) log(`development secret key: ${DEV_SECRET_KEY}`);
  return emulator;
}

/** Registers custom fields; a malformed key or a list past its cap is a `TypeError`. */
function registerOrThrow(store: ProfileStore, groups: GroupStore, fields: CustomFieldsRegistration): RegisteredCustomFields {
  try {
    return registerCustomFields(store, groups, fields);
  } catch (e) {
    if (e instanceof CustomFieldError) throw new TypeError(`customFields.${e.kind}: ${e.message}`);
    throw e;
  }
}

function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  handler: RequestListener,
  report: ((entry: RequestLogEntry) => void) | undefined,
): void {
  if (report) logWhenFinished(req, res, report);
  try {
    handler(req, res);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = 500;
    res.setHeader('content-type', 'text/plain');
    res.end(`emulator error: ${(err as Error).message}\n`);
  }
}

function logWhenFinished(req: IncomingMessage, res: ServerResponse, report: (entry: RequestLogEntry) => void): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    report({
      transport: 'http',
      remote: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`,
      // The query string carries the admin UserSig: log the path only.
      op: `${req.method ?? '?'} ${(req.url ?? '').split('?')[0]}`,
      code: res.statusCode,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    });
  });
}
