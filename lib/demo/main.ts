#!/usr/bin/env node
/**
 * `npm run demo`: the whole system on one machine, narrated. Starts an emulator on a free port,
 * spawns two real client processes (alice and bob, each its own Node process with a TIMClient on
 * the embedded emulator backend), walks them through profiles and live status pushes, then calls
 * the admin REST API (create a group, add both, get_specified_group_member_info with live
 * OnlineStatus). Every step is bounded in time; the whole run too. Exits 0 when every step worked.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import {
  kTIMUserProfileCustomStringArray,
  kTIMUserProfileNickName,
  kTIMUserStatusCustomStatus,
  kTIMUserStatusIdentifier,
  kTIMUserStatusStatusType,
  TIMGenderType,
  TIMUserStatusType,
} from '../constants';
import { startEmulator, type Emulator } from '../emulator';
import { RestClient } from '../rest';
import type { UserProfile } from '../types';
import { renderTable } from '../cli/format';
import { Peer } from './peer';

const HELP = `Usage: npm run demo [-- options]   (or: node dist/demo/main.js [options])

Runs the tim-native demo: a local emulator, two client processes (alice and bob) and the admin
REST API, narrated step by step. Finishes in seconds; exits 0 when every step worked.

Options:
  --port N          emulator port (default 0: any free port)
  --step-timeout S  seconds each step may take (default 10)
  --timeout S       seconds the whole demo may take (default 60)
  -h, --help        show this help
`;

class StepFailure extends Error {}

interface Options {
  port: number;
  stepTimeoutMs: number;
  timeoutMs: number;
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'step-timeout': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const num = (v: string | undefined, name: string, dflt: number, min: number, max: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}, got "${v}"`);
    return n;
  };
  return {
    port: num(values.port, 'port', 0, 0, 65535),
    stepTimeoutMs: num(values['step-timeout'], 'step-timeout', 10, 1, 600) * 1000,
    timeoutMs: num(values.timeout, 'timeout', 60, 1, 3600) * 1000,
  };
}

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

const bold = (s: string): string => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);

/** Everything the demo started, so that any failure can stop it all. */
class Run {
  emulator: Emulator | undefined;
  rest: RestClient | undefined;
  readonly peers: Peer[] = [];
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tim-native-demo-'));
  private stepNo = 0;
  stepTitle = 'starting';

  step(title: string): void {
    this.stepNo++;
    this.stepTitle = `${this.stepNo}. ${title}`;
    out();
    out(bold(this.stepTitle));
  }

