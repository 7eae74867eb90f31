/**
 * The messages between the demo's orchestrator (`main.ts`) and its client processes
 * (`client.ts`), one JSON line each over the channel of `channel.ts`.
 * @packageDocumentation
 */
import type { UserStatus } from '../types';

/** Something the orchestrator asks a client process to do. */
export type DemoCommand =
  | { op: 'login'; userSig: string }
  | { op: 'setProfile'; nick: string; gender: number; custom: Record<string, string> }
  | { op: 'getProfile'; userIds: string[] }
  | { op: 'subscribe'; userIds: string[] }
  | { op: 'setStatus'; text: string }
  | { op: 'logout' }
  | { op: 'quit' };

/** A command with its request id. */
export type DemoRequest = DemoCommand & { id: number };

/** What a client process sends back. */
export type DemoReply =
  | { kind: 'ready'; pid: number; platform: string; sdkVersion: string }
  | { kind: 'done'; id: number; value?: unknown }
  | { kind: 'failed'; id: number; message: string; code?: number }
  | { kind: 'status'; statuses: UserStatus[] }
  /** A line of the client's narration, for the orchestrator to print under the client's name. */
  | { kind: 'say'; text: string };
