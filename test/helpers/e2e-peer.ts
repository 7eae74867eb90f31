/**
 * A TIM user in its own Node process (test/fixtures/e2e-peer.js), for the multi-process
 * end-to-end tests: the test drives it with JSON lines (calls of TIMClient, raw JSON calls, login
 * status) and sees every event the child's TIMClient emitted, in order.
 *
 * The lines travel over a loopback TCP connection the child opens to this process (a token proves
 * it is the child we started), not over stdin/stdout: node.exe under Wine cannot use pipes at all,
 * and one channel for every runtime keeps the host and Wine runs the same. The child's stdout and
 * stderr (SDK logs, crashes) go to pipes, or to files on runtimes without pipes, for failure messages.
 *
 * ```ts
 * const alice = await Peer.spawn('alice', emu.address);
 * await alice.ok('login', 'alice', emu.genUserSig('alice'));
 * const since = bob.mark();
 * await alice.ok('setSelfStatus', 'busy');
 * await bob.waitEvent('userStatusChanged', (statuses) => ..., { since });
 * ```
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'fs';
import { createServer, type Server, type Socket } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { isToken, readLines } from '../../lib/demo/channel';
import { testRuntime } from './runtime';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'e2e-peer.js');
const DIST_ENTRY = path.join(__dirname, '..', '..', 'dist', 'index.js');
const PREFIX = 'E2E ';

/** What a failed call rejected with in the child. */
export interface PeerError {
  name?: string;
  code?: number;
  desc?: string;
  message?: string;
}

/** The child's answer to one command. */
export type PeerReply = { ok: true; value: unknown } | { ok: false; error: PeerError };

/** What a raw JSON call answered: the synchronous TIMResult and the callback's arguments. */
export interface RawAnswer {
  result: number;
  code: number | undefined;
  desc: string;
  json: string;
}

/** One event the child's TIMClient emitted. */
export interface PeerEvent {
  event: string;
  args: unknown[];
  /** Position in {@link Peer.events}. */
  index: number;
}

/** The promise methods of TIMClient the child runs. */
export type PeerMethod =
  | 'login'
  | 'logout'
  | 'getUserProfileList'
  | 'modifySelfUserProfile'
  | 'getUserStatus'
  | 'setSelfStatus'
  | 'subscribeUserStatus'
  | 'unsubscribeUserStatus'
  | 'subscribeUserInfo'
  | 'unsubscribeUserInfo';

/** The raw JSON functions the child can call with a verbatim string. */
export type RawFunction =
  | 'TIMProfileGetUserProfileList'
  | 'TIMProfileModifySelfUserProfile'
  | 'TIMGetUserStatus'
  | 'TIMSetSelfStatus'
  | 'TIMSubscribeUserStatus'
  | 'TIMUnsubscribeUserStatus';

/**
 * A predicate on an event's arguments. Typed loosely (`never[]`) so callers can annotate the
 * arguments they expect, e.g. `(e: NetworkStatusEvent) => e.status === 0`.
 */
export type EventMatcher = (...args: never[]) => boolean;

function matches(match: EventMatcher, args: unknown[]): boolean {
  return (match as (...a: unknown[]) => boolean)(...args);
}

interface Waiter {
  event: string;
  since: number;
  match: EventMatcher;
  resolve: (e: PeerEvent) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const live = new Set<Peer>();

/** Problem that keeps the e2e suites from running (no compiled package, a runtime that cannot run here), or undefined. */
export function e2ePrerequisiteProblem(): string | undefined {
  if (!existsSync(DIST_ENTRY)) return `${DIST_ENTRY} is missing: run \`npm run build\` first`;
  return testRuntime().problem();
}

/** Ends every peer still running (for afterAll / afterEach). */
export async function stopAllPeers(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}

/** One child process with one TIMClient. */
export class Peer {
  /** Every event received so far, in order. */
  readonly events: PeerEvent[] = [];
  /** Resolves when the child has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** stderr and stdout of the child, for failure messages (complete once it has exited). */
  output = '';

