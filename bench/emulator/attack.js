'use strict';
// Attacks on the emulator (docs/limits.md) while a well-behaved client keeps making round trips:
// the client's latency and the server's memory during and after each attack. The emulator runs
// in a child process of this script (default limits, --expose-gc: memory is sampled after GC),
// on 127.0.0.1; every attack stops by itself after `--seconds`.
//
//   node bench/emulator/attack.js [--seconds 3] [--attacks zip-bomb,slowloris,...] [--json]
//
// --attacks runs the named attacks in that order (a name may repeat: a second run shows whether
// memory kept from the first is reused); default: all, each once.
// Needs the compiled package (npm run build). Goals: the well-behaved client's p99 under 50 ms
// during every attack, a zip-bomb LOGIN answered in under 50 ms, and no memory left once the
// attacker has gone. Attacks:
//   baseline      none
//   zip-bomb      11 connections send LOGINs whose 1 MB UserSig inflates to 740 MB, back to back
//   never-reads   a logged-in client pipelines 4000 GET_STATUS of 500 ids (60 KB answers) and
//                 reads nothing
//   stuck-sub     a subscriber reads nothing while the user it watches changes its 2 KB profile
//                 as fast as it can (pipelined, 200 at a time)
//   slowloris     200 connections each park a 1 MB frame one byte short
//   http-pipeline an HTTP client pipelines 20000 requests and reads nothing
//   conn-flood    1500 connections send the preface and HELLO, then nothing
const { spawn } = require('child_process');
const net = require('net');
const path = require('path');
const zlib = require('zlib');
const { DIST, ROOT } = require('../lib/machine');

const MB = 1024 * 1024;

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

// ---- the emulator process -------------------------------------------------------------------

async function serve() {
  const { startEmulator } = require(path.join(DIST, 'emulator', 'index.js'));
  const emu = await startEmulator({ host: '127.0.0.1', port: 0, restRateLimit: false, log: () => {} });
  let handled = 0;
  emu.on('request', (e) => {
    if (e.transport === 'protocol') handled++;
  });
  process.stdout.write(`ATTACK-READY ${JSON.stringify({ address: emu.address, host: emu.host, port: emu.port, sdkAppId: emu.sdkAppId, secretKey: emu.secretKey })}\n`);
  process.stdin.setEncoding('utf8');
  let pending = '';
  process.stdin.on('data', (chunk) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      pending = pending.slice(nl + 1);
      global.gc();
      global.gc();
      const m = process.memoryUsage();
      process.stdout.write(`ATTACK-MEM ${JSON.stringify({ rss: m.rss, live: m.heapUsed + m.arrayBuffers, maxRss: process.resourceUsage().maxRSS * 1024, handled })}\n`);
    }
  });
  process.stdin.on('end', () => emu.close().then(() => process.exit(0)));
}

function startServer() {
  const child = spawn(process.execPath, ['--expose-gc', __filename, '--server'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiters = [];
  let ready;
  const readyP = new Promise((resolve) => (ready = resolve));
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith('ATTACK-READY ')) ready(JSON.parse(line.slice(13)));
      else if (line.startsWith('ATTACK-MEM ')) waiters.shift()(JSON.parse(line.slice(11)));
    }
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    ready: readyP,
    exited,
    memory: () =>
      new Promise((resolve) => {
        waiters.push(resolve);
        child.stdin.write('mem\n');
      }),
    stop: () => {
      child.stdin.end();
      return exited;
    },
  };
}

// ---- helpers --------------------------------------------------------------------------------

function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] : NaN);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** A zlib stream of `megabytes` MB of spaces (about 1 KB a MB), as in test/emulator-limits.test.ts. */
function zlibBombOfSpaces(megabytes) {
  const segment = zlib.deflateRawSync(Buffer.alloc(MB, 0x20), { finishFlush: zlib.constants.Z_FULL_FLUSH });
  const n = BigInt(megabytes) * BigInt(MB);
  const a = (1n + 32n * n) % 65521n;
  const b = (n + (32n * n * (n + 1n)) / 2n) % 65521n;
  const tail = Buffer.from([0x03, 0x00, 0, 0, 0, 0]);
  tail.writeUInt32BE(Number((b << 16n) | a), 2);
  return Buffer.concat([Buffer.from([0x78, 0x9c]), ...Array(megabytes).fill(segment), tail]);
}

function rawConnect(server) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: server.host, port: server.port }, () => {
      s.removeListener('error', reject);
      s.on('error', () => undefined);
      resolve(s);
    });
    s.once('error', reject);
  });
}

// ---- attacks: each returns stop() -> outcome --------------------------------------------------

