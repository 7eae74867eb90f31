/**
 * {@link Peer}: the orchestrator's handle on one demo client process (`client.js`), with
 * request/reply over IPC and a record of the status pushes the process received.
 * @packageDocumentation
 */
import { fork, type ChildProcess } from 'child_process';
import * as path from 'path';
import type { UserStatus } from '../types';
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

/** One client process. Every wait is bounded by `stepTimeoutMs`. */
export class Peer {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly statuses: UserStatus[] = [];
  private readonly statusListeners = new Set<() => void>();
  private exitReason: string | undefined;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;

  private constructor(
    readonly userId: string,
    private readonly child: ChildProcess,
    private readonly stepTimeoutMs: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (msg: DemoReply) => this.onReply(msg));
    child.once('exit', (code, signal) => {
      this.exitReason = `the ${userId} process exited (${signal ?? `code ${code}`})`;
      for (const p of this.pending.values()) p.reject(new Error(this.exitReason));
      this.pending.clear();
      for (const wake of this.statusListeners) wake();
    });
  }

  /** Starts `client.js` for `userId` and resolves once its TIMClient is initialised. */
  static async start(userId: string, sdkAppId: number, dataDir: string, emulatorAddress: string, stepTimeoutMs: number) {
    const child = fork(path.join(__dirname, 'client.js'), [userId, String(sdkAppId), dataDir], {
      env: { ...process.env, TIM_EMULATOR_HOST: emulatorAddress },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const peer = new Peer(userId, child, stepTimeoutMs);
    const ready = new Promise<{ pid: number; platform: string; sdkVersion: string }>((resolve, reject) => {
      child.on('message', (msg: DemoReply) => {
        if (msg.kind === 'ready') resolve(msg);
      });
      child.once('exit', () => reject(new Error(peer.exitReason ?? `the ${userId} process exited`)));
      child.once('error', reject);
    });
    const info = await within(ready, stepTimeoutMs, `starting the ${userId} process`);
    return { peer, ...info };
  }

  /** Sends a command; resolves with the client's answer, rejects with its error. */
  ask(command: DemoCommand): Promise<unknown> {
    if (this.exitReason !== undefined) return Promise.reject(new Error(this.exitReason));
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.child.send({ ...command, id } satisfies DemoRequest);
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

  /** Kills the process at once (failure paths). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private onReply(msg: DemoReply): void {
    if (msg.kind === 'status') {
      this.statuses.push(...msg.statuses);
      for (const wake of [...this.statusListeners]) wake();
      return;
    }
    if (msg.kind === 'ready') return;
    const p = this.pending.get(msg.id);
    if (p === undefined) return;
    this.pending.delete(msg.id);
    if (msg.kind === 'done') p.resolve(msg.value);
    else p.reject(new Error(msg.message));
  }
}
