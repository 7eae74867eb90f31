/**
 * One native-client connection: handshake, requests, responses and pushes
 * (docs/emulator-protocol.md).
 * @packageDocumentation
 */
import type { Socket } from 'net';
import { UserSigError, verifyUserSig } from '../usersig';
import { Code, RequestError } from './codes';
import type { EmulatorConfig, ProfileStore } from './context';
import type { EmulatorLimits } from './limits';
import type { ClientIdentity, PresenceClient, PresenceHub } from './presence';
import { pushFrame } from './presence';
import {
  encodeFrame,
  FrameDecoder,
  FrameTooLargeError,
  FrameType,
  Op,
  OP_NAMES,
  PLATFORMS,
  PROTOCOL_VERSION,
  PushEvent,
  type Frame,
  type HelloFrame,
  type RequestFrame,
} from './protocol';
import {
  isValidUserId,
  MAX_STATUS_IDS,
  MAX_SUBSCRIBE_IDS,
  parseGetProfiles,
  parseIdList,
  parseModifyProfile,
  parseSetStatus,
  parseUnsubscribe,
} from './requests';
import { MAX_SUBSCRIPTIONS } from './subscriptions';
import { profileJson, statusJson } from './tim-json';

/** One line of the emulator's request log. UserSigs and payloads are never included. */
export interface RequestLogEntry {
  /** `protocol` for native clients, `http` for the REST API. */
  transport: 'protocol' | 'http';
  /** The peer's address (`ip:port`). */
  remote: string;
  /** The operation: a protocol op name (`LOGIN`, `GET_STATUS`...) or `METHOD /path` for HTTP. */
  op: string;
  /** The connection's user (protocol): logged in after the request, or before it (LOGOUT). */
  userId?: string;
  /** The TIM result code (protocol) or the HTTP status (http). */
  code: number;
  /** Time spent handling the request, in milliseconds. */
  durationMs: number;
}

/** What a session needs from its emulator. */
export interface SessionDeps {
  config: EmulatorConfig;
  limits: EmulatorLimits;
  store: ProfileStore;
  presence: PresenceHub;
  /** Where to report each handled request, or undefined while nobody listens (nothing is built). */
  requestLog(): ((entry: RequestLogEntry) => void) | undefined;
}

interface Result {
  code: number;
  desc: string;
  json: string;
  /** Runs after the RESPONSE was written (pushes that follow the change). */
  after?: () => void;
}

const ok = (json = '', after?: () => void): Result => ({ code: Code.OK, desc: '', json, ...(after ? { after } : {}) });

/** Longest single timer delay Node accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Frames one connection may have handled before the others get a turn. */
const FRAMES_PER_TURN = 16;

/** A HELLO device identity: at most 64 printable ASCII characters without spaces, or `""`. */
const DEVICE_PATTERN = /^[\x21-\x7e]{0,64}$/;

/** Numbers the identities of connections that name no device (each is a device of its own). */
let anonymousDevices = 0;

/**
 * A native client's connection, from the bytes after the preface until it closes.
 *
 * Limits (docs/limits.md): HELLO within `helloTimeoutMs` of the preface; LOGIN within
 * `loginTimeoutMs` whenever the connection is not logged in; a started frame completes within
 * `frameTimeoutMs`; a logged-in connection sends something at least every `idleTimeoutMs`. A peer
 * that does not read its answers stops being read (frames wait in the decoder, TCP pushes back);
 * one whose queue would pass `maxQueuedBytes` is closed. Every limit closes the connection.
 */