const attacks = {
  baseline: async () => () => ({}),

  'zip-bomb': async (server, { protocol }) => {
    const bomb = zlibBombOfSpaces(740).toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
    // Encoded once: the attackers cost this process as little as possible (the probe shares it).
    const hello = Buffer.concat([
      protocol.PREFACE,
      protocol.encodeFrame({ type: protocol.FrameType.Hello, version: protocol.PROTOCOL_VERSION, sdkAppId: BigInt(server.sdkAppId), client: 'bomb', platform: 'Linux' }),
    ]);
    const login = protocol.encodeFrame({ type: protocol.FrameType.Request, id: 1, op: protocol.Op.Login, a: 'mallory', b: bomb });
    let running = true;
    const answers = [];
    const codes = new Map();
    const sockets = [];
    const loops = Array.from({ length: 11 }, async () => {
      const s = await rawConnect(server);
      sockets.push(s);
      const decoder = new protocol.FrameDecoder();
      let answered;
      s.on('data', (chunk) => {
        for (const f of decoder.push(chunk)) if (f.type === protocol.FrameType.Response) answered(f.code);
      });
      s.once('close', () => answered?.(-1));
      s.write(hello);
      while (running && !s.destroyed) {
        const t0 = performance.now();
        const code = await new Promise((resolve) => {
          answered = resolve;
          s.write(login);
        });
        answers.push(performance.now() - t0);
        codes.set(code, (codes.get(code) || 0) + 1);
      }
    });
    return async () => {
      running = false;
      await Promise.all(loops);
      for (const s of sockets) s.destroy();
      const p = percentiles(answers);
      return { bombs: p.count, sigBytes: bomb.length, codes: Object.fromEntries(codes), answerP50ms: +p.p50.toFixed(2), answerP99ms: +p.p99.toFixed(2) };
    };
  },

  'never-reads': async (server, { ProtocolClient, protocol, sig }) => {
    const c = await ProtocolClient.connect(server.address, { sdkAppId: server.sdkAppId });
    await c.login('reader', sig('reader'));
    c.socket.pause();
    const ids = Array.from({ length: 500 }, (_, i) => i.toString(36));
    const frame = protocol.encodeFrame({ type: protocol.FrameType.Request, id: 1, op: protocol.Op.GetStatus, a: JSON.stringify(ids), b: '' });
    for (let i = 0; i < 4000; i++) c.socket.write(frame);
    return async () => {
      const queuedAtClient = c.socket.writableLength;
      c.destroy();
      return { sent: 4000, unsentAtClientMB: +(queuedAtClient / MB).toFixed(1) };
    };
  },

  'stuck-sub': async (server, { ProtocolClient, sig }) => {
    const stuck = await ProtocolClient.connect(server.address, { sdkAppId: server.sdkAppId });
    await stuck.login('stuck', sig('stuck'));
    await stuck.subscribeUserInfo(['star']); // profile changes reach user-info subscribers (TIMManager.h 6.3)
    stuck.socket.pause();
    let stuckClosed = false;
    stuck.closed.then(() => (stuckClosed = true));
    const star = await ProtocolClient.connect(server.address, { sdkAppId: server.sdkAppId });
    await star.login('star', sig('star'));
    let running = true;
    let changes = 0;
    const loop = (async () => {
      while (running) {
        const batch = Array.from({ length: 200 }, (_, i) => {
          const text = `${changes + i}`.padEnd(500, 'x');
          return star.modifyProfile({ user_profile_item_nick_name: text, user_profile_item_self_signature: text, user_profile_item_face_url: text, user_profile_item_location: text });
        });
        await Promise.all(batch);
        changes += batch.length;
        star.takePushes();
        // A socket that reads nothing learns of the close only when it writes.
        if (!stuckClosed) stuck.ping().catch(() => undefined);
      }
    })();
    return async () => {
      running = false;
      await loop;
      const closed = stuckClosed;
      stuck.destroy();
      await star.close();
      return { changes, stuckClosedByServer: closed };
    };
  },

  slowloris: async (server, { protocol }) => {
    const sockets = [];
    const head = Buffer.alloc(4);
    head.writeUInt32BE(protocol.MAX_FRAME_LENGTH, 0);
    const body = Buffer.alloc(protocol.MAX_FRAME_LENGTH - 1, 0x01);
    for (let i = 0; i < 200; i++) {
      const s = await rawConnect(server);
      s.write(Buffer.concat([protocol.PREFACE, head]));
      s.write(body);
      sockets.push(s);
    }
    return async () => {
      const open = sockets.filter((s) => !s.destroyed).length;
      for (const s of sockets) s.destroy();
      return { connections: 200, openAtEnd: open };
    };
  },

  'http-pipeline': async (server) => {
    const s = await rawConnect(server);
    s.pause();
    const req = Buffer.from('POST /v4/a/b HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}');
    for (let i = 0; i < 20000; i++) s.write(req);
    return async () => {
      const unsent = s.writableLength;
      s.destroy();
      return { sent: 20000, unsentAtClientMB: +(unsent / MB).toFixed(1) };
    };
  },

  'conn-flood': async (server, { protocol }) => {
    const hello = Buffer.concat([
      protocol.PREFACE,
      protocol.encodeFrame({ type: protocol.FrameType.Hello, version: protocol.PROTOCOL_VERSION, sdkAppId: BigInt(server.sdkAppId), client: 'flood', platform: 'Linux' }),
    ]);
    const sockets = [];
    for (let i = 0; i < 1500; i += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, () => rawConnect(server)));
      for (const s of batch) s.write(hello);
      sockets.push(...batch);
    }
    return async () => {
      const open = sockets.filter((s) => !s.destroyed).length;
      for (const s of sockets) s.destroy();
      return { connections: 1500, openAtEnd: open };
    };
  },
};

