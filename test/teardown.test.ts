/**
 * Teardown that cannot take the process down: worker threads as the only (or not the only) loaders
 * of the addon, ending normally, in parallel, terminated during calls, during login and during
 * event delivery, and the main thread exiting while workers call. Each scenario runs in its own
 * child process (test/fixtures/teardown.js) against a real emulator server, so that a segfault or an
 * abort at environment teardown shows as the child's signal or exit code.
 *
 * These are bounded versions; `node scripts/teardown-soak.js` runs the full counts (50 runs of each
 * scenario, 300 terminations with calls in flight).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type ChildRun, fixture, resultNamed, runChild, summarize } from './helpers/isolate';

const CHILD = fixture('teardown.js');

let tmpdir: string;
beforeAll(() => {
  tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tim-teardown-test-'));
});
afterAll(() => {
  fs.rmSync(tmpdir, { recursive: true, force: true });
});

/** Runs one scenario; the child must end by itself with code 0 and no signal. */
async function scenario(name: string, count: number, mainLoads: boolean): Promise<Record<string, unknown>> {
  const run: ChildRun = await runChild(CHILD, [name, String(count), ...(mainLoads ? ['main-loads'] : [])], {
    vendor: false,
    env: { TIM_NATIVE_DATA_DIR: tmpdir },
    timeoutMs: 50_000,
  });
  if (run.timedOut || run.signal !== null || run.code !== 0) {
    throw new Error(`the teardown child did not exit cleanly: ${summarize(run)}`);
  }
  return resultNamed(run, name);
}

describe.each([
  ['only workers load the addon', false],
  ['the main thread loads the addon too', true],
])('teardown, %s', (_label, mainLoads) => {
  test('workers one after another log in, out, uninit and return; every one exits 0', async () => {
    const r = await scenario('workers-sequence', 4, mainLoads);
    expect(r).toMatchObject({ workers: 4, done: 4, exits: [0, 0, 0, 0], errors: [] });
  });

  test('workers at once take the one SDK in turn and all exit 0', async () => {
    const r = await scenario('workers-parallel', 3, mainLoads);
    expect(r).toMatchObject({ workers: 3, done: 3, exits: [0, 0, 0], errors: [] });
  });

  test('terminating workers with 200 calls in flight', async () => {
    const r = await scenario('terminate-calls', 12, mainLoads);
    expect(r).toMatchObject({ terminated: 12, errors: [] });
    // terminate() resolves with exit code 1 for a worker that was still running.
    expect(r.exits).toEqual(new Array(12).fill(1));
  });

  test('terminating workers with their login in flight', async () => {
    const r = await scenario('terminate-login', 6, mainLoads);
    expect(r).toMatchObject({ terminated: 6, exits: new Array(6).fill(1), errors: [] });
  });

  test('terminating workers while status pushes are being delivered to them', async () => {
    const r = await scenario('terminate-events', 6, mainLoads);
    expect(r).toMatchObject({ terminated: 6, exits: new Array(6).fill(1), errors: [] });
  });

  test('the main thread exits while workers have calls in flight', async () => {
    const r = await scenario('main-exits', 3, mainLoads);
    expect(r).toMatchObject({ workers: 3, exiting: true });
  });
});