export class Session implements PresenceClient {
  private readonly decoder = new FrameDecoder();
  private readonly remote: string;
  private readonly limits: EmulatorLimits;
  private helloAppId: bigint | undefined;
  /** From HELLO: who this connection is. */
  private identity: ClientIdentity = { device: '', platform: '' };
  private sigTimer: NodeJS.Timeout | undefined;
  /** HELLO, then LOGIN deadline; idle deadline while logged in. */
  private stateTimer: NodeJS.Timeout | undefined;
  /** Deadline of the frame whose first bytes are buffered. */
  private frameTimer: NodeJS.Timeout | undefined;
  /** Requests are not handled (nor read) until the socket drains. */
  private throttled = false;
  /** Requests wait for the next turn of the event loop: other connections go first. */
  private yielding = false;
  private readonly resume = (): void => {
    this.throttled = false;
    this.continueReading();
  };
  private readonly nextTurn = (): void => {
    this.yielding = false;
    this.continueReading();
  };

  constructor(
    private readonly socket: Socket,
    private readonly deps: SessionDeps,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.limits = deps.limits;
    // A response and the pushes after it are separate writes: never hold one back for an ACK.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.closed());
    socket.on('error', () => undefined);
    this.armStateTimer(this.limits.helloTimeoutMs);
  }

  /** Handles bytes from the peer (also those that arrived with the preface). */
  receive(chunk: Buffer): void {
    if (this.socket.destroyed) return;
    if (chunk.length > 0 && this.userId !== undefined) this.stateTimer?.refresh();
    this.decoder.append(chunk);
    this.handleBuffered();
  }

  send(frame: Buffer): void {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    if (socket.writableLength + frame.length > this.limits.maxQueuedBytes) {
      // The peer reads nothing while answers or pushes keep coming: memory, not waiting, ends it.
      socket.destroy();
      return;
    }
    if (!socket.write(frame) && !this.throttled) {
      this.throttled = true;
      socket.pause();
      socket.once('drain', this.resume);
    }
  }

  loginEnded(): void {
    this.clearSigTimer();
    this.armStateTimer(this.limits.loginTimeoutMs);
  }

  private continueReading(): void {
    if (this.throttled || this.yielding || this.socket.destroyed) return;
    this.socket.resume();
    this.handleBuffered();
  }

  /**
   * Handles the buffered complete frames until the socket's write buffer is full, or for at most
   * {@link FRAMES_PER_TURN} frames, after which the rest wait for the next turn of the event loop
   * (a client pipelining many requests does not hold up the others).
   */
  private handleBuffered(): void {
    let completed = false;
    let handled = 0;
    while (!this.throttled && !this.yielding && !this.socket.destroyed) {
      if (handled === FRAMES_PER_TURN) {
        this.yielding = true;
        this.socket.pause();
        setImmediate(this.nextTurn);
        break;
      }
      let frame: Frame | undefined;
      try {
        frame = this.decoder.next();
      } catch {
        this.socket.destroy();
        return;
      }
      if (frame === undefined) break;
      completed = true;
      handled++;
      this.handleFrame(frame);
    }
    this.watchPartialFrame(completed);
  }

  /**
   * Arms the frame deadline when bytes of an unfinished frame are buffered (restarting it when a
   * frame completed since: the buffered bytes begin a new one); clears it otherwise. A throttled
   * session is not waiting for its peer, so no deadline runs then.
   */
  private watchPartialFrame(completed: boolean): void {
    const waiting = !this.throttled && !this.yielding && !this.socket.destroyed && this.decoder.pending > 0;
    if (!waiting) {
      if (this.frameTimer) clearTimeout(this.frameTimer);
      this.frameTimer = undefined;
    } else if (!this.frameTimer) {
      this.frameTimer = setTimeout(() => this.socket.destroy(), this.limits.frameTimeoutMs).unref();
    } else if (completed) {
      this.frameTimer.refresh();
    }
  }

  /** Closes the connection after `ms` unless re-armed or cleared first. */
  private armStateTimer(ms: number): void {
    if (this.stateTimer) clearTimeout(this.stateTimer);
    this.stateTimer = setTimeout(() => this.socket.destroy(), ms).unref();
  }

  private get userId(): string | undefined {
    return this.deps.presence.userOf(this);
  }

