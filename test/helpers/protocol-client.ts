/**
 * A TypeScript client of the emulator wire protocol (docs/emulator-protocol.md), for tests and
 * benchmarks: it speaks to the real server over real TCP, with the codec the server uses.
 */
import { connect as netConnect, type Socket } from 'net';
import {
  encodeFrame,
  FrameDecoder,
  FrameType,
  Op,
  PREFACE,
  PROTOCOL_VERSION,
  PushEvent,
  type Frame,
  type WelcomeFrame,
} from '../../lib/emulator/protocol';

/** What a RESPONSE carries: exactly what the C callback would receive. */
export interface ProtocolResponse {
  code: number;
  desc: string;
  json: string;
}

/** One PUSH received. */
export interface ReceivedPush {
  event: PushEvent;
  json: string;
}

/** Options of {@link ProtocolClient.connect}. */
export interface ProtocolClientOptions {
  /** SDKAppID sent in HELLO (default 1400000000). */
  sdkAppId?: number | bigint;
  /** Protocol version sent in HELLO (default: the server's, 2). */
  version?: number;
  /** Client name sent in HELLO. */
  client?: string;
  /** Device identity sent in HELLO (default `""`: the connection is a device of its own). */
  device?: string;
  /** Platform sent in HELLO (default `Linux`). */
  platform?: string;
}

/** The server answered HELLO with REFUSED. */
export class HandshakeRefusedError extends Error {
  constructor(
    readonly code: number,
    readonly desc: string,
  ) {
    super(`handshake refused: ${code} ${desc}`);
  }
}

interface PushWaiter {
  match: (p: ReceivedPush) => boolean;
  resolve: (p: ReceivedPush) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Parses `host:port` or `[v6]:port`. */
export function parseAddress(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!m) throw new TypeError(`bad address "${address}"`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** One protocol connection. Pushes are queued until taken with {@link nextPush}. */
export class ProtocolClient {
  /** Pushes received and not yet taken. */
  readonly pushes: ReceivedPush[] = [];
  /** The server's WELCOME (after {@link connect}). */
  welcome: WelcomeFrame | undefined;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;

  private readonly decoder = new FrameDecoder();
  private readonly pending = new Map<number, { resolve: (r: ProtocolResponse) => void; reject: (e: Error) => void }>();
  private readonly waiters = new Set<PushWaiter>();
  private handshakeWaiter: ((f: Frame | Error) => void) | undefined;
  private nextId = 1;
  private isClosed = false;

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClose());
  }

