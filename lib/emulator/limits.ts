/**
 * The emulator's limits against hostile or broken peers: deadlines, the connection cap and the
 * per-connection write queue. docs/limits.md is the one table of every limit and what the peer
 * gets; keep it in step with the defaults here.
 * @packageDocumentation
 */

/**
 * Limits of one emulator. The defaults suit every real client; tests shorten the deadlines
 * through `startEmulator({ limits })`.
 */
export interface EmulatorLimits {
  /** Connections open at once (native and HTTP together); one more is closed at once. Default 2048. */
  maxConnections: number;
  /** A connection must send its first bytes (the preface, or HTTP) within this. Default 30 s. */
  firstBytesTimeoutMs: number;
  /** A native connection must send HELLO within this after the preface. Default 5 s. */
  helloTimeoutMs: number;
  /**
   * A native connection that is not logged in (after WELCOME, or after its login ended by logout,
   * kick or sig expiry) must log in within this. Default 30 s. The emulator client connects at
   * TIMInit: one that stays unlogged longer is disconnected here and reconnects (its networkStatus
   * listener sees Disconnected, Connecting, Connected), and TIMLogin works as before.
   */
  loginTimeoutMs: number;
  /** Once a frame's first byte arrived, the whole frame must arrive within this. Default 15 s. */
  frameTimeoutMs: number;
  /**
   * A logged-in native connection that sends nothing for this long is closed. The emulator
   * client library sends PING every 10 s, so it is never idle this long. Default 60 s.
   */
  idleTimeoutMs: number;
  /**
   * Bytes of answers and pushes queued for one native connection that does not read. Reading its
   * requests pauses as soon as the socket's buffer is full (16 KB); a connection whose queue would
   * pass this cap (pushes keep coming while it does not read) is closed. Default 2 MB: above the
   * largest answer (1 MB) with room for the pushes around it.
   */
  maxQueuedBytes: number;
  /** An HTTP request's head must be complete within this of its first byte; else 408 and close. Default 10 s. */
  httpHeadersTimeoutMs: number;
  /**
   * A whole HTTP request, body included, must arrive within this; else 408 and close. At least
   * `httpHeadersTimeoutMs`. Default 30 s.
   */
  httpRequestTimeoutMs: number;
}

/** The limits an emulator has unless `startEmulator({ limits })` changes them. */
export const DEFAULT_EMULATOR_LIMITS: Readonly<EmulatorLimits> = Object.freeze({
  maxConnections: 2048,
  firstBytesTimeoutMs: 30_000,
  helloTimeoutMs: 5_000,
  loginTimeoutMs: 30_000,
  frameTimeoutMs: 15_000,
  idleTimeoutMs: 60_000,
  maxQueuedBytes: 2 * 1024 * 1024,
  httpHeadersTimeoutMs: 10_000,
  httpRequestTimeoutMs: 30_000,
});

/**
 * The HTTP (REST) server's fixed limits: far from anything a REST client needs. A connection
 * routed to HTTP has passed `firstBytesTimeoutMs` already.
 */
export const HTTP_LIMITS = Object.freeze({
  /** How often Node checks the HTTP deadlines (its default, 30 s, would stretch them). */
  connectionsCheckingIntervalMs: 1_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** Most header fields read from a request; the rest are ignored. */
  maxHeadersCount: 100,
  /** Largest request head in bytes (Node answers 431 and closes). */
  maxHeaderSize: 16 * 1024,
});

/** Longest single timer delay Node accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The complete limits from the defaults and `overrides`. Throws `TypeError` naming the field when
 * an override is not a positive integer (timeouts at most 2^31-1 ms), or an unknown field.
 */
export function resolveLimits(overrides: Partial<EmulatorLimits> | undefined): EmulatorLimits {
  if (overrides === undefined) return { ...DEFAULT_EMULATOR_LIMITS };
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new TypeError('limits must be an object');
  }
  const limits: EmulatorLimits = { ...DEFAULT_EMULATOR_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in DEFAULT_EMULATOR_LIMITS)) throw new TypeError(`limits.${key} is not a limit`);
    if (value === undefined) continue;
    const max = key.endsWith('Ms') ? MAX_TIMER_MS : Number.MAX_SAFE_INTEGER;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
      throw new TypeError(`limits.${key} must be a positive integer${max === MAX_TIMER_MS ? ` of at most ${MAX_TIMER_MS} ms` : ''}, got ${String(value)}`);
    }
    limits[key as keyof EmulatorLimits] = value;
  }
  if (limits.httpHeadersTimeoutMs > limits.httpRequestTimeoutMs) {
    throw new TypeError('limits.httpHeadersTimeoutMs must not exceed limits.httpRequestTimeoutMs');
  }
  return limits;
}