  private handleFrame(frame: Frame): void {
    if (frame.type === FrameType.Hello && this.helloAppId === undefined) {
      this.hello(frame);
    } else if (frame.type === FrameType.Request && this.helloAppId !== undefined) {
      this.request(frame);
    } else {
      this.socket.destroy();
    }
  }

  private hello(frame: HelloFrame): void {
    const platform = frame.platform ?? '';
    const device = frame.device ?? '';
    if (frame.version !== PROTOCOL_VERSION) {
      this.refuse('unsupported protocol version');
      return;
    }
    if (!(PLATFORMS as readonly string[]).includes(platform)) {
      this.refuse(`unknown platform "${platform.slice(0, 32)}" (expected one of ${PLATFORMS.join(', ')})`);
      return;
    }
    if (!DEVICE_PATTERN.test(device)) {
      this.refuse('the device identity must be at most 64 printable ASCII characters without spaces');
      return;
    }
    this.identity = { device: device !== '' ? device : `connection-${++anonymousDevices}`, platform };
    this.helloAppId = frame.sdkAppId;
    this.armStateTimer(this.limits.loginTimeoutMs);
    this.send(encodeFrame({ type: FrameType.Welcome, version: PROTOCOL_VERSION, serverTimeMs: BigInt(Date.now()) }));
  }

  private refuse(desc: string): void {
    this.send(encodeFrame({ type: FrameType.Refused, code: Code.INVALID_PARAMS, desc }));
    this.socket.end();
  }

  private request(req: RequestFrame): void {
    const log = this.deps.requestLog();
    const started = log ? process.hrtime.bigint() : 0n;
    const userBefore = this.userId;
    let result: Result;
    try {
      result = this.dispatch(req);
    } catch (err) {
      result =
        err instanceof RequestError
          ? { code: err.code, desc: err.message, json: '' }
          : { code: Code.DATABASE_ERROR, desc: `emulator error: ${(err as Error).message}`, json: '' };
    }
    this.respond(req.id, result);
    if (log) this.report(log, req, result, userBefore, started);
    result.after?.();
  }

  private report(log: (entry: RequestLogEntry) => void, req: RequestFrame, result: Result, userBefore: string | undefined, started: bigint): void {
    const userId = this.userId ?? userBefore;
    log({
      transport: 'protocol',
      remote: this.remote,
      op: OP_NAMES[req.op] ?? `OP_${req.op}`,
      ...(userId !== undefined ? { userId } : {}),
      code: result.code,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    });
  }

  private respond(id: number, result: Result): void {
    let frame: Buffer;
    try {
      frame = encodeFrame({ type: FrameType.Response, id, code: result.code, desc: result.desc, json: result.json });
    } catch (err) {
      if (!(err instanceof FrameTooLargeError)) throw err;
      result.code = Code.PACKET_TOO_LARGE;
      frame = encodeFrame({
        type: FrameType.Response,
        id,
        code: Code.PACKET_TOO_LARGE,
        desc: 'the answer would exceed the 1 MB frame limit',
        json: '',
      });
    }
    this.send(frame);
  }

  private dispatch(req: RequestFrame): Result {
    switch (req.op) {
      case Op.Login:
        return this.login(req.a, req.b);
      case Op.Logout:
        return this.logout();
      case Op.Ping:
        return ok();
      default:
        break;
    }
    if (!OP_NAMES[req.op]) throw new RequestError(Code.INVALID_PARAMS, `unknown op ${req.op}`);
    const userId = this.userId;
    if (userId === undefined) throw new RequestError(Code.NOT_LOGGED_IN, 'not logged in');
    return this.loggedInOp(req.op, req.a, userId);
  }

