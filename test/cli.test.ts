/**
 * The `tim-native` CLI as users run it: the compiled dist/cli/main.js in child processes, against
 * an emulator started here (and, for the `emulator` command, one the CLI starts itself). Results
 * are read through `--json`; the error paths check the exit code and that the code's name and
 * meaning are printed, not just a number.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { emulatorLibraryPath } from '../lib/binding';
import { startEmulator, DEV_SECRET_KEY, type Emulator } from '../lib/emulator';
import { verifyUserSig } from '../lib/usersig';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

let emu: Emulator;
let tmp: string;
const children = new Set<ChildProcessWithoutNullStreams>();

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, TIM_EMULATOR_HOST: emu.address, TIM_NATIVE_DATA_DIR: path.join(tmp, 'sdk'), NO_COLOR: '1', ...extra };
  for (const k of ['TIM_USER', 'TIM_SECRET_KEY', 'TIM_SDKAPPID']) if (!(k in extra)) delete e[k];
  return e;
}

function start(args: string[], extraEnv: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: tmp, env: env(extraEnv) });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs the CLI to the end (async: the emulator lives in this process's event loop). */
function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = start(args, extraEnv);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs with --json and parses stdout; fails with the stderr when the command failed. */
async function json<T = unknown>(args: string[], extraEnv?: Record<string, string>): Promise<T> {
  const r = await cli([...args, '--json'], extraEnv);
  if (r.code !== 0) throw new Error(`tim-native ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

interface ErrorJson {
  error: { kind: string; message: string; code?: number; name?: string; meaning?: string; api?: string; detail?: string; hint?: string };
}

/** Runs with --json, expects failure with `exitCode`, and parses the error report on stderr. */
async function failure(args: string[], exitCode: number, extraEnv?: Record<string, string>): Promise<ErrorJson['error']> {
  const r = await cli([...args, '--json'], extraEnv);
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: exitCode, stdout: '' });
  return (JSON.parse(r.stderr.trim()) as ErrorJson).error;
}

/** Collects a long-running child's stdout lines; `next` waits for one that matches. */
class Lines {
  private readonly lines: string[] = [];
  private readonly waiters = new Set<() => void>();
  private from = 0;
  stderr = '';
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      this.lines.push(...parts);
      this.waiters.forEach((w) => w());
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  /** The next line (after the last one returned) for which `match` holds. */
  next(match: (line: string) => boolean, what: string, ms = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${what} within ${ms} ms; lines: ${JSON.stringify(this.lines)}; stderr: ${this.stderr}`));
      }, ms);
      const check = (): void => {
        const i = this.lines.findIndex((l, idx) => idx >= this.from && match(l));
        if (i === -1) return;
        this.from = i + 1;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.lines[i] as string);
      };
      this.waiters.add(check);
      check();
    });
  }

  json<T>(match: (v: T) => boolean, what: string): Promise<T> {
    return this.next((l) => l.startsWith('{') && match(JSON.parse(l) as T), what).then((l) => JSON.parse(l) as T);
  }

  exit(ms = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.resolve({ code: this.child.exitCode, signal: this.child.signalCode });
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not exit within ${ms} ms`)), ms);
      this.child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
  }
}

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tim-native-cli-test-'));
  emu = await startEmulator({ port: 0, log: () => undefined, admins: ['administrator'], customFields: { profile: ['Team', 'Mood'] } });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await emu.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('help and bad command lines', () => {
  const commands = [
    'emulator',
    'usersig',
    'profile get',
    'profile set',
    'status get',
    'status set',
    'status watch',
    'group create',
    'group add',
    'group members',
  ];

  test('tim-native --help lists every command', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of commands) expect(r.stdout).toContain(`  ${c}`);
  });

  test.each(commands)('%s --help shows its usage and exits 0', async (c) => {
    const r = await cli([...c.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: tim-native ${c}`));
    expect(r.stdout).toContain('--json');
  });

  test('help <command> and <group> --help work too', async () => {
    expect((await cli(['help', 'status', 'watch'])).stdout).toMatch(/^Usage: tim-native status watch/);
    const group = await cli(['group', '--help']);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('group members');
  });

  test('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  test('no command: the help, exit 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: tim-native <command>');
  });

  test.each([
    [['bogus'], 'unknown command "bogus"'],
    [['profile'], 'profile: missing command'],
    [['status', 'nap'], 'status: unknown command "nap"'],
    [['profile', 'get', 'alice', '--user', 'bob', '--bogus'], 'unknown option --bogus'],
    [['profile', 'get', 'alice', '--user'], 'option --user needs a value'],
    [['profile', 'get', '--user', 'bob'], 'missing the user ids to read'],
    [['profile', 'get', 'alice'], 'missing --user ID'],
    [['profile', 'set', '--user', 'alice'], 'nothing to set'],
    [['profile', 'set', '--user', 'alice', '--gender', 'robot'], '--gender must be one of unknown, male, female'],
    [['profile', 'set', '--user', 'alice', '--custom', 'novalue'], '--custom takes key=value'],
    [['profile', 'set', '--user', 'alice', '--level', '-1'], 'option --level needs a value (write --level=VALUE'],
    [['profile', 'set', '--user', 'alice', '--level=-1'], '--level must be an integer'],
    [['status', 'set', '--user', 'alice'], 'missing the custom status text'],
    [['status', 'get', 'alice', '--user', 'bob', '--emulator', 'nowhere'], '--emulator must be HOST:PORT'],
    [['status', 'get', 'alice', '--user', 'bob', '--timeout', 'soon'], '--timeout must be an integer'],
    [['usersig'], 'missing the user id'],
    [['usersig', 'a b c d e f g h i j k l m n o p q r s'], 'invalid user id'],
    [['usersig', 'alice', '--expire', '0'], '--expire must be an integer'],
    [['group', 'create'], 'missing --name'],
    [['group', 'create', '--name', 'x', '--type', 'Club'], '--type must be one of'],
    [['group', 'members', '@TGS#1'], 'missing the group id and the accounts'],
    [['group', 'members', 'g', 'a', '--region', 'mars'], 'unknown --region "mars"'],
    [['group', 'members', 'g', 'a', '--region', 'singapore'], '--secret KEY (or TIM_SECRET_KEY) is required with --region'],
    [['group', 'members', 'g', 'a', '--url', 'ftp://x'], '--url must be http(s)://host[:port]'],
    [['emulator', '--port', '70000'], '--port must be an integer from 0 to 65535'],
    [['profile', 'get', 'a', '--user', 'b', '--sdk', '/x.so'], 'with --sdk, give --usersig, or --secret'],
  ])('%j is a usage error (exit 2): %s', async (args, message) => {
    const err = await failure(args, 2);
    expect(err.kind).toBe('usage');
    expect(err.message).toContain(message);
    expect(err.hint).toMatch(/run `tim-native .*--help`/);
  });

  test('human output of a usage error names the problem and where the help is', async () => {
    const r = await cli(['profile', 'get', 'alice']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('usage error: missing --user ID: the user to act as (or set TIM_USER)\n  hint: run `tim-native profile get --help`\n');
  });
});

