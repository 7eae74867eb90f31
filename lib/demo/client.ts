/**
 * One client process of the demo: a real {@link TIMClient} on the emulator backend, driven by the
 * orchestrator over a loopback TCP channel (`channel.ts`). It tells the orchestrator what it does
 * and every status push it receives, and the orchestrator prints that, prefixed with its user name.
 * Nothing goes through this process's stdio, which may be a file or nothing at all.
 *
 * Run by `peer.ts` as `node dist/demo/client.js <userId> <sdkAppId> <dataDir>` with
 * `TIM_EMULATOR_HOST`, `TIM_DEMO_CHANNEL` and `TIM_DEMO_TOKEN` set; exits when told to quit or
 * when the orchestrator goes away.
 * @packageDocumentation
 */
import { connect } from 'net';
import * as path from 'path';
import { TIMClient } from '../client';
import {
  kTIMSdkConfigConfigFilePath,
  kTIMSdkConfigLogFilePath,
  kTIMUserProfileCustomStringInfoKey,
  kTIMUserProfileCustomStringInfoValue,
  kTIMUserProfileItemCustomStringArray,
  kTIMUserProfileItemGender,
  kTIMUserProfileItemNickName,
  kTIMUserStatusIdentifier,
} from '../constants';
import { TIMError } from '../errors';
import type { TIMGenderType } from '../constants';
import { describeProfile, describeStatus, genderName } from '../cli/format';
import { CHANNEL_ENV, CHANNEL_HOST, readLines, TOKEN_ENV, writeMessage } from './channel';
import type { DemoReply, DemoRequest } from './messages';

const [userId = '', sdkAppIdArg = '', dataDir = ''] = process.argv.slice(2);
const [channelHost, channelPort] = (process.env[CHANNEL_ENV] ?? '').split(':');
const token = process.env[TOKEN_ENV] ?? '';
if (!userId || !dataDir || channelHost !== CHANNEL_HOST || !/^\d+$/.test(channelPort ?? '') || !token) {
  process.stderr.write(`usage: ${CHANNEL_ENV}=${CHANNEL_HOST}:<port> ${TOKEN_ENV}=<token> client.js <userId> <sdkAppId> <dataDir>\n`);
  process.exit(2);
}

const channel = connect({ host: CHANNEL_HOST, port: Number(channelPort) });
channel.setNoDelay(true);
channel.write(`${token}\n`);
/** Set once told to quit: the channel closing is then expected. */
let quitting = false;

function send(reply: DemoReply): void {
  writeMessage(channel, reply);
}

function say(text: string): void {
  send({ kind: 'say', text });
}

const client = new TIMClient({ timeoutMs: 5000 });

client.on('userStatusChanged', (statuses) => {
  for (const status of statuses) {
    const whose = status[kTIMUserStatusIdentifier] === userId ? ' (own status)' : '';
    say(`push${whose}: ${describeStatus(status)}`);
  }
  send({ kind: 'status', statuses });
});
client.on('kickedOffline', () => say('kicked offline by another login'));

async function perform(req: DemoRequest): Promise<unknown> {
  switch (req.op) {
    case 'login':
      await client.login(userId, req.userSig);
      say(`logged in as ${userId} (process ${process.pid})`);
      return undefined;
    case 'setProfile': {
      const custom = Object.entries(req.custom).map(([key, value]) => ({
        [kTIMUserProfileCustomStringInfoKey]: key,
        [kTIMUserProfileCustomStringInfoValue]: value,
      }));
      await client.modifySelfUserProfile({
        [kTIMUserProfileItemNickName]: req.nick,
        [kTIMUserProfileItemGender]: req.gender as TIMGenderType,
        [kTIMUserProfileItemCustomStringArray]: custom,
      });
      const fields = Object.entries(req.custom).map(([k, v]) => `${k}=${v}`);
      say(`profile set: nick ${JSON.stringify(req.nick)}, gender ${genderName(req.gender)}, ${fields.join(', ')}`);
      return undefined;
    }
    case 'getProfile': {
      const profiles = await client.getUserProfileList(req.userIds);
      for (const profile of profiles) say(`read profile of ${describeProfile(profile)}`);
      return profiles;
    }
    case 'subscribe':
      await client.subscribeUserStatus(req.userIds);
      say(`subscribed to the status of ${req.userIds.join(', ')}`);
      return undefined;
    case 'setStatus':
      await client.setSelfStatus(req.text);
      say(`custom status set to ${JSON.stringify(req.text)}`);
      return undefined;
    case 'logout':
      await client.logout();
      say('logged out');
      return undefined;
    case 'quit':
      client.uninit();
      quitting = true;
      return undefined;
  }
}

function handle(msg: DemoRequest): void {
  perform(msg).then(
    (value) => {
      send({ kind: 'done', id: msg.id, value });
      // The answer is flushed before the process goes.
      if (quitting) channel.end(() => process.exit(0));
    },
    (err: unknown) => {
      const code = err instanceof TIMError ? err.code : undefined;
      send({ kind: 'failed', id: msg.id, message: err instanceof Error ? err.message : String(err), ...(code !== undefined ? { code } : {}) });
    },
  );
}

readLines(channel, (line) => {
  let msg: DemoRequest;
  try {
    msg = JSON.parse(line) as DemoRequest;
  } catch {
    channel.destroy(new Error(`not a JSON line: ${line.slice(0, 80)}`));
    return;
  }
  handle(msg);
});

// The orchestrator went away (it failed or was killed), or was never there: do not linger.
channel.on('error', () => undefined);
channel.on('close', () => {
  if (quitting) return;
  client.uninit();
  process.exit(1);
});

client.init(Number(sdkAppIdArg), {
  [kTIMSdkConfigConfigFilePath]: path.join(dataDir, userId, 'config'),
  [kTIMSdkConfigLogFilePath]: path.join(dataDir, userId, 'log'),
});
send({ kind: 'ready', pid: process.pid, platform: `${process.platform}-${process.arch}`, sdkVersion: client.sdkVersion });