  private loggedInOp(op: number, a: string, userId: string): Result {
    const { store, presence } = this.deps;
    switch (op) {
      case Op.GetProfiles:
        return ok(JSON.stringify(store.getProfiles(parseGetProfiles(a)).map(profileJson)));
      case Op.ModifyProfile: {
        store.updateProfile(userId, parseModifyProfile(a));
        return ok('', () => presence.profileChanged(userId));
      }
      case Op.GetStatus: {
        const ids = parseIdList(a, MAX_STATUS_IDS);
        return ok(JSON.stringify(ids.map((id) => statusJson(id, presence.status(id)))));
      }
      case Op.SetStatus: {
        const custom = parseSetStatus(a);
        return ok('', () => presence.setCustomStatus(this, custom));
      }
      case Op.Subscribe: {
        const ids = parseIdList(a, MAX_SUBSCRIBE_IDS);
        if (ids.includes(userId)) throw new RequestError(Code.INVALID_PARAMS, 'cannot subscribe to yourself');
        presence.subscribe(this, ids);
        return ok();
      }
      case Op.Unsubscribe:
        presence.unsubscribe(this, parseUnsubscribe(a));
        return ok();
      case Op.SubscribeUserInfo:
        // TIMManager.h 6.3: the list holds 200, the earliest evicted; so does one call.
        presence.subscribeInfo(this, parseIdList(a, MAX_SUBSCRIPTIONS));
        return ok();
      default:
        // TIMManager.h 6.4: an empty or NULL list unsubscribes everyone.
        presence.unsubscribeInfo(this, parseUnsubscribe(a));
        return ok();
    }
  }

  private login(userId: string, userSig: string): Result {
    const { config, store, presence } = this.deps;
    if (!isValidUserId(userId)) {
      throw new RequestError(Code.INVALID_IDENTIFIER, 'user id must be printable ASCII of 1 to 32 bytes');
    }
    if (this.helloAppId !== BigInt(config.sdkAppId)) {
      throw new RequestError(Code.SDKAPPID_MISMATCH, `this emulator serves SDKAppID ${config.sdkAppId}`);
    }
    let expiresAtMs: number;
    try {
      const sig = verifyUserSig(userSig, { sdkAppId: config.sdkAppId, secretKey: config.secretKey, userId });
      expiresAtMs = (sig.time + sig.expire + 1) * 1000;
    } catch (err) {
      if (!(err instanceof UserSigError)) throw err;
      throw new RequestError(err.code, err.message);
    }
    const current = this.userId;
    if (current !== userId) presence.admit(userId, this.identity.device);
    if (current !== undefined) {
      this.clearSigTimer();
      if (current !== userId) presence.endLogin(this, 3);
    }
    if (current !== userId) {
      store.ensureAccount(userId);
      presence.login(this, userId, this.identity);
    }
    this.armSigTimer(expiresAtMs);
    this.armStateTimer(this.limits.idleTimeoutMs);
    return ok();
  }

  private logout(): Result {
    this.clearSigTimer();
    if (this.userId !== undefined) this.armStateTimer(this.limits.loginTimeoutMs);
    this.deps.presence.endLogin(this, 3);
    return ok();
  }

  /** Ends the login with USER_SIG_EXPIRED once the sig has expired (`now > time + expire`). */
  private armSigTimer(expiresAtMs: number): void {
    const delay = expiresAtMs - Date.now();
    this.sigTimer = setTimeout(
      () => {
        this.sigTimer = undefined;
        if (Date.now() < expiresAtMs) {
          this.armSigTimer(expiresAtMs);
          return;
        }
        this.send(pushFrame(PushEvent.UserSigExpired, ''));
        this.deps.presence.endLogin(this, 3);
        this.armStateTimer(this.limits.loginTimeoutMs);
      },
      Math.min(Math.max(delay, 0), MAX_TIMER_MS),
    );
    this.sigTimer.unref();
  }

  private clearSigTimer(): void {
    if (this.sigTimer) clearTimeout(this.sigTimer);
    this.sigTimer = undefined;
  }

  private closed(): void {
    this.clearSigTimer();
    if (this.stateTimer) clearTimeout(this.stateTimer);
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.socket.removeListener('drain', this.resume);
    this.deps.presence.endLogin(this, 2);
  }
}