  /** Stops everything started: kills the processes when `hard`, else lets them exit. */
  async stop(hard: boolean): Promise<void> {
    if (hard) this.peers.forEach((p) => p.kill());
    else await Promise.all(this.peers.map((p) => p.quit()));
    this.rest?.close();
    await this.emulator?.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Kills what can be killed synchronously (the overall timeout). */
  killNow(): void {
    this.peers.forEach((p) => p.kill());
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new StepFailure(what);
}

async function story(run: Run, opts: Options): Promise<void> {
  const t0 = Date.now();
  out(bold('tim-native demo: one local emulator, two real client processes (alice and bob), the admin REST API'));
  // The custom profile field the story writes, registered as in the IM console: like the service,
  // the emulator refuses keys that were not (40009).
  const emu = await startEmulator({ port: opts.port, customFields: { profile: ['Team'] } });
  run.emulator = emu;
  out(`  [emulator] listening on ${emu.address} (SDKAppID ${emu.sdkAppId}); clients find it through TIM_EMULATOR_HOST=${emu.address}`);
  out('  [emulator] custom profile field Tag_Profile_Custom_Team registered, as the IM console would');

  const clients = [];
  for (const id of ['alice', 'bob']) {
    const label = `  [${id}]`.padEnd(13);
    const started = await Peer.start({
      userId: id,
      sdkAppId: emu.sdkAppId,
      dataDir: run.dataDir,
      emulatorAddress: emu.address,
      stepTimeoutMs: opts.stepTimeoutMs,
      say: (text) => out(`${label}${text}`),
    });
    run.peers.push(started.peer);
    clients.push(started);
  }
  const [alice, bob] = clients.map((s) => s.peer) as [Peer, Peer];
  const pids = clients.map((s) => `${s.peer.userId} (pid ${s.pid})`).join(' and ');
  // Where the clients run (`<platform>-<arch>`): the tests run them on emulated platforms too.
  const platforms = [...new Set(clients.map((s) => s.platform))].join(', ');
  out(
    `  [demo]     started ${pids}: separate Node processes (${platforms}), each a TIMClient on the emulator backend (SDK ${clients[0]?.sdkVersion})`,
  );

  run.step('alice and bob log in');
  await alice.ask({ op: 'login', userSig: emu.genUserSig('alice') });
  await bob.ask({ op: 'login', userSig: emu.genUserSig('bob') });

  run.step('alice sets her profile');
  await alice.ask({ op: 'setProfile', nick: 'Alice', gender: TIMGenderType.kTIMGenderType_Female, custom: { Team: 'core' } });

  run.step("bob reads alice's profile");
  const profiles = (await bob.ask({ op: 'getProfile', userIds: ['alice'] })) as UserProfile[];
  const profile = profiles[0];
  check(profile?.[kTIMUserProfileNickName] === 'Alice', `bob read nick ${JSON.stringify(profile?.[kTIMUserProfileNickName])}, expected "Alice"`);
  check((profile?.[kTIMUserProfileCustomStringArray] ?? []).length === 1, 'bob did not read the custom field alice set');

  run.step("bob subscribes to alice's status");
  await bob.ask({ op: 'subscribe', userIds: ['alice'] });

  run.step("alice sets a custom status; bob's process receives the push");
  let mark = bob.mark();
  await alice.ask({ op: 'setStatus', text: 'In a meeting' });
  await bob.waitForStatus(
    mark,
    (s) => s[kTIMUserStatusIdentifier] === 'alice' && s[kTIMUserStatusCustomStatus] === 'In a meeting',
    "bob waiting for alice's custom status push",
  );

  run.step('alice logs out; bob sees UnLogined');
  mark = bob.mark();
  await alice.ask({ op: 'logout' });
  await bob.waitForStatus(
    mark,
    (s) => s[kTIMUserStatusIdentifier] === 'alice' && s[kTIMUserStatusStatusType] === TIMUserStatusType.kTIMUserStatusType_UnLogined,
    "bob waiting for alice's UnLogined push",
  );

  run.step('the admin creates a group over REST and adds both');
  const rest = new RestClient({
    sdkAppId: emu.sdkAppId,
    secretKey: emu.secretKey,
    baseUrl: `http://${emu.address}`,
    maxRetries: 0,
    timeoutMs: opts.stepTimeoutMs,
  });
  run.rest = rest;
  const { GroupId } = await rest.createGroup({ Type: 'Public', Name: 'tim-native demo' });
  out(`  [admin]    create_group: ${GroupId} (Public, "tim-native demo")`);
  const added = await rest.addGroupMember({ GroupId, MemberList: [{ Member_Account: 'alice' }, { Member_Account: 'bob' }] });
  const results = added.MemberList.map((m) => `${m.Member_Account} ${['failed', 'added', 'already a member'][m.Result]}`);
  out(`  [admin]    add_group_member: ${results.join(', ')}`);
  check(added.MemberList.every((m) => m.Result === 1), 'add_group_member did not add both users');
  await rest.modifyGroupMemberInfo({ GroupId, Member_Account: 'alice', Role: 'Admin', NameCard: 'Alice (host)' });
  await rest.modifyGroupMemberInfo({ GroupId, Member_Account: 'bob', NameCard: 'Bob' });
  out('  [admin]    modify_group_member_info: alice is Admin with name card "Alice (host)", bob has name card "Bob"');

  run.step('get_specified_group_member_info: roles, name cards and live OnlineStatus');
  const info = await rest.getSpecifiedGroupMemberInfo({
    GroupId,
    Member_List_Account: ['alice', 'bob'],
    MemberInfoFilter: ['Role', 'NameCard', 'OnlineStatus'],
  });
  const table = renderTable(
    ['Member_Account', 'Role', 'NameCard', 'OnlineStatus'],
    info.MemberList.map((m) => [m.Member_Account, m.Role ?? '', m.NameCard ?? '', m.OnlineStatus ?? '']),
  );
  for (const line of table.split('\n')) out(`  [admin]    ${line}`);
  const online = (id: string): string | undefined => info.MemberList.find((m) => m.Member_Account === id)?.OnlineStatus;
  check(online('bob') === 'Online', `bob's OnlineStatus is ${online('bob')}, expected Online (his process is logged in)`);
  check(online('alice') === 'Offline', `alice's OnlineStatus is ${online('alice')}, expected Offline (she logged out)`);

  out();
  await run.stop(false);
  out(bold(`Demo finished in ${((Date.now() - t0) / 1000).toFixed(1)} s: every step worked.`));
  out('Next: `npx tim-native --help`, the examples/ folder, and README.md.');
}

async function main(): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`demo: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const run = new Run();
  // Piped into something that stopped reading (`| head`): stop everything quietly.
  process.stdout.on('error', () => {
    run.killNow();
    process.exit(1);
  });
  const overall = setTimeout(() => {
    process.stderr.write(`\nDEMO FAILED: the demo did not finish within ${opts.timeoutMs / 1000} s (at step "${run.stepTitle}")\n`);
    run.killNow();
    process.exit(1);
  }, opts.timeoutMs);
  try {
    await story(run, opts);
    return 0;
  } catch (err) {
    process.stderr.write(`\nDEMO FAILED at step "${run.stepTitle}": ${(err as Error).message}\n`);
    await run.stop(true).catch(() => undefined);
    return 1;
  } finally {
    clearTimeout(overall);
  }
}

main().then((code) => {
  process.exitCode = code;
});