// ---- main -----------------------------------------------------------------------------------

async function main() {
  const seconds = Number(option('seconds', '3'));
  if (!(seconds > 0 && seconds <= 30)) throw new Error('--seconds must be in (0, 30]');
  require('../lib/ts-require');
  const { ProtocolClient } = require(path.join(ROOT, 'test', 'helpers', 'protocol-client.ts'));
  const protocol = require(path.join(DIST, 'emulator', 'protocol.js'));
  const { genUserSig } = require(path.join(DIST, 'usersig.js'));
  const emu = startServer();
  const server = await emu.ready;
  const sig = (userId) => genUserSig({ sdkAppId: server.sdkAppId, secretKey: server.secretKey, userId });
  const tools = { ProtocolClient, protocol, sig };

  const probe = await ProtocolClient.connect(server.address, { sdkAppId: server.sdkAppId });
  if ((await probe.login('probe', sig('probe'))).code !== 0) throw new Error('probe login failed');
  const results = [];
  const names = option('attacks', Object.keys(attacks).join(',')).split(',');
  for (const name of names) if (!attacks[name]) throw new Error(`unknown attack ${name}; known: ${Object.keys(attacks).join(', ')}`);
  for (const name of names) {
    const start = attacks[name];
    const before = await emu.memory();
    const stop = await start(server, tools);
    // The well-behaved client: one GET_STATUS at a time for `seconds`.
    const latencies = [];
    let failures = 0;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const t0 = performance.now();
      const r = await probe.getStatus(['probe', 'star']);
      latencies.push(performance.now() - t0);
      if (r.code !== 0) failures++;
    }
    const during = await emu.memory();
    const outcome = await stop();
    await delay(300);
    const after = await emu.memory();
    const p = percentiles(latencies);
    results.push({
      attack: name,
      probeCalls: p.count,
      probeFailures: failures,
      probeP50ms: +p.p50.toFixed(2),
      probeP99ms: +p.p99.toFixed(2),
      probeMaxMs: +p.max.toFixed(2),
      serverDuringMB: +((during.rss - before.rss) / MB).toFixed(1),
      serverPeakMB: +((during.maxRss - before.maxRss) / MB).toFixed(1),
      serverAfterMB: +((after.rss - before.rss) / MB).toFixed(1),
      serverLiveAfterMB: +((after.live - before.live) / MB).toFixed(1),
      attackerRequestsHandled: during.handled - before.handled - p.count,
      ...outcome,
    });
  }
  await probe.close();
  const exit = await emu.stop();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ seconds, results, serverExit: exit })}\n`);
    return;
  }
  console.log(`attack phases of ${seconds} s; probe = one GET_STATUS round trip at a time; server MB = RSS change after GC (peak: max RSS; live: heap used + array buffers)`);
  for (const r of results) {
    const { attack, probeCalls, probeFailures, probeP50ms, probeP99ms, probeMaxMs, serverDuringMB, serverPeakMB, serverAfterMB, serverLiveAfterMB, ...rest } = r;
    console.log(
      `${attack.padEnd(14)} probe ${String(probeCalls).padStart(6)} calls ${probeFailures} failed  p50 ${probeP50ms.toFixed(2).padStart(6)} ms  p99 ${probeP99ms.toFixed(2).padStart(6)} ms  max ${probeMaxMs.toFixed(2).padStart(7)} ms` +
        `  server during ${String(serverDuringMB).padStart(6)} MB peak ${String(serverPeakMB).padStart(6)} MB after ${String(serverAfterMB).padStart(5)} MB (live ${String(serverLiveAfterMB).padStart(5)} MB)  ${JSON.stringify(rest)}`,
    );
  }
  console.log(`server exit: ${JSON.stringify(exit)}`);
}

if (process.argv.includes('--server')) {
  serve().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
}
