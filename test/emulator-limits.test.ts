/**
 * The emulator against hostile or broken peers (docs/limits.md): a zlib-bomb UserSig, a client
 * that pipelines requests and never reads, a subscriber that never reads its pushes, the
 * deadlines of every connection state and the connection cap. Each attack runs against an
 * emulator in a child process (so its memory is the server's alone) or, for deadlines, in this
 * one, with the deadlines shortened; a well-behaved client works throughout.
 */
import { connect as netConnect } from 'net';
import { deflateRawSync, constants as zlibConstants } from 'zlib';
import { startEmulator, type Emulator } from '../lib/emulator';
import { encodeFrame, FrameType, Op, PREFACE } from '../lib/emulator/protocol';
import { genUserSig, MAX_USERSIG_LENGTH } from '../lib/usersig';
import { EmulatorProcess } from './helpers/emulator-process';
import { ProtocolClient } from './helpers/protocol-client';

const MB = 1024 * 1024;

/**
 * A zlib stream of `megabytes` MB of spaces, about 1 KB of stream per MB: one full-flushed raw
 * deflate segment of 1 MB of spaces repeated (each segment starts with a literal, so copies
 * chain), an empty final block and the right Adler-32.
 */
function zlibBombOfSpaces(megabytes: number): Buffer {
  const segment = deflateRawSync(Buffer.alloc(MB, 0x20), { finishFlush: zlibConstants.Z_FULL_FLUSH });
  const n = BigInt(megabytes) * BigInt(MB);
  const a = (1n + 32n * n) % 65521n;
  const b = (n + (32n * n * (n + 1n)) / 2n) % 65521n;
  const tail = Buffer.from([0x03, 0x00, 0, 0, 0, 0]);
  tail.writeUInt32BE(Number((b << 16n) | a), 2);
  return Buffer.concat([Buffer.from([0x78, 0x9c]), ...Array<Buffer>(megabytes).fill(segment), tail]);
}

