/**
 * An emulator in a child process (test/fixtures/emulator-process.js, compiled package, run with
 * --expose-gc), so a test can attack it and read what the attack cost the server: memory after
 * GC, its peak RSS, requests handled, and how it exited.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import * as path from 'path';
import type { EmulatorOptions } from '../../lib/emulator';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'emulator-process.js');

/** One memory sample of the emulator process, taken after GC. */
export interface EmulatorMemory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Peak RSS of the process so far. */
  maxRss: number;
  /** Protocol requests answered so far. */
  handled: number;
}

/** The emulator process's exit. */
export interface EmulatorExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A running emulator process. */
export class EmulatorProcess {
  /** Resolves when the process exits. */
  readonly exited: Promise<EmulatorExit>;
  private readonly replies: ((line: string) => void)[] = [];
  private stderr = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly address: string,
    readonly sdkAppId: number,
    readonly secretKey: string,
    lines: AsyncIterator<string>,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, stderr: this.stderr })),
    );
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    void (async () => {
      for (;;) {
        const next = await lines.next();
        if (next.done) break;
        this.replies.shift()?.(next.value);
      }
    })();
  }

  /** Starts the emulator with `options` (JSON-able: `limits`, `restRateLimit`...) and waits until it listens. */
  static async start(options: Pick<EmulatorOptions, 'limits' | 'restRateLimit'> = {}): Promise<EmulatorProcess> {
    const child = spawn(process.execPath, ['--expose-gc', FIXTURE, JSON.stringify(options)], { stdio: 'pipe' });
    const lines = emuLines(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const first = await lines.next();
    if (first.done || !first.value.startsWith('READY ')) {
      child.kill();
      throw new Error(`emulator process did not start: ${stderr}`);
    }
    const ready = JSON.parse(first.value.slice(6)) as { address: string; sdkAppId: number; secretKey: string };
    return new EmulatorProcess(child, ready.address, ready.sdkAppId, ready.secretKey, lines);
  }

  /** Memory of the emulator process after two full GCs. */
  memory(): Promise<EmulatorMemory> {
    return new Promise((resolve) => {
      this.replies.push((line) => resolve(JSON.parse(line) as EmulatorMemory));
      this.child.stdin.write('mem\n');
    });
  }

  /** Closes the emulator and waits for the process to exit. */
  async stop(): Promise<EmulatorExit> {
    this.child.stdin.end();
    return this.exited;
  }
}

/** The child's `EMU ` lines, prefix removed. */
async function* emuLines(child: ChildProcessWithoutNullStreams): AsyncGenerator<string> {
  let pending = '';
  for await (const chunk of child.stdout) {
    pending += (chunk as Buffer).toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.startsWith('EMU ')) yield line.slice(4);
    }
  }
}
