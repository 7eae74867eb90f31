/**
 * `tim-native status get`, `status set` and `status watch`: user status through a logged-in
 * client; `watch` subscribes and prints every change until Ctrl-C.
 * @packageDocumentation
 */
import {
  kTIMUserStatusCustomStatus,
  kTIMUserStatusIdentifier,
  kTIMUserStatusOnlineDevices,
  kTIMUserStatusStatusType,
  TIMNetworkStatus,
} from '../constants';
import type { TIMClient } from '../client';
import type { UserStatus } from '../types';
import { positionals } from './args';
import type { Command } from './command';
import { clock, statusTypeName } from './format';
import type { Output } from './output';
import { openSession, USER_OPTIONS, USER_OPTIONS_HELP } from './session';

const USER_HELP: readonly [string, string] = ['Connection (as a user)', USER_OPTIONS_HELP];

export const statusGet: Command = {
  name: 'status get',
  summary: "read users' status (Online, Offline, UnLogined, custom status)",
  usage: 'status get <userId...> --user ID [options]',
  description: 'Logs in as --user and reads the status of the given users (TIMGetUserStatus, at most 500 ids).',
  options: USER_OPTIONS,
  optionHelp: [USER_HELP],
  examples: ['tim-native status get alice bob --user carol'],
  async run(ctx) {
    const ids = positionals(ctx.args, 1, 500, 'the user ids to read', this.name);
    const session = await openSession(ctx.values, this.name);
    try {
      const statuses = await session.client.getUserStatus(ids);
      ctx.out.table(
        statuses,
        ['USER', 'STATUS', 'CUSTOM STATUS', 'DEVICES'],
        statuses.map((s) => [
          s[kTIMUserStatusIdentifier],
          statusTypeName(s[kTIMUserStatusStatusType]),
          s[kTIMUserStatusCustomStatus] ?? '',
          (s[kTIMUserStatusOnlineDevices] ?? []).join(', '),
        ]),
      );
    } finally {
      await session.close();
    }
    return 0;
  },
};

export const statusSet: Command = {
  name: 'status set',
  summary: 'set your custom status (subscribers get a push)',
  usage: 'status set <text> --user ID [--hold] [options]',
  description:
    "Logs in as --user and sets that user's custom status (TIMSetSelfStatus, <= 100 bytes; \"\" clears it).\n" +
    'Then logs out, which subscribers also see (UnLogined, custom status gone), unless --hold keeps the\n' +
    'session, and so the status, until Ctrl-C.',
  options: { ...USER_OPTIONS, hold: { type: 'boolean' } },
  optionHelp: [['Status', '  --hold                 stay logged in (and so keep the status) until Ctrl-C'], USER_HELP],
  examples: ['tim-native status set "In a meeting" --user alice', 'tim-native status set "On call" --user alice --hold'],
  async run(ctx) {
    const [text = ''] = positionals(ctx.args, 1, 1, 'the custom status text ("" clears it)', this.name);
    const session = await openSession(ctx.values, this.name);
    try {
      await session.client.setSelfStatus(text);
      ctx.out.result({ userId: session.userId, customStatus: text }, () =>
        text === '' ? `${session.userId}'s custom status is cleared` : `${session.userId}'s custom status is now ${JSON.stringify(text)}`,
      );
      if (ctx.values.hold) {
        ctx.out.note(`holding ${session.userId}'s session; Ctrl-C to log out`);
        return await untilStopped(session.client, session.userId);
      }
    } finally {
      await session.close();
    }
    return 0;
  },
};

/**
 * Resolves on Ctrl-C or SIGTERM (0), or when the user is kicked offline (1). Keeps the process
 * alive meanwhile: listeners alone never do.
 */
function untilStopped(client: TIMClient, userId: string): Promise<number> {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  return new Promise<number>((resolve) => {
    client.on('kickedOffline', () => {
      process.stderr.write(`${userId} logged in somewhere else: this session was kicked offline\n`);
      resolve(1);
    });
    process.once('SIGINT', () => resolve(0));
    process.once('SIGTERM', () => resolve(0));
  }).finally(() => clearInterval(keepAlive));
}

/** One line of `status watch`: JSON with `--json`. */
function printStatus(out: Output, event: 'snapshot' | 'change', s: UserStatus): void {
  const time = new Date();
  const userId = s[kTIMUserStatusIdentifier];
  const type = s[kTIMUserStatusStatusType];
  const status = statusTypeName(type);
  const custom = s[kTIMUserStatusCustomStatus] ?? '';
  const text = `${clock(time)}  ${event === 'snapshot' ? 'now    ' : 'changed'}  ${userId}  ${status}${custom ? `  ${JSON.stringify(custom)}` : ''}`;
  out.line({ event, time: time.toISOString(), userId, status, statusType: type, customStatus: custom }, text);
}

export const statusWatch: Command = {
  name: 'status watch',
  summary: "subscribe to users' status and print each change live (Ctrl-C stops)",
  usage: 'status watch <userId...> --user ID [options]',
  description:
    'Logs in as --user, subscribes to the given users (TIMSubscribeUserStatus, at most 100, not yourself),\n' +
    'prints their status now, then one line per change as the pushes arrive, until Ctrl-C or SIGTERM.\n' +
    'With --json: one JSON object per line, {"event":"snapshot"|"change", "userId", "status", ...}.',
  options: USER_OPTIONS,
  optionHelp: [USER_HELP],
  examples: ['tim-native status watch alice --user bob', '# in another terminal:', 'tim-native status set "In a meeting" --user alice'],
  async run(ctx) {
    const ids = positionals(ctx.args, 1, 100, 'the user ids to watch', this.name);
    const session = await openSession(ctx.values, this.name);
    const { client, userId } = session;
    client.on('userStatusChanged', (statuses) => statuses.forEach((s) => printStatus(ctx.out, 'change', s)));
    client.on('networkStatus', (e) => {
      if (e.status === TIMNetworkStatus.kTIMDisconnected) ctx.out.note('connection lost; reconnecting...');
      if (e.status === TIMNetworkStatus.kTIMConnected) ctx.out.note('connected again');
    });
    try {
      await client.subscribeUserStatus(ids);
      for (const s of await client.getUserStatus(ids)) printStatus(ctx.out, 'snapshot', s);
      ctx.out.note(`watching ${ids.join(', ')} as ${userId}; Ctrl-C to stop`);
      const code = await untilStopped(client, userId);
      await client.unsubscribeUserStatus().catch(() => undefined);
      return code;
    } finally {
      await session.close();
    }
  },
};
