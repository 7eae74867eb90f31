/**
 * `npm run demo` as a user runs it: the compiled demo (dist/demo/main.js) in its own process,
 * with its real client processes and emulator. The transcript must tell every step of the story,
 * in order, and the run must exit 0 by itself.
 *
 * With `TIM_TEST_RUNTIME` naming another platform, the demo's orchestrator and its emulator stay
 * on the host (the emulator's better-sqlite3 is built for the host only) and its two client
 * processes, the part that loads tim-native's addon, run on that runtime with its prebuild
 * (`hostParentEnv`), as a client on that platform would against an emulator elsewhere.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { skipOrFail } from './helpers/isolate';
import { testRuntime, vendorTarget } from './helpers/runtime';

const ROOT = path.join(__dirname, '..');
const DEMO = path.join(ROOT, 'dist', 'demo', 'main.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const runtime = testRuntime();
const runtimeProblem =
  runtime.problem() ?? (runtime.hostParentEnv ? undefined : `the ${runtime.name} runtime cannot run the children of a host process`);
const mode = skipOrFail(`the demo with its clients on ${runtime.name}`, runtimeProblem);

function runDemo(args: string[] = [], killAfterMs = 45_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...runtime.hostParentEnv?.(), NO_COLOR: '1' };
    const child = spawn(process.execPath, [DEMO, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Asserts each pattern matches a line, each after the previous one's line. */
function expectInOrder(lines: string[], patterns: RegExp[]): void {
  let from = 0;
  for (const pattern of patterns) {
    const at = lines.findIndex((line, i) => i >= from && pattern.test(line));
    if (at === -1) throw new Error(`no line matching ${pattern} after line ${from} of the transcript:\n${lines.join('\n')}`);
    from = at + 1;
  }
}

beforeAll(() => {
  if (!fs.existsSync(DEMO)) throw new Error(`${DEMO} is missing: build first (npm run build)`);
  if (mode === 'fail') throw new Error(`${runtimeProblem} (CI=true: missing prerequisites fail)`);
});

(mode === 'skip' ? describe.skip : describe)('npm run demo', () => {
  let run: Run;
  let lines: string[];

  beforeAll(async () => {
    run = await runDemo();
    lines = run.stdout.split('\n');
  }, 60_000);

  test('exits 0 by itself, with nothing on stderr', () => {
    // A demo that hung would be killed after killAfterMs: signal SIGKILL, code null.
    expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  });

  test('starts an emulator and two separate client processes', () => {
    const emulator = lines.find((l) => l.includes('[emulator] listening on'));
    expect(emulator).toMatch(/listening on 127\.0\.0\.1:\d+ .*TIM_EMULATOR_HOST=127\.0\.0\.1:\d+/);
    const started = lines.find((l) => l.includes('[demo]')) ?? '';
    const pids = [...started.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    expect(new Set([...pids, process.pid]).size).toBe(3);
    // Each client reports its own pid when it logs in: the lines come from those processes.
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`\\[alice\\] +logged in as alice \\(process ${pids[0]}\\)`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`\\[bob\\] +logged in as bob \\(process ${pids[1]}\\)`)));
  });

  test(`the client processes run on the selected runtime (${vendorTarget()})`, () => {
    expect(lines.find((l) => l.includes('[demo]'))).toContain(`separate Node processes (${vendorTarget()})`);
  });

  test('tells each step of the story in order', () => {
    expectInOrder(lines, [
      /^1\. alice and bob log in/,
      /\[alice\] +logged in as alice/,
      /\[bob\] +logged in as bob/,
      /^2\. alice sets her profile/,
      /\[alice\] +profile set: nick "Alice", gender Female, Team=core/,
      /^3\. bob reads alice's profile/,
      /\[bob\] +read profile of alice: nick "Alice", gender Female, Tag_Profile_Custom_Team=core/,
      /^4\. bob subscribes to alice's status/,
      /\[bob\] +subscribed to the status of alice/,
      /^5\. alice sets a custom status; bob's process receives the push/,
      /\[bob\] +push: alice is Online, custom status "In a meeting"/,
      /^6\. alice logs out; bob sees UnLogined/,
      /\[bob\] +push: alice is UnLogined/,
      /^7\. the admin creates a group over REST and adds both/,
      /\[admin\] +create_group: @TGS#\S+/,
      /\[admin\] +add_group_member: alice added, bob added/,
      /^8\. get_specified_group_member_info: roles, name cards and live OnlineStatus/,
      /\[admin\] +Member_Account +Role +NameCard +OnlineStatus/,
      /\[admin\] +alice +Admin +Alice \(host\) +Offline/,
      /\[admin\] +bob +Member +Bob +Online/,
      /^Demo finished in \d+\.\d s: every step worked\./,
    ]);
  });

  test("alice's own process sees the push of her own custom status", () => {
    expect(lines).toContainEqual(expect.stringMatching(/\[alice\] +push \(own status\): alice is Online, custom status "In a meeting"/));
  });
});

test('--help explains the options and exits 0', async () => {
  const r = await runDemo(['--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Usage: npm run demo/);
  expect(r.stdout).toContain('--timeout');
});

test('a bad option is a usage error (exit 2) with the help', async () => {
  const r = await runDemo(['--timeout', 'soon']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--timeout must be a number');
  expect(r.stderr).toContain('Usage: npm run demo');
});
