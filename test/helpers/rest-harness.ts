/**
 * The REST suites' server: the real REST handler over a real context (SQLite profile store,
 * presence hub), on a real HTTP server on 127.0.0.1, with the database in reach so a test can
 * check that a refused call changed nothing, and raw HTTP helpers for what the client refuses to
 * send.
 */
import { createServer, request as httpRequest, type RequestListener, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { EmulatorContext } from '../../lib/emulator/context';
import type { CustomFieldsRegistration } from '../../lib/emulator/custom-fields';
import { openDatabase } from '../../lib/emulator/db';
import { GroupStore } from '../../lib/emulator/group-store';
import { PresenceHub } from '../../lib/emulator/presence';
import { createRestHandler } from '../../lib/emulator/rest-server';
import { registerCustomFields } from '../../lib/emulator/rest-server/emulator-only';
import { SqliteProfileStore } from '../../lib/emulator/store';
import { RestClient, type RestClientOptions } from '../../lib/rest';
import { genUserSig } from '../../lib/usersig';

/** SDKAppID and key of the harness app. */
export const APP = { sdkAppId: 1400012345, secretKey: 'rest-suite-secret-key' };

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  restRateLimit?: number | false;
  admins?: string[];
  /** Wraps the REST handler (e.g. to count requests or repair a fault mid-test). */
  wrap?: (handler: RequestListener) => RequestListener;
  /** Custom fields registered as in the console (the suite registers what it uses). */
  customFields?: CustomFieldsRegistration;
  /** Register custom keys on first use (not what the service does). */
  lenientCustomFields?: boolean;
}

/** A raw answer: the HTTP status and the parsed body. */
export interface RawAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A running harness. */
export interface Harness {
  readonly ctx: EmulatorContext;
  readonly baseUrl: string;
  /** A client of this harness (caller closes it, or {@link close} does). */
  client(options?: Partial<RestClientOptions>): RestClient;
  /** A UserSig of this app. */
  sig(userId: string, expireSeconds?: number, time?: number): string;
  /** The standard query of an admin call (override or drop fields with `query`). */
  query(overrides?: Record<string, string | undefined>): string;
  /** POSTs `body` (string or bytes, sent as is) to `/v4/<path>?<query>`. */
  raw(path: string, body: string | Buffer, query?: string, method?: string): Promise<RawAnswer>;
  /** Every row of every table, as one string: equal snapshots mean nothing stored changed. */
  snapshot(): string;
  close(): Promise<void>;
}

/** Starts a harness on a free port. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const db = openDatabase(':memory:');
  const lenientCustomFields = options.lenientCustomFields ?? false;
  const store = new SqliteProfileStore(db, { lenientCustomFields });
  const groups = new GroupStore(db);
  if (options.customFields) registerCustomFields(store, groups, options.customFields);
  const ctx: EmulatorContext = {
    config: {
      ...APP,
      admins: options.admins ?? ['administrator'],
      restRateLimit: options.restRateLimit ?? false,
      lenientCustomFields,
    },
    db,
    store,
    presence: new PresenceHub(store),
  };
  const handler = createRestHandler(ctx, groups);
  const server: Server = createServer(options.wrap ? options.wrap(handler) : handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const clients: RestClient[] = [];
  const sig = (userId: string, expireSeconds?: number, time?: number): string =>
    genUserSig({ ...APP, userId, ...(expireSeconds !== undefined ? { expireSeconds } : {}), ...(time !== undefined ? { time } : {}) });
  const harness: Harness = {
    ctx,
    baseUrl,
    client(o = {}) {
      const c = new RestClient({ ...APP, baseUrl, ...o });
      clients.push(c);
      return c;
    },
    sig,
    query(overrides = {}) {
      const q: Record<string, string | undefined> = {
        sdkappid: String(APP.sdkAppId),
        identifier: 'administrator',
        usersig: sig('administrator'),
        random: '99999999',
        contenttype: 'json',
        ...overrides,
      };
      const defined = Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined);
      return new URLSearchParams(defined).toString();
    },
    raw(path, body, query, method = 'POST') {
      return rawRequest(port, `/v4/${path}?${query ?? harness.query()}`, body, method);
    },
    snapshot() {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
      return JSON.stringify(
        tables.map(({ name }) => [name, (db.prepare(`SELECT * FROM "${name}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort()]),
      );
    },
    async close() {
      for (const c of clients) c.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
  return harness;
}

/** One HTTP request without keep-alive; resolves with the status and parsed JSON body. */
export function rawRequest(port: number, path: string, body: string | Buffer, method = 'POST'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, agent: false, headers: { 'content-type': 'application/json' } });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        } catch (e) {
          reject(e);
        }
      });
    });
    req.end(body);
  });
}

/** Expects a FAIL answer with `code`. */
export function expectFail(answer: RawAnswer, code: number): void {
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
  expect(typeof answer.body.ErrorInfo).toBe('string');
}