  private readonly pending = new Map<number, { resolve: (r: PeerReply) => void; reject: (e: Error) => void; what: string }>();
  private readonly waiters = new Set<Waiter>();
  private nextId = 1;
  private hasExited = false;
  private readyResolve: (() => void) | undefined;
  private readyReject: ((e: Error) => void) | undefined;
  private channel: Socket | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
    /** Where the child's stdout and stderr go when they are files (runtimes without pipes). */
    private readonly outputFiles: string[] | undefined,
  ) {
    live.add(this);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.hasExited = true;
        live.delete(this);
        this.output = this.outputTail(Infinity);
        this.channel?.destroy();
        const err = new Error(`peer ${name} exited (code ${code}, signal ${signal})\n${this.output.slice(-3000)}`);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        for (const w of this.waiters) {
          clearTimeout(w.timer);
          w.reject(err);
        }
        this.waiters.clear();
        this.readyReject?.(err);
        rmSync(this.dir, { recursive: true, force: true });
        resolve({ code, signal });
      });
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
  }

  /** Starts a child whose TIMClient is initialised against `address`; resolves once it is ready. */
  static async spawn(name: string, address: string, env: Record<string, string> = {}): Promise<Peer> {
    const dir = mkdtempSync(path.join(tmpdir(), `tim-e2e-${name}-`));
    const runtime = testRuntime();
    const token = randomBytes(16).toString('hex');
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const port = (server.address() as { port: number }).port;
    const run = runtime.nodeCommand([FIXTURE, address, dir], { isolate: false });
    const files = runtime.stdioPipes ? undefined : [path.join(dir, 'stdout.txt'), path.join(dir, 'stderr.txt')];
    const fds = files?.map((file) => openSync(file, 'w'));
    const child = spawn(run.command, run.args, {
      env: { ...process.env, ...run.env, ...env, E2E_CHANNEL: `127.0.0.1:${port}`, E2E_TOKEN: token },
      stdio: fds ? ['ignore', fds[0]!, fds[1]!] : ['ignore', 'pipe', 'pipe'],
    });
    for (const fd of fds ?? []) closeSync(fd);
    const peer = new Peer(name, child, dir, files);
    peer.acceptChannel(server, token);
    try {
      await new Promise<void>((resolve, reject) => {
        peer.readyResolve = resolve;
        peer.readyReject = reject;
      });
    } finally {
      server.close();
      peer.readyResolve = peer.readyReject = undefined;
    }
    return peer;
  }

  /** Takes the first connection that presents `token` as the command channel. */
  private acceptChannel(server: Server, token: string): void {
    server.on('connection', (socket) => {
      socket.on('error', () => undefined);
      if (this.channel || this.hasExited) {
        socket.destroy();
        return;
      }
      let proven = false;
      // The same line reader and token check as the demo's channel (lib/demo/channel.ts).
      readLines(socket, (line) => {
        if (!proven) {
          if (!isToken(line, token) || this.channel) {
            socket.destroy();
            return;
          }
          proven = true;
          this.channel = socket;
          socket.setNoDelay(true);
        } else if (line.startsWith(PREFIX)) {
          this.receive(JSON.parse(line.slice(PREFIX.length)) as Record<string, unknown>);
        }
      });
    });
  }

  /** The last `chars` characters of the child's output so far (files are read as they are now). */
  private outputTail(chars: number): string {
    if (!this.outputFiles) return this.output.slice(-chars);
    const text = this.outputFiles.map((file) => (existsSync(file) ? readFileSync(file, 'utf8') : '')).join('');
    return text.slice(-chars);
  }

  /** Whether the child is still running. */
  get running(): boolean {
    return !this.hasExited;
  }

  /** Runs a TIMClient method in the child; resolves with what it resolved or rejected with. */
  call(method: PeerMethod, ...args: unknown[]): Promise<PeerReply> {
    return this.command({ cmd: 'call', method, args }, method);
  }

  /** Runs a TIMClient method and returns its value; throws (with the child's error) if it failed. */
  async ok<T = unknown>(method: PeerMethod, ...args: unknown[]): Promise<T> {
    const r = await this.call(method, ...args);
    if (!r.ok) throw new Error(`${this.name}.${method} failed: ${JSON.stringify(r.error)}`);
    return r.value as T;
  }

  /** Runs a TIMClient method that must fail; returns its error (throws if it succeeded). */
  async fails(method: PeerMethod, ...args: unknown[]): Promise<PeerError> {
    const r = await this.call(method, ...args);
    if (r.ok) throw new Error(`${this.name}.${method} was expected to fail, it resolved with ${JSON.stringify(r.value)}`);
    return r.error;
  }

  /** Runs a TIMClient method that must fail; returns the TIM error code. */
  async code(method: PeerMethod, ...args: unknown[]): Promise<number | undefined> {
    return (await this.fails(method, ...args)).code;
  }

  /** Calls a raw JSON function of the same library with `json` verbatim. */
  async raw(fn: RawFunction, json: string): Promise<RawAnswer> {
    const r = await this.command({ cmd: 'raw', fn, json }, fn);
    if (!r.ok) throw new Error(`${this.name}.${fn} threw: ${JSON.stringify(r.error)}`);
    return r.value as RawAnswer;
  }

  /** `TIMGetLoginStatus` in the child. */
  async loginStatus(): Promise<number> {
    const r = await this.command({ cmd: 'loginStatus' }, 'loginStatus');
    if (!r.ok) throw new Error(`${this.name}.loginStatus threw: ${JSON.stringify(r.error)}`);
    return r.value as number;
  }

  /** Position to pass as `since` to only consider events received from now on. */
  mark(): number {
    return this.events.length;
  }

  /** Events named `event` received at or after `since`. */
  eventsOf(event: string, since = 0): PeerEvent[] {
    return this.events.slice(since).filter((e) => e.event === event);
  }

  /**
   * The first event named `event` at or after `since` (default 0) whose arguments satisfy `match`,
   * already received or arriving within `timeoutMs` (default 10 s).
   */
  waitEvent(
    event: string,
    match: EventMatcher = () => true,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<PeerEvent> {
    const since = options.since ?? 0;
    const found = this.events.slice(since).find((e) => e.event === event && matches(match, e.args));
    if (found) return Promise.resolve(found);
    if (this.hasExited) return Promise.reject(new Error(`peer ${this.name} has exited; no ${event} event`));
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        event,
        since,
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const seen = this.events.slice(since).map((e) => `${e.event} ${JSON.stringify(e.args)}`);
          reject(
            new Error(
              `peer ${this.name}: no matching ${event} event within ${timeoutMs} ms; events since ${since}:\n` +
                `${seen.join('\n').slice(-4000)}\noutput:\n${this.outputTail(2000)}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Kills the child (default SIGKILL: no logout, no uninit) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.hasExited) this.child.kill(signal);
    await this.exited;
  }

  /** Asks the child to uninit and exit; kills it if it has not exited within 5 s. */
  async stop(): Promise<void> {
    if (this.hasExited) return;
    this.channel?.write(`${JSON.stringify({ id: 0, cmd: 'exit' })}\n`);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  private command(msg: Record<string, unknown>, what: string, timeoutMs = 20_000): Promise<PeerReply> {
    if (this.hasExited) return Promise.reject(new Error(`peer ${this.name} has exited; cannot run ${what}`));
    const id = this.nextId++;
    return new Promise<PeerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`peer ${this.name}: ${what} did not answer within ${timeoutMs} ms\n${this.outputTail(2000)}`));
      }, timeoutMs);
      this.pending.set(id, {
        what,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.channel?.write(`${JSON.stringify({ ...msg, id })}\n`);
    });
  }

  private receive(msg: Record<string, unknown>): void {
    if (msg.type === 'ready') {
      this.readyResolve?.();
    } else if (msg.type === 'reply') {
      const p = this.pending.get(msg.id as number);
      if (!p) return;
      this.pending.delete(msg.id as number);
      p.resolve(msg.ok ? { ok: true, value: msg.value } : { ok: false, error: msg.error as PeerError });
    } else if (msg.type === 'event') {
      const e: PeerEvent = { event: msg.event as string, args: msg.args as unknown[], index: this.events.length };
      this.events.push(e);
      for (const w of this.waiters) {
        if (w.event !== e.event || e.index < w.since || !matches(w.match, e.args)) continue;
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(e);
      }
    }
  }
}

// ---- small helpers for the payloads ----

/** `{ id, type, custom }` of each `TIMUserStatus` in a `userStatusChanged` payload or answer. */
export function statuses(value: unknown): Array<{ id: string; type: number; custom: string }> {
  return (value as Array<Record<string, unknown>>).map((s) => ({
    id: s['user_status_identifier'] as string,
    type: s['user_status_status_type'] as number,
    custom: (s['user_status_custom_status'] as string | undefined) ?? '',
  }));
}

/** A matcher for `userStatusChanged`: the payload has an entry for `id` with these fields. */
export function statusOf(id: string, type?: number, custom?: string): (list: unknown) => boolean {
  return (list) =>
    statuses(list).some((s) => s.id === id && (type === undefined || s.type === type) && (custom === undefined || s.custom === custom));
}

/** Ids of the `userStatusChanged` entries among `events`. */
export function statusIds(events: PeerEvent[]): string[] {
  return events.flatMap((e) => statuses(e.args[0]).map((s) => s.id));
}
