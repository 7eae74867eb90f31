/**
 * One client process of the demo: a real {@link TIMClient} on the emulator backend, driven by the
 * orchestrator over IPC. It prints what it does and every status push it receives, prefixed with
 * its user name.
 *
 * Run by `main.ts` as `node dist/demo/client.js <userId> <sdkAppId> <dataDir>` with
 * `TIM_EMULATOR_HOST` set; exits when told to quit or when the orchestrator goes away.
 * @packageDocumentation
 */
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
import type { DemoReply, DemoRequest } from './messages';

const [userId = '', sdkAppIdArg = '', dataDir = ''] = process.argv.slice(2);
const label = `  [${userId}]`.padEnd(13);

function say(line: string): void {
  process.stdout.write(`${label}${line}\n`);
}

function send(reply: DemoReply): void {
  if (process.connected) process.send?.(reply);
}

// Piped into something that stopped reading (`| head`): nothing more to say.
process.stdout.on('error', () => process.exit(1));

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
      setImmediate(() => process.exit(0));
      return undefined;
  }
}

process.on('message', (msg: DemoRequest) => {
  perform(msg).then(
    (value) => send({ kind: 'done', id: msg.id, value }),
    (err: unknown) => {
      const code = err instanceof TIMError ? err.code : undefined;
      send({ kind: 'failed', id: msg.id, message: err instanceof Error ? err.message : String(err), ...(code !== undefined ? { code } : {}) });
    },
  );
});

// The orchestrator went away (it failed or was killed): do not linger.
process.on('disconnect', () => {
  client.uninit();
  process.exit(1);
});

client.init(Number(sdkAppIdArg), {
  [kTIMSdkConfigConfigFilePath]: path.join(dataDir, userId, 'config'),
  [kTIMSdkConfigLogFilePath]: path.join(dataDir, userId, 'log'),
});
send({ kind: 'ready', pid: process.pid, platform: `${process.platform}-${process.arch}`, sdkVersion: client.sdkVersion });
