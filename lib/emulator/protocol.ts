/**
 * The emulator wire protocol (docs/emulator-protocol.md): constants, frame types and the framing
 * codec. Shared by the server (`session.ts`) and every TypeScript client of the protocol (tests,
 * benchmarks).
 * @packageDocumentation
 */

/** The 8 bytes a native client sends first. */
export const PREFACE = Buffer.from('TIMEMU01', 'ascii');

/**
 * The protocol version this module speaks. 2: HELLO carries the client's device identity and
 * platform (docs/emulator-protocol.md, "Handshake"), and ops 10/11 (user-info subscriptions).
 */
export const PROTOCOL_VERSION = 2;

/**
 * Platforms a client may report in HELLO: the names of the service's multi-device login policy
 * (Chat console, Login Settings: https://www.tencentcloud.com/document/product/1047/34419).
 */
export const PLATFORMS = ['Android', 'iPhone', 'iPad', 'Windows', 'Mac', 'Linux', 'Web'] as const;

/** One of {@link PLATFORMS}. */
export type Platform = (typeof PLATFORMS)[number];

/** The largest frame length (the bytes after the length field) either side may send. */
export const MAX_FRAME_LENGTH = 1024 * 1024;

/** Frame types (the first byte after the length). */
export enum FrameType {
  Hello = 0x01,
  Welcome = 0x02,
  Refused = 0x03,
  Request = 0x10,
  Response = 0x11,
  Push = 0x20,
}

/** Request operations. */
export enum Op {
  Login = 1,
  Logout = 2,
  GetProfiles = 3,
  ModifyProfile = 4,
  GetStatus = 5,
  SetStatus = 6,
  Subscribe = 7,
  Unsubscribe = 8,
  Ping = 9,
  /** `TIMSubscribeUserInfo` (version 2). */
  SubscribeUserInfo = 10,
  /** `TIMUnsubscribeUserInfo` (version 2). */
  UnsubscribeUserInfo = 11,
}

/** Names of the operations, for logs. */
export const OP_NAMES: Readonly<Record<number, string>> = {
  1: 'LOGIN',
  2: 'LOGOUT',
  3: 'GET_PROFILES',
  4: 'MODIFY_PROFILE',
  5: 'GET_STATUS',
  6: 'SET_STATUS',
  7: 'SUBSCRIBE',
  8: 'UNSUBSCRIBE',
  9: 'PING',
  10: 'SUBSCRIBE_USER_INFO',
  11: 'UNSUBSCRIBE_USER_INFO',
};

/** Push events. */
export enum PushEvent {
  UserStatusChanged = 1,
  SelfInfoUpdated = 2,
  UserInfoChanged = 3,
  KickedOffline = 4,
  UserSigExpired = 5,
}

/** c->s: the client's first frame. */
export interface HelloFrame {
  type: FrameType.Hello;
  version: number;
  sdkAppId: bigint;
  client: string;
  /**
   * Version 2: the device identity (the emulator client library derives it from the SDK data
   * folder); `""` makes the connection a device of its own. Absent in version 1.
   */
  device?: string;
  /** Version 2: the platform, one of {@link PLATFORMS}. Absent in version 1. */
  platform?: string;
}
/** s->c: the handshake succeeded. */
export interface WelcomeFrame {
  type: FrameType.Welcome;
  version: number;
  serverTimeMs: bigint;
}
/** s->c: the handshake failed; the server closes. */
export interface RefusedFrame {
  type: FrameType.Refused;
  code: number;
  desc: string;
}
/** c->s: one API call. */
export interface RequestFrame {
  type: FrameType.Request;
  id: number;
  op: number;
  a: string;
  b: string;
}
/** s->c: the answer to the request with the same id. */
export interface ResponseFrame {
  type: FrameType.Response;
  id: number;
  code: number;
  desc: string;
  json: string;
}
/** s->c: an unsolicited event. */
export interface PushFrame {
  type: FrameType.Push;
  event: number;
  json: string;
}

/** Any frame of the protocol. */
export type Frame = HelloFrame | WelcomeFrame | RefusedFrame | RequestFrame | ResponseFrame | PushFrame;

/** A frame that breaks the protocol: the connection cannot continue. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** A frame longer than {@link MAX_FRAME_LENGTH}, on either side. */
export class FrameTooLargeError extends ProtocolError {
  /** The frame length that was refused. */
  readonly length: number;
  constructor(length: number) {
    super(`frame length ${length} exceeds the maximum of ${MAX_FRAME_LENGTH} bytes`);
    this.name = 'FrameTooLargeError';
    this.length = length;
  }
}

/** Byte sizes and writers of the fields, for a frame that is known before it is written. */
class FrameWriter {
  private readonly buf: Buffer;
  private pos = 4;