describe('usersig', () => {
  test('makes a sig the emulator accepts, with the defaults', async () => {
    const r = await json<{ userId: string; sdkAppId: number; expireSeconds: number; userSig: string }>(['usersig', 'alice']);
    expect(r).toMatchObject({ userId: 'alice', sdkAppId: 1400000000, expireSeconds: 180 * 86400 });
    const fields = verifyUserSig(r.userSig, { sdkAppId: emu.sdkAppId, secretKey: DEV_SECRET_KEY, userId: 'alice' });
    expect(fields).toMatchObject({ identifier: 'alice', sdkAppId: 1400000000 });
  });

  test('--sdkappid, --secret and --expire are signed in; text output is the sig alone', async () => {
    const r = await cli(['usersig', 'carol', '--sdkappid', '1400000001', '--secret', 'k3y', '--expire', '60']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const fields = verifyUserSig(r.stdout.trim(), { sdkAppId: 1400000001, secretKey: 'k3y', userId: 'carol' });
    expect(fields).toMatchObject({ identifier: 'carol', sdkAppId: 1400000001, expire: 60 });
  });
});

describe('as a user: profile and status', () => {
  test('profile set changes several fields and prints the new profile', async () => {
    const [p] = await json<Array<Record<string, unknown>>>([
      'profile', 'set', '--user', 'alice', '--nick', 'Alice', '--gender', 'female', '--signature', 'hi',
      '--level', '7', '--allow', 'deny', '--custom', 'Team=core', '--custom', 'Tag_Profile_Custom_Mood=ok',
    ]);
    expect(p).toMatchObject({
      user_profile_identifier: 'alice',
      user_profile_nick_name: 'Alice',
      user_profile_gender: 2,
      user_profile_self_signature: 'hi',
      user_profile_level: 7,
      user_profile_add_permission: 3,
    });
    expect(p?.user_profile_custom_string_array).toEqual(
      expect.arrayContaining([
        { user_profile_custom_string_info_key: 'Tag_Profile_Custom_Team', user_profile_custom_string_info_value: 'core' },
        { user_profile_custom_string_info_key: 'Tag_Profile_Custom_Mood', user_profile_custom_string_info_value: 'ok' },
      ]),
    );
  });

  test("profile get reads another user's profile and names the missing ones", async () => {
    const r = await cli(['profile', 'get', 'alice', 'nobody', '--user', 'bob', '--json']);
    expect(r.code).toBe(0);
    const profiles = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(profiles.map((p) => p.user_profile_identifier)).toEqual(['alice']);
    expect(profiles[0]?.user_profile_nick_name).toBe('Alice');
    const text = await cli(['profile', 'get', 'alice', 'nobody', '--user', 'bob']);
    expect(text.stdout).toMatch(/^USER +NICK +GENDER/);
    expect(text.stdout).toMatch(/\nalice +Alice +Female +hi/);
    expect(text.stderr).toBe('not found: nobody\n');
  });

  test('TIM_USER stands in for --user', async () => {
    const profiles = await json<unknown[]>(['profile', 'get', 'alice'], { TIM_USER: 'bob' });
    expect(profiles).toHaveLength(1);
  });

  test('status set then status get', async () => {
    expect(await json(['status', 'set', 'Lunch', '--user', 'dave'])).toEqual({ userId: 'dave', customStatus: 'Lunch' });
    const statuses = await json<Array<Record<string, unknown>>>(['status', 'get', 'dave', 'nobody', '--user', 'erin']);
    // status set logs out when done: dave is UnLogined again.
    expect(statuses).toEqual([
      expect.objectContaining({ user_status_identifier: 'dave', user_status_status_type: 3 }),
      expect.objectContaining({ user_status_identifier: 'nobody', user_status_status_type: 3 }),
    ]);
    const text = await cli(['status', 'get', 'dave', 'erin', '--user', 'erin']);
    expect(text.stdout).toMatch(/^USER +STATUS +CUSTOM STATUS/);
    expect(text.stdout).toMatch(/\nerin +Online/);
  });

  test('status watch prints a change made from another CLI process, then stops on SIGINT', async () => {
    const watch = new Lines(start(['status', 'watch', 'alice', '--user', 'bob', '--json']));
    type Line = { event: string; userId: string; status: string; customStatus: string };
    const snapshot = await watch.json<Line>((l) => l.event === 'snapshot', 'snapshot line');
    expect(snapshot).toMatchObject({ userId: 'alice', status: 'UnLogined' });

    const set = cli(['status', 'set', 'Deep work', '--user', 'alice']);
    const change = await watch.json<Line>((l) => l.event === 'change' && l.customStatus === 'Deep work', 'the pushed change');
    expect(change).toMatchObject({ userId: 'alice', status: 'Online' });
    expect((await set).code).toBe(0);
    // status set logs out when it is done: the watch sees that too.
    await watch.json<Line>((l) => l.event === 'change' && l.status === 'UnLogined', 'the logout');

    watch.child.kill('SIGINT');
    expect(await watch.exit()).toEqual({ code: 0, signal: null });
  });

  test('status watch in human form', async () => {
    const watch = new Lines(start(['status', 'watch', 'alice', '--user', 'frank']));
    await watch.next((l) => /now +alice +UnLogined/.test(l), 'snapshot line');
    const set = await cli(['status', 'set', 'Coffee', '--user', 'alice']);
    expect(set.stdout).toBe(`alice's custom status is now "Coffee"\n`);
    await watch.next((l) => /^\d\d:\d\d:\d\d\.\d{3} +changed +alice +Online +"Coffee"$/.test(l), 'change line');
    watch.child.kill('SIGTERM');
    expect(await watch.exit()).toEqual({ code: 0, signal: null });
    expect(watch.stderr).toContain('watching alice as frank; Ctrl-C to stop');
  });

  test('status set --hold keeps the status until SIGINT; a second login of the watcher kicks the watch', async () => {
    type Line = { event: string; userId: string; status: string; customStatus: string };
    const watch = new Lines(start(['status', 'watch', 'lena', '--user', 'mike', '--json']));
    await watch.json<Line>((l) => l.event === 'snapshot', 'snapshot line');

    const hold = new Lines(start(['status', 'set', 'On call', '--user', 'lena', '--hold', '--json']));
    expect(await hold.json<{ customStatus: string }>(() => true, 'the result')).toEqual({ userId: 'lena', customStatus: 'On call' });
    await watch.json<Line>((l) => l.customStatus === 'On call' && l.status === 'Online', 'the held status');
    const [now] = await json<Array<Record<string, unknown>>>(['status', 'get', 'lena', '--user', 'nina']);
    expect(now).toMatchObject({ user_status_status_type: 1, user_status_custom_status: 'On call' });
    hold.child.kill('SIGINT');
    expect(await hold.exit()).toEqual({ code: 0, signal: null });
    await watch.json<Line>((l) => l.status === 'UnLogined', 'the logout when the hold ends');

    // mike logs in from another process: the watch is kicked offline and says so.
    await json(['status', 'get', 'lena', '--user', 'mike']);
    expect(await watch.exit()).toEqual({ code: 1, signal: null });
    expect(watch.stderr).toContain('mike logged in somewhere else: this session was kicked offline');
  });

  test('--sdk loads a TIM library by path (here the standalone emulator library)', async () => {
    const profiles = await json<Array<Record<string, unknown>>>([
      'profile', 'get', 'alice', '--user', 'bob', '--sdk', emulatorLibraryPath(), '--secret', DEV_SECRET_KEY,
    ]);
    expect(profiles[0]?.user_profile_nick_name).toBe('Alice');
  });
});

describe('as a user: TIM errors are named and explained', () => {
  test('a UserSig signed with another key: 70009 with name, meaning and a hint', async () => {
    const err = await failure(['profile', 'get', 'alice', '--user', 'bob', '--secret', 'not-the-key'], 1);
    expect(err).toMatchObject({
      kind: 'tim',
      api: 'TIMLogin',
      code: 70009,
      name: 'ERR_SVR_ACCOUNT_USERSIG_MISMATCH_PUBLICKEY',
      meaning: 'UserSig signature does not match the secret key',
    });
    expect(err.hint).toContain('the UserSig does not fit');
  });

  test('a malformed --usersig: 70003, human form', async () => {
    const r = await cli(['status', 'get', 'alice', '--user', 'bob', '--usersig', 'garbage']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: TIMLogin failed: 70003 ERR_SVR_ACCOUNT_USERSIG_CHECK_FAILED: UserSig malformed\n/);
  });

  test("another user's UserSig: 70013", async () => {
    const err = await failure(['status', 'get', 'alice', '--user', 'bob', '--usersig', emu.genUserSig('alice')], 1);
    expect(err).toMatchObject({ code: 70013, name: 'ERR_SVR_ACCOUNT_USERSIG_MISMATCH_ID' });
  });

  test('a bad custom profile key: 9001 from the emulator, named', async () => {
    const err = await failure(['profile', 'set', '--user', 'alice', '--custom', 'Team2=x'], 1);
    expect(err).toMatchObject({ kind: 'tim', api: 'TIMProfileModifySelfUserProfile', code: 9001, name: 'ERR_SDK_FRIENDSHIP_INVALID_PROFILE_KEY' });
    expect(err.meaning).toContain('letters only');
  });

  // Only custom fields registered in the console exist (https://cloud.tencent.com/document/product/269/1500);
  // another is "40009 资料字段的 Tag 不存在" (TIMErrorCode.h, ERR_SVR_PROFILE_TAG_NOT_FOUND).
  test('an unregistered custom profile key: 40009 from the emulator, named', async () => {
    const err = await failure(['profile', 'set', '--user', 'alice', '--custom', 'Hobby=x'], 1);
    expect(err).toMatchObject({ kind: 'tim', api: 'TIMProfileModifySelfUserProfile', code: 40009, name: 'ERR_SVR_PROFILE_TAG_NOT_FOUND' });
  });

  test('watching yourself: 6017 invalid parameters', async () => {
    const err = await failure(['status', 'watch', 'bob', '--user', 'bob'], 1);
    expect(err).toMatchObject({ api: 'TIMSubscribeUserStatus', code: 6017, name: 'ERR_INVALID_PARAMETERS' });
  });

  test('no emulator at the address: exits by itself with 9510 and a hint', async () => {
    // failure() checks exit code 1: a CLI that hung would be killed (code null) and fail here.
    const err = await failure(['profile', 'get', 'alice', '--user', 'bob', '--emulator', '127.0.0.1:1'], 1);
    expect(err).toMatchObject({ code: 9510, name: 'ERR_SDK_NET_CONN_TIMEOUT' });
    expect(err.hint).toContain('is an emulator running at 127.0.0.1:1?');
  });

  test('a library that cannot be loaded: the path and the reason', async () => {
    const err = await failure(['profile', 'get', 'a', '--user', 'b', '--sdk', path.join(tmp, 'missing.so'), '--secret', 'x'], 1);
    expect(err.message).toContain(`cannot load ${path.join(tmp, 'missing.so')}`);
  });
});

describe('as the admin: groups over REST', () => {
  let groupId: string;

  beforeAll(async () => {
    // Accounts exist once they have logged in.
    await json(['profile', 'set', '--user', 'gina', '--nick', 'Gina']);
    await json(['profile', 'set', '--user', 'hank', '--nick', 'Hank']);
  });

  test('group create, group add, group members with live OnlineStatus', async () => {
    const created = await json<{ GroupId: string; ErrorCode: number }>(['group', 'create', '--name', 'CLI test', '--member', 'gina']);
    expect(created.ErrorCode).toBe(0);
    expect(created.GroupId).toMatch(/^@TGS#/);
    groupId = created.GroupId;

    const added = await json<{ MemberList: unknown[] }>(['group', 'add', groupId, 'hank', 'gina']);
    expect(added.MemberList).toEqual([
      { Member_Account: 'hank', Result: 1 },
      { Member_Account: 'gina', Result: 2 },
    ]);

    const watch = new Lines(start(['status', 'watch', 'gina', '--user', 'hank', '--json']));
    await watch.json<{ event: string }>((l) => l.event === 'snapshot', 'hank online');
    const res = await json<{ MemberList: Array<Record<string, unknown>> }>([
      'group', 'members', groupId, 'gina', 'hank', 'stranger', '--fields', 'Role,NameCard', '--fields', 'OnlineStatus',
    ]);
    expect(res.MemberList).toEqual([
      { Member_Account: 'gina', Role: 'Member', NameCard: '', OnlineStatus: 'Offline', AppMemberDefinedData: [] },
      { Member_Account: 'hank', Role: 'Member', NameCard: '', OnlineStatus: 'Online', AppMemberDefinedData: [] },
    ]);
    const text = await cli(['group', 'members', groupId, 'gina', 'hank']);
    expect(text.stdout).toMatch(/^Member_Account +Role +NameCard +OnlineStatus +JoinTime/);
    expect(text.stdout).toMatch(/\nhank +Member +Online/);
    watch.child.kill('SIGINT');
    expect((await watch.exit()).code).toBe(0);
  });

  test('--roles filters, text output of create and add', async () => {
    const res = await json<{ MemberList: unknown[] }>(['group', 'members', groupId, 'gina', 'hank', '--roles', 'Owner,Admin']);
    expect(res.MemberList).toEqual([]);
    const created = await cli(['group', 'create', '--name', 'Ops', '--type', 'work', '--id', 'ops-room', '--owner', 'gina']);
    expect(created.stdout).toBe('created group ops-room (Work, "Ops")\n');
    const add = await cli(['group', 'add', 'ops-room', 'hank']);
    expect(add.stdout).toMatch(/^ACCOUNT +RESULT\n-+ +-+\nhank +added\n$/);
  });

  test('an unknown group: 10010 with name and meaning', async () => {
    const err = await failure(['group', 'members', '@TGS#NOSUCHGROUP', 'gina'], 1);
    expect(err).toMatchObject({
      kind: 'rest',
      api: 'group_open_http_svc/get_specified_group_member_info',
      code: 10010,
      name: 'GroupCode.NoSuchGroup',
      meaning: 'the group does not exist or has been deleted',
    });
  });

  test('an invalid group id: 10015', async () => {
    const err = await failure(['group', 'members', `@TGS#${'x'.repeat(60)}`, 'gina'], 1);
    expect(err).toMatchObject({ code: 10015, name: 'GroupCode.BadGroupId' });
  });

  test('51 accounts: 10005, refused before sending', async () => {
    const accounts = Array.from({ length: 51 }, (_, i) => `user${i}`);
    const err = await failure(['group', 'members', groupId, ...accounts], 1);
    expect(err).toMatchObject({ code: 10005, name: 'GroupCode.TooManyAccounts' });
    expect(err.meaning).toContain('at most 50');
  });

  test('a bad filter value: 10004 with the service explanation', async () => {
    const err = await failure(['group', 'members', groupId, 'gina', '--fields', 'Shoe'], 1);
    expect(err).toMatchObject({ code: 10004, name: 'GroupCode.BadParameter' });
    expect(err.detail).toContain('Shoe');
  });

  test('adding an account that does not exist: 10019', async () => {
    const err = await failure(['group', 'add', groupId, 'ghost'], 1);
    expect(err).toMatchObject({ code: 10019, name: 'GroupCode.NoSuchUser' });
  });

  test('an identifier that is not an admin: 60010 and a hint', async () => {
    const err = await failure(['group', 'members', groupId, 'gina', '--admin', 'gina'], 1);
    expect(err).toMatchObject({ code: 60010, name: 'CommonCode.AdminRequired', meaning: 'the identifier is not an app admin' });
    expect(err.hint).toContain('--admin');
  });

  test('the wrong secret: the UserSig code, named', async () => {
    const err = await failure(['group', 'members', groupId, 'gina', '--secret', 'nope'], 1);
    expect(err).toMatchObject({ code: 70009, name: 'ERR_SVR_ACCOUNT_USERSIG_MISMATCH_PUBLICKEY' });
  });

  test('nobody listening at --url: a network error with a hint', async () => {
    const err = await failure(['group', 'members', groupId, 'gina', '--url', 'http://127.0.0.1:1', '--timeout', '2'], 1);
    expect(err).toMatchObject({ code: -1, name: 'NETWORK_ERROR' });
    expect(err.hint).toContain('is an emulator running at http://127.0.0.1:1?');
  });
});

describe('tim-native emulator', () => {
  test('serves clients, logs each request, stops cleanly on SIGTERM and keeps --data across restarts', async () => {
    const dataFile = path.join(tmp, 'emu.db');
    type Event = { event: string; address?: string; op?: string; userId?: string; transport?: string; dataFile?: string; admins?: string[] };
    const first = new Lines(start(['emulator', '--port', '0', '--data', dataFile, '--admin', 'administrator', '--admin', 'ops', '--json']));
    const listening = await first.json<Event>((e) => e.event === 'listening', 'listening line');
    expect(listening).toMatchObject({ dataFile, admins: ['administrator', 'ops'], developmentKey: true });
    const address = listening.address as string;
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);

    await json(['profile', 'set', '--user', 'ivy', '--nick', 'Ivy'], { TIM_EMULATOR_HOST: address });
    await first.json<Event>((e) => e.event === 'request' && e.op === 'MODIFY_PROFILE' && e.userId === 'ivy', 'request log line');
    await json(['group', 'create', '--name', 'on the CLI emulator', '--admin', 'ops'], { TIM_EMULATOR_HOST: address });
    await first.json<Event>((e) => e.event === 'request' && e.transport === 'http', 'REST request log line');

    first.child.kill('SIGTERM');
    await first.json<Event>((e) => e.event === 'stopped', 'stopped line');
    expect(await first.exit()).toEqual({ code: 0, signal: null });

    const second = new Lines(start(['emulator', '--port', '0', '--data', dataFile, '--json']));
    const again = await second.json<Event>((e) => e.event === 'listening', 'listening line');
    const [ivy] = await json<Array<Record<string, unknown>>>(['profile', 'get', 'ivy', '--user', 'jack'], { TIM_EMULATOR_HOST: again.address as string });
    expect(ivy?.user_profile_nick_name).toBe('Ivy');
    second.child.kill('SIGINT');
    expect(await second.exit()).toEqual({ code: 0, signal: null });
  });

  test('human form: address, how to point clients at it, one line per request', async () => {
    const emuCli = new Lines(start(['emulator', '--port', '0']));
    const line = await emuCli.next((l) => l.includes('listening on'), 'banner');
    const address = /listening on (\S+)/.exec(line)?.[1] as string;
    await emuCli.next((l) => l.includes(`export TIM_EMULATOR_HOST=${address}`), 'TIM_EMULATOR_HOST line');
    await cli(['status', 'get', 'kim', '--user', 'kim'], { TIM_EMULATOR_HOST: address });
    await emuCli.next((l) => /native .* kim +GET_STATUS +-> 0/.test(l), 'request line');
    emuCli.child.kill('SIGINT');
    await emuCli.next((l) => l === 'emulator stopped; database closed', 'stopped line');
    expect((await emuCli.exit()).code).toBe(0);
  });

  test('--profile-field and --member-field register custom fields as the console does; a bad one is a usage error', async () => {
    type Event = { event: string; address?: string; customFields?: { profile: string[]; groupMember: string[] }; lenientCustomFields?: boolean };
    const emuCli = new Lines(start(['emulator', '--port', '0', '--profile-field', 'Team,Tag_Profile_Custom_Mood', '--member-field', 'Level', '--json']));
    const listening = await emuCli.json<Event>((e) => e.event === 'listening', 'listening line');
    expect(listening).toMatchObject({
      customFields: { profile: ['Tag_Profile_Custom_Team', 'Tag_Profile_Custom_Mood'], groupMember: ['Level'] },
      lenientCustomFields: false,
    });
    const env = { TIM_EMULATOR_HOST: listening.address as string };
    await json(['profile', 'set', '--user', 'lee', '--custom', 'Team=core'], env);
    const err = await failure(['profile', 'set', '--user', 'lee', '--custom', 'Hobby=x'], 1, env);
    expect(err).toMatchObject({ code: 40009 });
    emuCli.child.kill('SIGINT');
    expect((await emuCli.exit()).code).toBe(0);
    const bad = await failure(['emulator', '--port', '0', '--profile-field', 'Team2'], 2);
    expect(bad.message).toContain('invalid custom profile field "Team2"');
  });

  test('a port in use: a clear error, exit 1', async () => {
    const port = emu.address.split(':')[1] as string;
    const err = await failure(['emulator', '--port', port], 1);
    expect(err.message).toContain('EADDRINUSE');
    expect(err.hint).toBe(`port ${port} is in use: pick another with --port (0 = any free port)`);
  });
});