/** A UserSig (base64, escaped as UserSigs are) of a zlib bomb. */
function bombSig(megabytes: number): string {
  return zlibBombOfSpaces(megabytes).toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

/** Resolves true when `client` closes within `ms`, false otherwise (the test then fails on it). */
function closesWithin(client: ProtocolClient, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void client.closed.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function loggedIn(address: string, userId: string, sig: (userId: string) => string): Promise<ProtocolClient> {
  const c = await ProtocolClient.connect(address);
  const r = await c.login(userId, sig(userId));
  if (r.code !== 0) throw new Error(`login of ${userId} failed: ${r.code} ${r.desc}`);
  return c;
}

describe('attacks on an emulator in its own process', () => {
  let emu: EmulatorProcess;
  const sig = (userId: string): string => genUserSig({ sdkAppId: emu.sdkAppId, secretKey: emu.secretKey, userId });

  let keepAlive: NodeJS.Timeout | undefined;

  afterEach(async () => {
    clearInterval(keepAlive);
    const exit = await emu.stop();
    // Never a crash nor an unhandled rejection, whatever the attack did.
    expect(exit).toEqual({ code: 0, signal: null, stderr: '' });
  });

  test('a LOGIN whose 1 MB UserSig inflates to 740 MB of spaces answers 70003 and costs the server under 10 MB', async () => {
    emu = await EmulatorProcess.start();
    const good = await loggedIn(emu.address, 'good', sig);
    const attacker = await ProtocolClient.connect(emu.address);
    const bomb = bombSig(740);
    expect(bomb.length).toBeGreaterThan(1_000_000);
    // Warm the paths a 1 MB frame takes, so the sample below holds only what the bomb costs.
    expect((await attacker.login('mallory', 'x'.repeat(bomb.length))).code).toBe(70003);
    const before = await emu.memory();

    expect((await attacker.login('mallory', bomb)).code).toBe(70003);
    expect((await good.ping()).code).toBe(0);
    const after = await emu.memory();
    expect(after.maxRss - before.maxRss).toBeLessThan(10 * MB);
    expect(after.rss - before.rss).toBeLessThan(10 * MB);
    // The connection stays usable: a refused LOGIN changes nothing.
    expect((await attacker.login('mallory', sig('mallory'))).code).toBe(0);
    await Promise.all([attacker.close(), good.close()]);
  });

  test('a client that pipelines requests and never reads is paused, then closed as idle; the server grows under 100 MB and gives it back', async () => {
    emu = await EmulatorProcess.start({ limits: { idleTimeoutMs: 3000 } });
    const good = await loggedIn(emu.address, 'good', sig);
    // Like the real client, the good one pings (every 500 ms here): it is never idle 3 s.
    keepAlive = setInterval(() => void good.ping().catch(() => undefined), 500);
    const attacker = await loggedIn(emu.address, 'reader', sig);
    const before = await emu.memory();
    attacker.socket.pause();
    // 500 ids of 1 or 2 bytes: a 3 KB request answered with 60 KB.
    const ids = Array.from({ length: 500 }, (_, i) => i.toString(36));
    const request = encodeFrame({ type: FrameType.Request, id: 1, op: Op.GetStatus, a: JSON.stringify(ids), b: '' });
    const sent = 4000;
    for (let i = 0; i < sent; i++) attacker.socket.write(request);

    // A well-behaved client is answered while the attacker's 8 MB of requests wait.
    for (let i = 0; i < 20; i++) expect((await good.getStatus(['reader'])).code).toBe(0);
    const during = await emu.memory();
    expect(await closesWithin(attacker, 20_000)).toBe(true);
    const after = await emu.memory();
    // Stopped reading: most requests were never handled (each would have queued 60 KB).
    expect(during.handled).toBeLessThan(sent / 4);
    expect(after.maxRss - before.maxRss).toBeLessThan(100 * MB);
    expect(after.rss - before.rss).toBeLessThan(20 * MB);
    expect((await good.ping()).code).toBe(0);
    await good.close();
  });

  test('a subscriber that never reads its pushes is closed once they pass maxQueuedBytes; the changes go on', async () => {
    emu = await EmulatorProcess.start({ limits: { maxQueuedBytes: 256 * 1024 } });
    // Profile changes reach user-info subscribers (TIMManager.h 6.3), not status subscribers.
    const stuck = await loggedIn(emu.address, 'stuck', sig);
    expect((await stuck.subscribeUserInfo(['star'])).code).toBe(0);
    const watcher = await loggedIn(emu.address, 'watcher', sig);
    expect((await watcher.subscribeUserInfo(['star'])).code).toBe(0);
    const star = await loggedIn(emu.address, 'star', sig);
    const before = await emu.memory();
    stuck.socket.pause();
    let stuckClosed = false;
    void stuck.closed.then(() => (stuckClosed = true));

    // Each change pushes the star's 2 KB profile to both subscribers. The kernel's socket buffers
    // take up to about 36 MB on loopback first, so the queue passes its cap after some 20,000.
    let changes = 0;
    while (!stuckClosed && changes < 60_000) {
      const batch = Array.from({ length: 500 }, (_, i) => {
        const text = `${changes + i}`.padEnd(500, 'x');
        return star.modifyProfile({
          user_profile_item_nick_name: text,
          user_profile_item_self_signature: text,
          user_profile_item_face_url: text,
          user_profile_item_location: text,
        });
      });
      for (const r of await Promise.all(batch)) expect(r.code).toBe(0);
      changes += batch.length;
      // The reading subscriber gets every change (and so stays small).
      watcher.takePushes();
      star.takePushes();
      // A socket that reads nothing learns of the close only when it writes.
      stuck.writeRaw(encodeFrame({ type: FrameType.Request, id: changes, op: Op.Ping, a: '', b: '' }));
    }
    expect(stuckClosed).toBe(true);
    const after = await emu.memory();
    expect(after.maxRss - before.maxRss).toBeLessThan(100 * MB);
    // The others are still served.
    expect((await star.ping()).code).toBe(0);
    expect((await watcher.getStatus(['star'])).code).toBe(0);
    await Promise.all([star.close(), watcher.close()]);
  });
});

describe('deadlines and the connection cap', () => {
  let emu: Emulator;
  afterEach(async () => {
    await emu.close();
  });

  test('each connection state is closed by its deadline; a client that keeps to the rules stays', async () => {
    emu = await startEmulator({
      port: 0,
      log: () => {},
      limits: { firstBytesTimeoutMs: 400, helloTimeoutMs: 400, loginTimeoutMs: 600, frameTimeoutMs: 400, idleTimeoutMs: 800 },
    });
    const sig = (userId: string): string => emu.genUserSig(userId);
    const silent = await ProtocolClient.open(emu.address);
    const prefaceOnly = await ProtocolClient.open(emu.address);
    prefaceOnly.writeRaw(PREFACE);
    const helloOnly = await ProtocolClient.connect(emu.address);
    const loggedOut = await loggedIn(emu.address, 'out', sig);
    expect((await loggedOut.logout()).code).toBe(0);
    const idle = await loggedIn(emu.address, 'idle', sig);
    const keeper = await loggedIn(emu.address, 'keeper', sig);

    // A logged-in client that sends a large frame one byte every 100 ms: each byte is traffic (the
    // idle deadline never passes), but the frame does not complete within its deadline.
    const slow = await loggedIn(emu.address, 'slow', sig);
    const slowFrame = encodeFrame({ type: FrameType.Request, id: 9, op: Op.Ping, a: 'x'.repeat(200), b: '' });
    let slowSent = 0;
    const dribble = setInterval(() => {
      if (slowSent < slowFrame.length && !slow.socket.destroyed) slow.writeRaw(slowFrame.subarray(slowSent, ++slowSent));
    }, 100);

    // The keeper pings well within every deadline for longer than all of them together.
    const keeping = (async () => {
      for (let i = 0; i < 20; i++) {
        expect((await keeper.ping()).code).toBe(0);
        await delay(150);
      }
    })();
    const closed = await Promise.all([silent, prefaceOnly, helloOnly, loggedOut, idle, slow].map((c) => closesWithin(c, 10_000)));
    clearInterval(dribble);
    expect(closed).toEqual([true, true, true, true, true, true]);
    expect(slowSent).toBeLessThan(slowFrame.length);
    await keeping;
    expect(keeper.socket.destroyed).toBe(false);
    expect((await keeper.getStatus(['keeper'])).code).toBe(0);
    await keeper.close();
  });

  test('an HTTP request whose head or body dribbles past its deadline gets 408 and the close; a prompt request is answered', async () => {
    emu = await startEmulator({ port: 0, log: () => {}, limits: { httpHeadersTimeoutMs: 500, httpRequestTimeoutMs: 1000 } });
    /** Sends `head` at once, then one byte of `dribble` every 100 ms; resolves with all it received once closed. */
    const dribbling = (head: string, dribble: string): Promise<{ answer: string; sent: number }> =>
      new Promise((resolve) => {
        let answer = '';
        let sent = 0;
        const s = netConnect({ host: emu.host, port: emu.port }, () => s.write(head));
        const timer = setInterval(() => {
          if (sent < dribble.length) s.write(dribble[sent++]!);
        }, 100);
        s.on('data', (d: Buffer) => (answer += d.toString()));
        s.on('error', () => undefined);
        s.on('close', () => {
          clearInterval(timer);
          resolve({ answer, sent });
        });
      });
    const slowHead = dribbling('POST /v4/a/b HTTP/1.1\r\n', 'x-padding: '.padEnd(300, 'x'));
    const slowBody = dribbling('POST /v4/a/b HTTP/1.1\r\nhost: x\r\ncontent-length: 300\r\n\r\n', '{'.padEnd(300, ' '));
    const prompt = await fetch(`http://${emu.address}/v4/a/b`, { method: 'POST', body: '{}' });
    expect(prompt.status).toBe(200);
    for (const { answer, sent } of await Promise.all([slowHead, slowBody])) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(sent).toBeLessThan(300);
    }
  });

  test('past maxConnections a new connection is closed at once; a slot freed is usable again', async () => {
    emu = await startEmulator({ port: 0, log: () => {}, limits: { maxConnections: 3 } });
    const clients = await Promise.all([1, 2, 3].map(() => ProtocolClient.connect(emu.address)));
    const extra = await ProtocolClient.open(emu.address);
    expect(await closesWithin(extra, 5000)).toBe(true);
    // HTTP counts too: a request on a fourth connection gets no answer, only the close.
    const http = await new Promise<string>((resolve) => {
      const s = netConnect({ host: emu.host, port: emu.port }, () => s.write('POST /v4/x/y HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n'));
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('error', () => undefined);
      s.on('close', () => resolve(got));
    });
    expect(http).toBe('');
    for (const c of clients) expect((await c.ping()).code).toBe(0);

    await clients[0]!.close();
    // The server counts the slot free once it has seen the close: retry until it has.
    let again: ProtocolClient | undefined;
    for (let attempt = 0; attempt < 50 && !again; attempt++) {
      again = await ProtocolClient.connect(emu.address).catch(() => undefined);
      if (!again) await delay(20);
    }
    expect(again).toBeDefined();
    expect((await again!.ping()).code).toBe(0);
    await Promise.all([again!.close(), clients[1]!.close(), clients[2]!.close()]);
  });

  test('startEmulator refuses limits that are not positive integers or not limits', async () => {
    await expect(startEmulator({ port: 0, log: () => {}, limits: { idleTimeoutMs: 0 } })).rejects.toThrow('limits.idleTimeoutMs must be a positive integer');
    await expect(startEmulator({ port: 0, log: () => {}, limits: { maxQueuedBytes: 1.5 } })).rejects.toThrow('limits.maxQueuedBytes');
    await expect(startEmulator({ port: 0, log: () => {}, limits: { frameTimeoutMs: 2 ** 31 } })).rejects.toThrow('at most 2147483647 ms');
    await expect(startEmulator({ port: 0, log: () => {}, limits: { idleTimeout: 5 } as never })).rejects.toThrow('limits.idleTimeout is not a limit');
    emu = await startEmulator({ port: 0, log: () => {}, limits: {} });
  });

  test('a UserSig over MAX_USERSIG_LENGTH is refused 70003 on the protocol and on REST alike', async () => {
    emu = await startEmulator({ port: 0, log: () => {} });
    const long = emu.genUserSig('administrator').padEnd(MAX_USERSIG_LENGTH + 1, 'A');
    const c = await ProtocolClient.connect(emu.address);
    expect((await c.login('alice', long)).code).toBe(70003);
    const res = await fetch(`http://${emu.address}/v4/im_open_login_svc/account_import?sdkappid=${emu.sdkAppId}&identifier=administrator&usersig=${long}&random=1&contenttype=json`, {
      method: 'POST',
      body: '{"UserID":"x"}',
    });
    expect(((await res.json()) as { ErrorCode: number }).ErrorCode).toBe(70003);
    await c.close();
  });
});
