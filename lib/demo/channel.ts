/**
 * The channel between the demo's orchestrator (`main.ts`, through `peer.ts`) and a client process
 * (`client.ts`): one loopback TCP connection the client opens to the orchestrator, carrying one
 * JSON message a line. Not Node's IPC channel: that is a Unix socketpair, and some Node builds the
 * demo's clients run on cannot use one (node.exe under Wine: libuv says EBADF).
 *
 * The orchestrator listens on 127.0.0.1 only, on a port of the system's choosing, for one
 * connection, whose first line must be the per-run token it gave the client: another local
 * process that finds the port cannot stand in for the client.
 * @packageDocumentation
 */
import { timingSafeEqual } from 'crypto';
import type { Socket } from 'net';

/** Environment variable naming the orchestrator's channel address (`127.0.0.1:<port>`). */
export const CHANNEL_ENV = 'TIM_DEMO_CHANNEL';
/** Environment variable carrying the token the client sends as its first line. */
export const TOKEN_ENV = 'TIM_DEMO_TOKEN';
/** The only address the orchestrator listens on and the client connects to. */
export const CHANNEL_HOST = '127.0.0.1';
/**
 * The longest line either side accepts (1 MiB): the demo's largest message, a profile list of one
 * user, is a few hundred bytes. A peer that sends more without a newline is cut off.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Writes one message as a JSON line (nothing when the socket is already closed). */
export function writeMessage(socket: Socket, message: unknown): void {
  if (socket.writable) socket.write(`${JSON.stringify(message)}\n`);
}

/** Whether `line` is `token`, compared in constant time. */
export function isToken(line: string, token: string): boolean {
  const a = Buffer.from(line);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Calls `onLine` with each line `socket` receives, without its newline. A line longer than
 * {@link MAX_LINE_BYTES} destroys the socket.
 */
export function readLines(socket: Socket, onLine: (line: string) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      onLine(line);
      if (socket.destroyed) return;
    }
    if (Buffer.byteLength(buffer) > MAX_LINE_BYTES) socket.destroy(new Error(`a line longer than ${MAX_LINE_BYTES} bytes`));
  });
}