  constructor(bodyLength: number) {
    if (bodyLength > MAX_FRAME_LENGTH) throw new FrameTooLargeError(bodyLength);
    this.buf = Buffer.allocUnsafe(4 + bodyLength);
    this.buf.writeUInt32BE(bodyLength, 0);
  }
  u8(v: number): this {
    this.pos = this.buf.writeUInt8(v, this.pos);
    return this;
  }
  u16(v: number): this {
    this.pos = this.buf.writeUInt16BE(v, this.pos);
    return this;
  }
  u32(v: number): this {
    this.pos = this.buf.writeUInt32BE(v, this.pos);
    return this;
  }
  i32(v: number): this {
    this.pos = this.buf.writeInt32BE(v, this.pos);
    return this;
  }
  u64(v: bigint): this {
    this.pos = this.buf.writeBigUInt64BE(v, this.pos);
    return this;
  }
  str(bytes: Buffer): this {
    this.pos = this.buf.writeUInt32BE(bytes.length, this.pos);
    this.pos += bytes.copy(this.buf, this.pos);
    return this;
  }
  done(): Buffer {
    return this.buf;
  }
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/**
 * Encodes one frame, length prefix included. Throws {@link FrameTooLargeError} when the frame
 * would exceed {@link MAX_FRAME_LENGTH}; the caller then answers 9522 instead.
 */
export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case FrameType.Hello: {
      const client = utf8(frame.client);
      if (frame.version < 2) {
        return new FrameWriter(1 + 2 + 8 + 4 + client.length).u8(frame.type).u16(frame.version).u64(frame.sdkAppId).str(client).done();
      }
      const device = utf8(frame.device ?? '');
      const platform = utf8(frame.platform ?? '');
      return new FrameWriter(1 + 2 + 8 + 4 + client.length + 4 + device.length + 4 + platform.length)
        .u8(frame.type)
        .u16(frame.version)
        .u64(frame.sdkAppId)
        .str(client)
        .str(device)
        .str(platform)
        .done();
    }
    case FrameType.Welcome:
      return new FrameWriter(1 + 2 + 8).u8(frame.type).u16(frame.version).u64(frame.serverTimeMs).done();
    case FrameType.Refused: {
      const desc = utf8(frame.desc);
      return new FrameWriter(1 + 4 + 4 + desc.length).u8(frame.type).i32(frame.code).str(desc).done();
    }
    case FrameType.Request: {
      const a = utf8(frame.a);
      const b = utf8(frame.b);
      return new FrameWriter(1 + 4 + 1 + 4 + a.length + 4 + b.length)
        .u8(frame.type)
        .u32(frame.id)
        .u8(frame.op)
        .str(a)
        .str(b)
        .done();
    }
    case FrameType.Response: {
      const desc = utf8(frame.desc);
      const json = utf8(frame.json);
      return new FrameWriter(1 + 4 + 4 + 4 + desc.length + 4 + json.length)
        .u8(frame.type)
        .u32(frame.id)
        .i32(frame.code)
        .str(desc)
        .str(json)
        .done();
    }
    case FrameType.Push: {
      const json = utf8(frame.json);
      return new FrameWriter(1 + 1 + 4 + json.length).u8(frame.type).u8(frame.event).str(json).done();
    }
  }
}

/** Reads the fields of one frame body; throws {@link ProtocolError} on truncation. */
class FrameReader {
  private pos = 0;
  constructor(private readonly body: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.body.length) throw new ProtocolError('truncated frame');
  }
  u8(): number {
    this.need(1);
    return this.body.readUInt8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.body.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.body.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.body.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.body.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  str(): string {
    const n = this.u32();
    this.need(n);
    const s = this.body.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  end(): void {
    if (this.pos !== this.body.length) throw new ProtocolError('trailing bytes in frame');
  }
}

/** Decodes one frame body (the bytes after the length). Throws {@link ProtocolError}. */
export function decodeFrameBody(body: Buffer): Frame {
  const r = new FrameReader(body);
  const type = r.u8();
  let frame: Frame;
  switch (type) {
    case FrameType.Hello: {
      const version = r.u16();
      const sdkAppId = r.u64();
      const client = r.str();
      // Version 1 ends here; the server refuses it after decoding (REFUSED, not a dropped socket).
      frame = version < 2 ? { type, version, sdkAppId, client } : { type, version, sdkAppId, client, device: r.str(), platform: r.str() };
      break;
    }
    case FrameType.Welcome:
      frame = { type, version: r.u16(), serverTimeMs: r.u64() };
      break;
    case FrameType.Refused:
      frame = { type, code: r.i32(), desc: r.str() };
      break;
    case FrameType.Request:
      frame = { type, id: r.u32(), op: r.u8(), a: r.str(), b: r.str() };
      break;
    case FrameType.Response:
      frame = { type, id: r.u32(), code: r.i32(), desc: r.str(), json: r.str() };
      break;
    case FrameType.Push:
      frame = { type, event: r.u8(), json: r.str() };
      break;
    default:
      throw new ProtocolError(`unknown frame type 0x${type.toString(16)}`);
  }
  r.end();
  return frame;
}

/**
 * Splits a byte stream into frames. Feed it every chunk in order; it returns the frames completed
 * so far. Throws {@link FrameTooLargeError} as soon as a length above the maximum is seen (without
 * waiting for the body) and {@link ProtocolError} on a malformed frame; the stream is then unusable.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Bytes received but not yet part of a complete frame. */
  get pending(): number {
    return this.buffered;
  }

  /** Adds a chunk and returns the frames it completed, in order. */
  push(chunk: Buffer): Frame[] {
    this.append(chunk);
    const frames: Frame[] = [];
    for (let frame = this.next(); frame !== undefined; frame = this.next()) frames.push(frame);
    return frames;
  }

  /** Adds a chunk without decoding: {@link next} takes its frames one at a time. */
  append(chunk: Buffer): void {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
  }

  /**
   * Takes the next complete frame, or undefined when none is complete yet. A server that stops
   * taking frames (its peer does not read the answers) keeps the rest buffered here.
   */
  next(): Frame | undefined {
    if (this.buffered < 4) return undefined;
    const length = this.peek(4).readUInt32BE(0);
    if (length > MAX_FRAME_LENGTH) throw new FrameTooLargeError(length);
    if (this.buffered < 4 + length) return undefined;
    return decodeFrameBody(this.take(4 + length).subarray(4));
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}