  /** Opens a TCP connection and sends nothing. */
  static open(address: string): Promise<ProtocolClient> {
    const { host, port } = parseAddress(address);
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port }, () => {
        socket.removeListener('error', reject);
        socket.setNoDelay(true);
        resolve(new ProtocolClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Connects, sends the preface and HELLO, and waits for WELCOME (throws {@link HandshakeRefusedError}). */
  static async connect(address: string, options: ProtocolClientOptions = {}): Promise<ProtocolClient> {
    const client = await ProtocolClient.open(address);
    try {
      await client.handshake(options);
    } catch (err) {
      client.destroy();
      throw err;
    }
    return client;
  }

  /** Sends the preface and HELLO; resolves with WELCOME. */
  handshake(options: ProtocolClientOptions = {}): Promise<WelcomeFrame> {
    const answer = new Promise<Frame | Error>((resolve) => (this.handshakeWaiter = resolve));
    this.writeRaw(
      Buffer.concat([
        PREFACE,
        encodeFrame({
          type: FrameType.Hello,
          version: options.version ?? PROTOCOL_VERSION,
          sdkAppId: BigInt(options.sdkAppId ?? 1400000000),
          client: options.client ?? 'tim-native-test-client/1',
          device: options.device ?? '',
          platform: options.platform ?? 'Linux',
        }),
      ]),
    );
    return answer.then((f) => {
      if (f instanceof Error) throw f;
      if (f.type === FrameType.Refused) throw new HandshakeRefusedError(f.code, f.desc);
      if (f.type !== FrameType.Welcome) throw new Error(`unexpected frame ${f.type} in handshake`);
      this.welcome = f;
      return f;
    });
  }

  /** Sends one REQUEST and resolves with its RESPONSE; rejects if the connection closes first. */
  request(op: number, a = '', b = ''): Promise<ProtocolResponse> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.isClosed) {
        reject(new Error('connection closed'));
        return;
      }
      this.pending.set(id, { resolve, reject });
      this.writeRaw(encodeFrame({ type: FrameType.Request, id, op, a, b }));
    });
  }

  login(userId: string, userSig: string): Promise<ProtocolResponse> {
    return this.request(Op.Login, userId, userSig);
  }
  logout(): Promise<ProtocolResponse> {
    return this.request(Op.Logout);
  }
  /** GET_PROFILES for `ids`, or with a raw JSON string. */
  getProfiles(ids: string[] | string): Promise<ProtocolResponse> {
    const json = typeof ids === 'string' ? ids : JSON.stringify({ friendship_getprofilelist_param_identifier_array: ids });
    return this.request(Op.GetProfiles, json);
  }
  /** MODIFY_PROFILE with an object of `user_profile_item_*` keys, or a raw JSON string. */
  modifyProfile(items: Record<string, unknown> | string): Promise<ProtocolResponse> {
    return this.request(Op.ModifyProfile, typeof items === 'string' ? items : JSON.stringify(items));
  }
  getStatus(ids: string[] | string): Promise<ProtocolResponse> {
    return this.request(Op.GetStatus, typeof ids === 'string' ? ids : JSON.stringify(ids));
  }
  setStatus(custom: string): Promise<ProtocolResponse> {
    return this.request(Op.SetStatus, JSON.stringify({ user_status_custom_status: custom }));
  }
  subscribe(ids: string[] | string): Promise<ProtocolResponse> {
    return this.request(Op.Subscribe, typeof ids === 'string' ? ids : JSON.stringify(ids));
  }
  /** UNSUBSCRIBE `ids`; omitted means `""` (everyone). */
  unsubscribe(ids?: string[] | string): Promise<ProtocolResponse> {
    return this.request(Op.Unsubscribe, ids === undefined ? '' : typeof ids === 'string' ? ids : JSON.stringify(ids));
  }
  subscribeUserInfo(ids: string[] | string): Promise<ProtocolResponse> {
    return this.request(Op.SubscribeUserInfo, typeof ids === 'string' ? ids : JSON.stringify(ids));
  }
  /** UNSUBSCRIBE_USER_INFO `ids`; omitted means `""` (everyone). */
  unsubscribeUserInfo(ids?: string[] | string): Promise<ProtocolResponse> {
    return this.request(Op.UnsubscribeUserInfo, ids === undefined ? '' : typeof ids === 'string' ? ids : JSON.stringify(ids));
  }
  ping(): Promise<ProtocolResponse> {
    return this.request(Op.Ping);
  }

  /**
   * Takes the first queued push matching `event` (any when omitted) and `match`, or waits for one
   * up to `timeoutMs` (a safety net that turns "never" into a clear failure, not a speed claim).
   */
  nextPush(event?: PushEvent, match: (p: ReceivedPush) => boolean = () => true, timeoutMs = 10_000): Promise<ReceivedPush> {
    const matches = (p: ReceivedPush): boolean => (event === undefined || p.event === event) && match(p);
    const i = this.pushes.findIndex(matches);
    if (i >= 0) return Promise.resolve(this.pushes.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter: PushWaiter = {
        match: matches,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`no push${event !== undefined ? ` of event ${event}` : ''} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Takes every queued push. */
  takePushes(): ReceivedPush[] {
    return this.pushes.splice(0, this.pushes.length);
  }

  /** Writes bytes as they are. */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Closes the connection (FIN) and waits until it is closed. */
  async close(): Promise<void> {
    this.socket.end();
    await this.closed;
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch {
      this.socket.destroy();
      return;
    }
    for (const frame of frames) this.handle(frame);
  }

  private handle(frame: Frame): void {
    if (frame.type === FrameType.Response) {
      const p = this.pending.get(frame.id);
      this.pending.delete(frame.id);
      p?.resolve({ code: frame.code, desc: frame.desc, json: frame.json });
    } else if (frame.type === FrameType.Push) {
      const push: ReceivedPush = { event: frame.event, json: frame.json };
      for (const w of this.waiters) {
        if (!w.match(push)) continue;
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(push);
        return;
      }
      this.pushes.push(push);
    } else if (this.handshakeWaiter) {
      const w = this.handshakeWaiter;
      this.handshakeWaiter = undefined;
      w(frame);
    }
  }

  private onClose(): void {
    this.isClosed = true;
    const err = new Error('connection closed');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.handshakeWaiter?.(err);
    this.handshakeWaiter = undefined;
  }
}
