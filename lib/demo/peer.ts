/**
 * {@link Peer}: the orchestrator's handle on one demo client process (`client.js`), with
 * request/reply over a loopback TCP channel (`channel.ts`) and a record of the status pushes the
 * process received.
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { createServer, type Server, type Socket } from 'net';
import * as path from 'path';
import type { UserStatus } from '../types';
import { CHANNEL_ENV, CHANNEL_HOST, isToken, readLines, TOKEN_ENV, writeMessage } from './channel';
import type { DemoCommand, DemoReply, DemoRequest } from './messages';

/** Rejects with `what` when `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** What a client process reports once its TIMClient is initialised. */
export interface PeerStarted {
  peer: Peer;
  pid: number;
  platform: string;
  sdkVersion: string;
}

/** How {@link Peer.start} starts a client process. */
export interface PeerOptions {
  userId: string;
  sdkAppId: number;
  dataDir: string;
  emulatorAddress: string;
  stepTimeoutMs: number;
  /** Called with each line the client narrates, in the order it said them. */
  say: (text: string) => void;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, CHANNEL_HOST, () => resolve((server.address() as { port: number }).port));
  });
}

/** One client process. Every wait is bounded by `stepTimeoutMs`. */
export class Peer {
  readonly userId: string;
  private readonly stepTimeoutMs: number;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly statuses: UserStatus[] = [];
  private readonly statusListeners = new Set<() => void>();
  private exitReason: string | undefined;
  private channel: Socket | undefined;
  private onReady: ((info: Omit<PeerStarted, 'peer'>) => void) | undefined;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: PeerOptions,
  ) {
    this.userId = options.userId;
    this.stepTimeoutMs = options.stepTimeoutMs;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      this.exitReason = `the ${this.userId} process exited (${signal ?? `code ${code}`})`;
      this.channel?.destroy();
      for (const p of this.pending.values()) p.reject(new Error(this.exitReason));
      this.pending.clear();
      for (const wake of this.statusListeners) wake();
    });
  }

  /**
   * Starts `client.js` for the user (with this process's `process.execPath`, which may be a
   * launcher for another platform's Node) and resolves once its TIMClient is initialised.
   */
  static async start(options: PeerOptions): Promise<PeerStarted> {
    const token = randomBytes(16).toString('hex');
    const server = createServer();
    try {
      const port = await listen(server);
      // stdout is unused (the client narrates over the channel); stderr shows a client's crash.
      const child = spawn(process.execPath, [path.join(__dirname, 'client.js'), options.userId, String(options.sdkAppId), options.dataDir], {
        env: {
          ...process.env,
          TIM_EMULATOR_HOST: options.emulatorAddress,
          [CHANNEL_ENV]: `${CHANNEL_HOST}:${port}`,
          [TOKEN_ENV]: token,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const peer = new Peer(child, options);
      const ready = new Promise<Omit<PeerStarted, 'peer'>>((resolve, reject) => {
        peer.onReady = resolve;
        child.once('exit', () => reject(new Error(peer.exitReason ?? `the ${options.userId} process exited`)));
        child.once('error', reject);
      });
      peer.accept(server, token);
      const info = await within(ready, options.stepTimeoutMs, `starting the ${options.userId} process`).catch((err: unknown) => {
        peer.kill();
        throw err;
      });
      return { peer, ...info };
    } finally {
      server.close();
    }
  }

  /** Takes the first connection that presents `token` as this client's channel. */
  private accept(server: Server, token: string): void {
    server.on('connection', (socket) => {
      socket.on('error', () => undefined);
      if (this.channel !== undefined || this.exitReason !== undefined) {
        socket.destroy();
        return;
      }
      let proven = false;
      readLines(socket, (line) => {
        if (proven) {
          let msg: DemoReply;
          try {
            msg = JSON.parse(line) as DemoReply;
          } catch {
            socket.destroy();
            return;
          }
          this.onReply(msg);
        } else if (isToken(line, token) && this.channel === undefined) {
          proven = true;
          this.channel = socket;
          socket.setNoDelay(true);
        } else {
          socket.destroy();
        }
      });
    });
  }

  /** Sends a command; resolves with the client's answer, rejects with its error. */
  ask(command: DemoCommand): Promise<unknown> {
    if (this.exitReason !== undefined) return Promise.reject(new Error(this.exitReason));
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (this.channel) writeMessage(this.channel, { ...command, id } satisfies DemoRequest);
    return within(answer, this.stepTimeoutMs, `${this.userId} ${command.op}`);
  }

  /** How many status pushes arrived so far: pass it to {@link waitForStatus}. */
  mark(): number {
    return this.statuses.length;
  }

  /** Resolves with the first push after `mark` that `match` accepts. */
  waitForStatus(mark: number, match: (s: UserStatus) => boolean, what: string): Promise<UserStatus> {
    const found = new Promise<UserStatus>((resolve, reject) => {
      const check = (): void => {
        const hit = this.statuses.slice(mark).find(match);
        if (hit !== undefined) {
          this.statusListeners.delete(check);
          resolve(hit);
        } else if (this.exitReason !== undefined) {
          this.statusListeners.delete(check);
          reject(new Error(this.exitReason));
        }
      };
      this.statusListeners.add(check);
      check();
    });
    return within(found, this.stepTimeoutMs, what);
  }

  /** Asks the process to uninit and exit; kills it if it has not exited in time. */
  async quit(): Promise<void> {
    if (this.exitReason === undefined) await this.ask({ op: 'quit' }).catch(() => undefined);
    await within(this.exited, this.stepTimeoutMs, `${this.userId} exit`).catch(() => this.kill());
  }

  /**
   * Kills the process at once (failure paths) and closes its channel: a client the kill cannot
   * reach (one behind a launcher) exits when its channel closes.
   */
  kill(): void {
    this.channel?.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private onReply(msg: DemoReply): void {
    switch (msg.kind) {
      case 'ready':
        this.onReady?.({ pid: msg.pid, platform: msg.platform, sdkVersion: msg.sdkVersion });
        return;
      case 'say':
        this.options.say(msg.text);
        return;
      case 'status':
        this.statuses.push(...msg.statuses);
        for (const wake of [...this.statusListeners]) wake();
        return;
    }
    const p = this.pending.get(msg.id);
    if (p === undefined) return;
    this.pending.delete(msg.id);
    if (msg.kind === 'done') p.resolve(msg.value);
    else p.reject(new Error(msg.message));
  }
}
