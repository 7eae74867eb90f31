/**
 * The emulator's single port: each TCP connection is a native client when it starts with the
 * protocol preface, and HTTP (the REST API) otherwise.
 * @packageDocumentation
 */
import type { Server as HttpServer } from 'http';
import type { Socket } from 'net';
import { PREFACE } from './protocol';

/** Where {@link routeConnection} hands a connection. */
export interface ConnectionRoutes {
  /** A native client: `rest` is whatever arrived after the preface. */
  native(socket: Socket, rest: Buffer): void;
  /** Anything else is HTTP; the bytes read so far are pushed back into the socket first. */
  http: HttpServer;
}

/**
 * Reads the first bytes of `socket` and routes it. A connection is handed to HTTP as soon as a
 * byte differs from the preface, so HTTP requests of any length work. One that is not routed
 * within `firstBytesTimeoutMs` (nothing sent, or only part of the preface) is closed.
 */
export function routeConnection(socket: Socket, routes: ConnectionRoutes, firstBytesTimeoutMs: number): void {
  let head: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), firstBytesTimeoutMs).unref();
  socket.once('close', () => clearTimeout(timer));
  const onData = (chunk: Buffer): void => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const n = Math.min(head.length, PREFACE.length);
    const isPreface = head.compare(PREFACE, 0, n, 0, n) === 0;
    if (isPreface && head.length < PREFACE.length) return;
    socket.removeListener('data', onData);
    clearTimeout(timer);
    if (isPreface) {
      routes.native(socket, head.subarray(PREFACE.length));
      return;
    }
    socket.pause();
    socket.unshift(head);
    routes.http.emit('connection', socket);
    socket.resume();
  };
  socket.on('data', onData);
}
