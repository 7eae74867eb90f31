#!/usr/bin/env node
'use strict';
/*
 * Structure-aware fuzzer of the emulator server (lib/emulator, `startEmulator`): the native
 * protocol (docs/emulator-protocol.md) and the REST API, on one port, against a child emulator on
 * 127.0.0.1 (so that a crash is seen as an exit, not as the fuzzer dying with it).
 *
 *   node fuzz/server.js [--seconds N] [--seed S]   fuzz for N seconds (default $FUZZ_SECONDS or 60)
 *   node fuzz/server.js --replay FILE              replay the batch saved in a reproducer file
 *
 * Each case is one TCP connection; a batch runs CONCURRENCY cases at once, then a probe. The bytes
 * of every case come from a PRNG seeded by (seed, batch, case), so `--seed S` replays a run.
 * Findings (exit status 1, reproducer written to build-fuzz/findings/server/):
 *  - the child exits, or reports an uncaughtException / unhandledRejection;
 *  - a hang: a complete, valid request (a native REQUEST after a valid HELLO, or a well-formed HTTP
 *    request) gets neither an answer nor a closed connection within HANG_MS; or the connection is
 *    still open HANG_MS after the fuzzer ended its side;
 *  - a native answer that does not decode, or answers an id that was never asked;
 *  - the probe after a batch fails: a fresh client's HELLO, LOGIN and PING, and one REST call, must
 *    all succeed.
 */
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
/* global AbortSignal */

const root = path.join(__dirname, '..');
require(path.join(root, 'bench/lib/ts-require.js'));

const HANG_MS = 10000;
const CONCURRENCY = 8;
const SDK_APP_ID = 1400000000;
const ADMIN = 'administrator';
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'probe-peer'];
const findingsDir = path.join(root, 'build-fuzz', 'findings', 'server');

// ---------------------------------------------------------------------------------------------
// The child: one emulator, fatal on anything unhandled.

async function child() {
  const fatal = (kind) => (err) => {
    process.stderr.write(`FUZZ-CHILD-FATAL ${kind}: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(70);
  };
  process.on('uncaughtException', fatal('uncaughtException'));
  process.on('unhandledRejection', fatal('unhandledRejection'));
  const { startEmulator } = require(path.join(root, 'lib/emulator/index.ts'));
  const emu = await startEmulator({ host: '127.0.0.1', port: 0, restRateLimit: false, log: () => undefined });
  const sigs = {};
  for (const user of [...USERS, ADMIN, 'probe']) sigs[user] = emu.genUserSig(user);
  process.stdout.write(JSON.stringify({ port: emu.port, sigs }) + '\n');
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(...parts) {
    let h = 2166136261;
    for (const p of parts) {
      h = Math.imul(h ^ (p >>> 0), 16777619) >>> 0;
      h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    }
    this.next = mulberry32(h);
  }
  int(n) {
    return Math.floor(this.next() * n);
  }
  chance(p) {
    return this.next() < p;
  }
  pick(list) {
    return list[this.int(list.length)];
  }
  bytes(n) {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

// ---------------------------------------------------------------------------------------------
// Values shaped like the real ones, and mutations of them.

const ODD_STRINGS = ['', ' ', '\u0000', '\ud800', '\udfff\ud800', 'é', '😀', '\u202e', '%00', '"', '\\', '{}', 'null', '__proto__', 'constructor', 'toString', 'Tag_Profile_Custom_', 'Tag_Profile_Custom_abc'];

function randomString(rng) {
  switch (rng.int(6)) {
    case 0:
      return rng.pick(ODD_STRINGS);
    case 1:
      return rng.pick(USERS);
    case 2:
      return 'x'.repeat(rng.pick([1, 31, 32, 33, 99, 100, 101, 500, 501, 5000]));
    case 3:
      return 'é'.repeat(rng.int(120));
    default: {
      let s = '';
      const n = rng.int(12);
      for (let i = 0; i < n; i++) s += String.fromCharCode(rng.chance(0.8) ? 32 + rng.int(95) : rng.int(0x10000));
      return s;
    }
  }
}

function randomValue(rng, depth = 0) {
  switch (rng.int(depth > 3 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, 1, 2, 3, -1, 0.5, 4294967295, 4294967296, 2 ** 53, -(2 ** 63), 1e308, -0]);
    case 3:
    case 4:
    case 5:
      return randomString(rng);
    case 6:
    case 7: {
      const n = rng.int(5);
      return Array.from({ length: n }, () => randomValue(rng, depth + 1));
    }
    default: {
      const o = {};
      const n = rng.int(4);
      for (let i = 0; i < n; i++) o[randomString(rng)] = randomValue(rng, depth + 1);
      return o;
    }
  }
}

function ids(rng) {
  const n = rng.pick([0, 1, 2, 3, 5, 100, 101, 501]);
  return Array.from({ length: n }, (_, i) => (rng.chance(0.9) ? USERS[i % USERS.length] : randomValue(rng, 3)));
}

/** The `a` field a real client would send for `op` (the JSON of requests.ts), before mutation. */
function opPayload(rng, op) {
  switch (op) {
    case 3:
      return {
        friendship_getprofilelist_param_identifier_array: ids(rng),
        ...(rng.chance(0.5) ? { friendship_getprofilelist_param_force_update: rng.chance(0.5) } : {}),
      };
    case 4: {
      const items = {
        user_profile_item_nick_name: () => randomString(rng),
        user_profile_item_gender: () => rng.int(4),
        user_profile_item_face_url: () => randomString(rng),
        user_profile_item_self_signature: () => randomString(rng),
        user_profile_item_add_permission: () => rng.int(5),
        user_profile_item_location: () => randomString(rng),
        user_profile_item_language: () => rng.pick([0, 1, 4294967295, 4294967296, -1]),
        user_profile_item_birthday: () => rng.int(30000000),
        user_profile_item_level: () => rng.int(10),
        user_profile_item_role: () => rng.int(10),
        user_profile_item_custom_string_array: () =>
          Array.from({ length: rng.pick([0, 1, 2, 21]) }, () => ({
            user_profile_custom_string_info_key: rng.chance(0.7) ? rng.pick(['Tag_Profile_Custom_a', 'b', 'Level', 'x'.repeat(9)]) : randomString(rng),
            user_profile_custom_string_info_value: randomString(rng),
          })),
      };
      const o = {};
      for (const key of Object.keys(items)) if (rng.chance(0.3)) o[key] = items[key]();
      return o;
    }
    case 5:
    case 7:
    case 10: // SUBSCRIBE_USER_INFO
      return ids(rng);
    case 6:
      return { user_status_custom_status: randomString(rng) };
    case 8:
    case 11: // UNSUBSCRIBE_USER_INFO
      return rng.pick([null, [], ids(rng), '']);
    default:
      return '';
  }
}

const REST_BODIES = {
  'im_open_login_svc/account_import': (rng) => ({ UserID: rng.pick(USERS), Nick: randomString(rng), FaceUrl: randomString(rng) }),
  'im_open_login_svc/multiaccount_import': (rng) => ({ Accounts: ids(rng) }),
  'profile/portrait_set': (rng) => ({
    From_Account: rng.pick(USERS),
    ProfileItem: [{ Tag: rng.pick(['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Gender', 'Tag_Profile_Custom_a', 'Tag_Profile_IM_Level']), Value: randomValue(rng, 3) }],
  }),
  'profile/portrait_get': (rng) => ({ To_Account: ids(rng), TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_Custom_a'] }),
  'group_open_http_svc/create_group': (rng) => ({
    Type: rng.pick(['Public', 'Private', 'ChatRoom', 'AVChatRoom', 'Community', 'Work', 'x']),
    Name: randomString(rng),
    ...(rng.chance(0.5) ? { Owner_Account: rng.pick(USERS) } : {}),
    ...(rng.chance(0.5) ? { GroupId: rng.pick(['g1', '@TGS#abc', '@TGS#_c', '@TGS#', randomString(rng)]) } : {}),
  }),
  'group_open_http_svc/add_group_member': (rng) => ({ GroupId: rng.pick(['g1', 'g2']), MemberList: ids(rng).map((a) => ({ Member_Account: a })) }),
  'group_open_http_svc/delete_group_member': (rng) => ({ GroupId: rng.pick(['g1', 'g2']), MemberToDel_Account: ids(rng), Reason: randomString(rng) }),
  'group_open_http_svc/modify_group_member_info': (rng) => ({
    GroupId: 'g1',
    Member_Account: rng.pick(USERS),
    Role: rng.pick(['Admin', 'Member', 'Owner']),
    NameCard: randomString(rng),
  }),
  'group_open_http_svc/destroy_group': (rng) => ({ GroupId: rng.pick(['g1', 'g2', '@TGS#x']) }),
  'group_open_http_svc/get_group_member_info': (rng) => ({ GroupId: 'g1', Limit: rng.pick([0, 1, 100, -1, 1e9]), Offset: rng.int(5) }),
  'group_open_http_svc/get_specified_group_member_info': (rng) => ({ GroupId: 'g1', Member_List_Account: ids(rng) }),
  'openim/query_online_status': (rng) => ({ To_Account: ids(rng), IsNeedDetail: rng.int(3), IsReturnCustomStatus: rng.int(3) }),
};

/** Replaces a random node of `v` with a random value, `n` times (the shape is kept otherwise). */
function mutateValue(rng, v, n) {
  for (let i = 0; i < n; i++) {
    if (v === null || typeof v !== 'object' || rng.chance(0.1)) return randomValue(rng);
    const keys = Object.keys(v);
    if (keys.length === 0 || rng.chance(0.2)) {
      if (Array.isArray(v)) v.push(randomValue(rng));
      else v[randomString(rng)] = randomValue(rng);
      continue;
    }
    const key = rng.pick(keys);
    v[key] = rng.chance(0.5) ? randomValue(rng) : mutateValue(rng, v[key], 1);
  }
  return v;
}

/** JSON text for `value`, sometimes mutated, sometimes broken as text. */
function jsonText(rng, value) {
  if (rng.chance(0.4)) value = mutateValue(rng, value, 1 + rng.int(3));
  if (rng.chance(0.03)) {
    const depth = rng.pick([100, 129, 1000, 20000]);
    return '['.repeat(depth) + ']'.repeat(rng.chance(0.5) ? depth : rng.int(depth));
  }
  let text = value === '' ? '' : JSON.stringify(value) ?? '';
  if (rng.chance(0.15)) {
    switch (rng.int(4)) {
      case 0:
        text = text.slice(0, rng.int(text.length + 1));
        break;
      case 1: {
        const at = rng.int(text.length + 1);
        text = text.slice(0, at) + rng.pick(['"', '\\', ',', '}', ']', '\u0000', '\ud800', 'NaN', '1e99999']) + text.slice(at);
        break;
      }
      case 2:
        text = rng.pick(['', ' ', 'null', 'true', '0', '"s"', '[]', '{}', '{"a":1,"a":2}']);
        break;
      default:
        text = `${text}${rng.pick([' ', 'x', '}', '\n'])}`;
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Native protocol cases.

const u8 = (v) => Buffer.from([v & 0xff]);
const u16 = (v) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v & 0xffff);
  return b;
};
const u32 = (v) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
const u64 = (v) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, BigInt(v)));
  return b;
};
const str = (s) => {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8');
  return Buffer.concat([u32(b.length), b]);
};
const framed = (body) => Buffer.concat([u32(body.length), body]);
// Protocol version 2 (docs/emulator-protocol.md, "Handshake"): the device and platform follow the
// client name; a version-1 HELLO ends after it (and is refused).
const hello = (version, appId, client, device = 'fuzz-device', platform = 'Linux') =>
  framed(Buffer.concat([u8(1), u16(version), u64(appId), str(client), ...(version >= 2 ? [str(device), str(platform)] : [])]));
const request = (id, op, a, b) => framed(Buffer.concat([u8(0x10), u32(id), u8(op), str(a), str(b)]));

function nativeCase(rng, sigs) {
  const parts = [];
  parts.push(rng.chance(0.93) ? Buffer.from('TIMEMU01') : rng.pick([Buffer.from('TIMEMU02'), Buffer.from('TIMEMU0'), rng.bytes(rng.int(9)), Buffer.from('GET / HTTP/1.1\r\n\r\n')]));
  if (rng.chance(0.95)) {
    parts.push(
      hello(
        rng.chance(0.9) ? 2 : rng.pick([0, 1, 3, 0xffff]),
        rng.chance(0.85) ? SDK_APP_ID : rng.pick([0, 1, -1, SDK_APP_ID + 1]),
        rng.chance(0.9) ? 'fuzz/2' : randomString(rng),
        rng.chance(0.9) ? `device-${rng.int(4)}` : randomString(rng),
        rng.chance(0.9) ? rng.pick(['Linux', 'Windows', 'Mac', 'iPhone', 'Android']) : randomString(rng),
      ),
    );
  }
  let id = rng.int(3);
  if (rng.chance(0.6)) {
    const user = rng.pick(USERS.slice(0, 6));
    parts.push(request(id++, 1, user, rng.chance(0.85) ? sigs[user] : rng.pick(['', 'x', sigs[ADMIN], sigs[user].slice(0, 20)])));
  }
  const n = rng.int(9);
  for (let i = 0; i < n; i++) {
    const op = rng.chance(0.9) ? 1 + rng.int(11) : rng.pick([0, 12, 0x7f, 0xff]);
    if (rng.chance(0.05)) {
      parts.push(rng.pick([hello(2, SDK_APP_ID, 'again'), framed(Buffer.concat([u8(rng.pick([0x02, 0x03, 0x11, 0x20, 0x00, 0xff])), rng.bytes(rng.int(20))]))]));
      continue;
    }
    const reqId = rng.chance(0.9) ? id++ : rng.pick([0, 0xffffffff, id - 1]);
    let a;
    let b = rng.chance(0.95) ? '' : randomString(rng);
    if (op === 1) {
      const user = rng.chance(0.8) ? rng.pick(USERS) : randomString(rng);
      a = user;
      b = Object.hasOwn(sigs, user) && rng.chance(0.8) ? sigs[user] : randomString(rng);
    } else {
      a = jsonText(rng, opPayload(rng, op));
    }
    if (rng.chance(0.01)) a = 'x'.repeat(rng.pick([65536, 1048576 - 30, 1048576]));
    parts.push(request(reqId, op, a, b));
  }
  let bytes = Buffer.concat(parts);
  if (rng.chance(0.25)) bytes = mutateBytes(rng, bytes);
  return { kind: 'native', bytes: bytes.toString('base64'), chunks: chunking(rng, bytes.length), endAfter: rng.chance(0.3) };
}

function mutateBytes(rng, bytes) {
  const b = Buffer.from(bytes);
  switch (rng.int(6)) {
    case 0:
      for (let i = 0, n = 1 + rng.int(4); i < n && b.length > 0; i++) b[rng.int(b.length)] ^= 1 << rng.int(8);
      return b;
    case 1:
      return b.subarray(0, rng.int(b.length + 1));
    case 2: {
      // A length field (or a str length) set to an edge value.
      if (b.length < 12) return b;
      const at = 8 + rng.int(b.length - 11);
      b.writeUInt32BE(rng.pick([0, 1, 5, 1048576, 1048577, 0x7fffffff, 0xffffffff, b.readUInt32BE(at) + 1, Math.max(0, b.readUInt32BE(at) - 1)]) >>> 0, at);
      return b;
    }
    case 3: {
      const at = rng.int(b.length + 1);
      return Buffer.concat([b.subarray(0, at), rng.bytes(1 + rng.int(16)), b.subarray(at)]);
    }
    case 4:
      return Buffer.concat([b, b.subarray(8)]);
    default:
      return Buffer.concat([b, rng.bytes(rng.int(64))]);
  }
}

/** Sizes of the writes (the rest in one), so that frames also arrive cut at odd places. */
function chunking(rng, size) {
  if (rng.chance(0.5)) return [];
  const out = [];
  let left = size;
  while (left > 0 && out.length < 40) {
    const n = 1 + rng.int(Math.min(left, rng.chance(0.5) ? 7 : 4096));
    out.push(n);
    left -= n;
  }
  return out;
}

/**
 * What the server must answer to `bytes`, following its rules: the ids of the complete REQUESTs
 * before anything that ends the connection or waits for more bytes.
 */
function expectedAnswers(bytes) {
  const { decodeFrameBody, PLATFORMS, PROTOCOL_VERSION } = require(path.join(root, 'lib/emulator/protocol.ts'));
  if (bytes.length < 8 || bytes.subarray(0, 8).toString('latin1') !== 'TIMEMU01') return [];
  const ids = [];
  let pos = 8;
  let first = true;
  for (;;) {
    if (bytes.length - pos < 4) return ids;
    const length = bytes.readUInt32BE(pos);
    if (length > 1048576 || bytes.length - pos - 4 < length) return ids;
    let frame;
    try {
      frame = decodeFrameBody(bytes.subarray(pos + 4, pos + 4 + length));
    } catch {
      return ids;
    }
    pos += 4 + length;
    if (first) {
      // A HELLO the server takes (lib/emulator/session.ts): the current version, a known platform,
      // a device identity of at most 64 printable ASCII characters; anything else is REFUSED.
      const accepted =
        frame.type === 0x01 && frame.version === PROTOCOL_VERSION && PLATFORMS.includes(frame.platform) && /^[\x21-\x7e]{0,64}$/.test(frame.device);
      if (!accepted) return ids;
      first = false;
    } else if (frame.type === 0x10) {
      ids.push(frame.id);
    } else {
      return ids;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// REST cases.

function restCase(rng, sigs) {
  const apis = Object.keys(REST_BODIES);
  const api = rng.pick(apis);
  let target = `/v4/${api}`;
  let clean = true;
  if (rng.chance(0.15)) {
    target = rng.pick([
      '/v4/profile/unknown',
      '/v4/nosuch/cmd',
      `/v4/${api}/extra`,
      '/v4//',
      '/',
      '/v4/%70rofile/portrait_get',
      `/v4/${api}#frag`,
      '/v4/' + 'a'.repeat(rng.pick([100, 9000])) + '/b',
      '*',
      'http://127.0.0.1/v4/openim/query_online_status',
    ]);
  }
  const params = [];
  const add = (name, good, bad) => {
    if (rng.chance(0.9)) params.push([name, rng.chance(0.85) ? good : rng.pick(bad)]);
    if (rng.chance(0.03)) params.push([name, rng.pick(bad)]);
  };
  add('sdkappid', String(SDK_APP_ID), ['', '0', '1400000001', '1e9', '1400000000.0', '-1', '99999999999999999999', ' 1400000000']);
  add('identifier', ADMIN, ['', 'u0', 'ADMINISTRATOR', '%00', 'é']);
  add('usersig', sigs[ADMIN], ['', 'x', sigs.u0, sigs[ADMIN].slice(0, 30), sigs[ADMIN] + 'A', '%%%']);
  add('random', String(rng.int(2 ** 32)), ['', '-1', '4294967296', '12345678901', 'abc', '1.5']);
  if (rng.chance(0.6)) params.push(['contenttype', rng.chance(0.9) ? 'json' : rng.pick(['xml', 'JSON', ''])]);
  for (let i = params.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [params[i], params[j]] = [params[j], params[i]];
  }
  const query = params.map(([k, v]) => (rng.chance(0.95) ? `${k}=${encodeURIComponent(v)}` : `${k}=${v}`)).join('&');
  if (query) target += `?${query}`;
  if (rng.chance(0.03)) {
    target += rng.pick([' ', '\u0000', '\r', 'é']);
    clean = false;
  }
  const method = rng.chance(0.9) ? 'POST' : rng.pick(['GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'FOO']);
  if (method === 'HEAD') clean = false; // an answer without a body: not counted below
  let body = Buffer.from(rng.chance(0.05) ? randomString(rng) : jsonText(rng, REST_BODIES[api](rng)), 'utf8');
  if (rng.chance(0.01)) body = Buffer.alloc(1048576 + rng.int(2), 0x20);
  const headers = [`Host: 127.0.0.1`];
  if (rng.chance(0.8)) headers.push(`Content-Type: ${rng.chance(0.9) ? 'application/json' : rng.pick(['text/plain', '', 'application/json; charset=latin1'])}`);
  let bodyBytes = body;
  if (rng.chance(0.1)) {
    headers.push('Transfer-Encoding: chunked');
    bodyBytes = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
    if (rng.chance(0.2)) {
      bodyBytes = bodyBytes.subarray(0, rng.int(bodyBytes.length));
      clean = false;
    }
  } else if (rng.chance(0.93)) {
    const length = rng.chance(0.9) ? body.length : rng.pick([0, body.length + 1, body.length - 1, -1, 'abc', 2 ** 40]);
    if (length !== body.length) clean = false;
    headers.push(`Content-Length: ${length}`);
  } else if (body.length > 0) {
    clean = false; // without a length the body is the next request's bytes
  }
  if (rng.chance(0.05)) headers.push(`X-${randomString(rng).replace(/[^A-Za-z]/g, 'a')}: ${'v'.repeat(rng.pick([1, 20000]))}`);
  if (rng.chance(0.1)) headers.push(`Connection: ${rng.pick(['close', 'keep-alive', 'upgrade'])}`);
  if (rng.chance(0.02)) {
    headers.push('Bad Header Line');
    clean = false;
  }
  let bytes = Buffer.concat([Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'utf8'), bodyBytes]);
  if (rng.chance(0.05)) {
    bytes = mutateBytes(rng, bytes);
    clean = false;
  }
  return { kind: 'rest', bytes: bytes.toString('base64'), chunks: chunking(rng, bytes.length), endAfter: rng.chance(0.3), clean };
}

// ---------------------------------------------------------------------------------------------
// Running cases against the child.

function decodeServerFrames() {
  const { FrameDecoder } = require(path.join(root, 'lib/emulator/protocol.ts'));
  return new FrameDecoder();
}

/** Counts the complete HTTP responses in `buf` (header block, then Content-Length bytes). */
function countHttpResponses(buf) {
  let count = 0;
  let pos = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', pos, 'latin1');
    if (end < 0) return count;
    const head = buf.subarray(pos, end).toString('latin1');
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const length = m ? Number(m[1]) : 0;
    if (buf.length < end + 4 + length) return count;
    count++;
    pos = end + 4 + length;
  }
}

/** Runs one case; resolves with undefined (fine) or a finding's description. */
function runCase(port, c) {
  const bytes = Buffer.from(c.bytes, 'base64');
  const expected = c.kind === 'native' ? expectedAnswers(bytes) : c.clean ? [0] : [];
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    // A connection without the preface is the HTTP server's: its answer is not frames.
    const speaksNative = c.kind === 'native' && bytes.subarray(0, 8).toString('latin1') === 'TIMEMU01';
    const frames = speaksNative ? decodeServerFrames() : undefined;
    const waiting = new Map();
    for (const id of expected) waiting.set(id, (waiting.get(id) ?? 0) + 1);
    let received = Buffer.alloc(0);
    let answered = 0;
    let closed = false;
    let finding;
    let ended = false;
    let written = false;
    let timer;
    const finish = (why) => {
      if (why && !finding) finding = why;
      clearTimeout(timer);
      socket.destroy();
      resolve(finding);
    };
    const endOurSide = () => {
      if (ended || closed) return;
      ended = true;
      socket.end();
      clearTimeout(timer);
      timer = setTimeout(() => finish(`hang: connection still open ${HANG_MS} ms after the client ended its side`), HANG_MS);
    };
    const allAnswered = () => (c.kind === 'native' ? [...waiting.values()].every((n) => n <= 0) : answered >= expected.length);
    socket.on('data', (chunk) => {
      if (frames) {
        try {
          for (const f of frames.push(chunk)) {
            if (f.type === 0x11) {
              if (!waiting.has(f.id)) finding ??= `answer for id ${f.id}, which was never asked`;
              else waiting.set(f.id, waiting.get(f.id) - 1);
            } else if (f.type !== 0x02 && f.type !== 0x03 && f.type !== 0x20) {
              finding ??= `server sent frame type ${f.type}`;
            }
          }
        } catch (e) {
          finding ??= `server sent an undecodable frame: ${e.message}`;
        }
      } else {
        received = Buffer.concat([received, chunk]);
        answered = countHttpResponses(received);
      }
      if (written && allAnswered()) endOurSide();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('connect', async () => {
      let pos = 0;
      for (const n of c.chunks) {
        if (closed) return;
        socket.write(bytes.subarray(pos, pos + n));
        pos += n;
        await new Promise((r) => setImmediate(r));
      }
      if (closed) return;
      socket.write(bytes.subarray(pos));
      written = true;
      if (c.endAfter || allAnswered()) {
        if (allAnswered()) endOurSide();
        else socket.end();
      }
      if (!ended) {
        timer = setTimeout(() => {
          if (!allAnswered()) {
            const missing = c.kind === 'native' ? [...waiting].filter(([, n]) => n > 0).map(([id]) => id) : ['the HTTP response'];
            finding ??= `hang: no answer to ${missing.join(', ')} and no close within ${HANG_MS} ms`;
          }
          endOurSide();
        }, HANG_MS);
      }
    });
  });
}

/** A fresh client logs in and pings; a REST call is answered. Resolves with a finding or undefined. */
async function probe(port, sigs) {
  const native = {
    kind: 'native',
    bytes: Buffer.concat([Buffer.from('TIMEMU01'), hello(2, SDK_APP_ID, 'probe', 'probe-device', 'Linux'), request(1, 1, 'probe', sigs.probe), request(2, 9, '', '')]).toString('base64'),
    chunks: [],
  };
  const bytes = Buffer.from(native.bytes, 'base64');
  const answers = await new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const decoder = decodeServerFrames();
    const got = {};
    const timer = setTimeout(() => done('timeout'), HANG_MS);
    const done = (why) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why ?? got);
    };
    socket.on('error', (e) => done(`error ${e.message}`));
    socket.on('close', () => done('closed'));
    socket.on('data', (chunk) => {
      try {
        for (const f of decoder.push(chunk)) if (f.type === 0x11) got[f.id] = f.code;
      } catch (e) {
        done(`undecodable: ${e.message}`);
      }
      if (got[1] !== undefined && got[2] !== undefined) done();
    });
    socket.on('connect', () => socket.write(bytes));
  });
  if (typeof answers === 'string' || answers[1] !== 0 || answers[2] !== 0) return `probe: native login+ping failed (${JSON.stringify(answers)})`;
  const query = `sdkappid=${SDK_APP_ID}&identifier=${ADMIN}&usersig=${encodeURIComponent(sigs[ADMIN])}&random=1&contenttype=json`;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v4/openim/query_online_status?${query}`, {
      method: 'POST',
      body: JSON.stringify({ To_Account: ['probe'] }),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const body = await res.json();
    if (body.ActionStatus !== 'OK') return `probe: REST call failed: ${JSON.stringify(body)}`;
  } catch (e) {
    return `probe: REST call failed: ${e.message}`;
  }
  return undefined;
}

function startChild() {
  const proc = spawn(process.execPath, [__filename, '--child'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-20000);
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    exited.then(({ code, signal }) => reject(new Error(`child exited before listening (code ${code}, signal ${signal}): ${stderr}`)));
  });
  return { proc, ready, exited, stderr: () => stderr };
}

function saveReproducer(seed, batch, cases, finding) {
  fs.mkdirSync(findingsDir, { recursive: true });
  const file = path.join(findingsDir, `seed-${seed}-batch-${batch}.json`);
  fs.writeFileSync(file, JSON.stringify({ seed, batch, finding, cases }, null, 1));
  return file;
}

async function main() {
  const args = process.argv.slice(2);
  const arg = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (args.includes('--child')) return child();
  const replay = arg('--replay');
  const seconds = Number(arg('--seconds') ?? process.env.FUZZ_SECONDS ?? 60);
  const seed = replay ? JSON.parse(fs.readFileSync(replay, 'utf8')).seed : Number(arg('--seed') ?? process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`server fuzz: seed ${seed} (replay the run with --seed ${seed})${replay ? `, replaying ${replay}` : `, ${seconds} s`}`);

  const emu = startChild();
  const { port, sigs } = await emu.ready;
  let dead;
  emu.exited.then(({ code, signal }) => {
    dead = `the emulator exited (code ${code}, signal ${signal})`;
  });
  const deadline = Date.now() + seconds * 1000;
  let batch = 0;
  let total = 0;
  let finding;
  let cases = [];
  while (!finding) {
    if (replay) {
      if (batch > 0) break;
      cases = JSON.parse(fs.readFileSync(replay, 'utf8')).cases;
    } else {
      if (Date.now() >= deadline) break;
      cases = Array.from({ length: CONCURRENCY }, (_, i) => {
        const rng = new Rng(seed, batch, i);
        return rng.chance(0.55) ? nativeCase(rng, sigs) : restCase(rng, sigs);
      });
    }
    const results = await Promise.all(cases.map((c) => runCase(port, c)));
    total += cases.length;
    const bad = results.findIndex((r) => r !== undefined);
    // Give an exit caused by this batch the time to be seen before probing.
    await new Promise((r) => setTimeout(r, 5));
    finding = dead ?? (bad >= 0 ? `case ${bad}: ${results[bad]}` : undefined) ?? (await probe(port, sigs)) ?? dead;
    batch++;
  }
  emu.proc.kill('SIGTERM');
  await emu.exited;
  if (finding) {
    const file = replay ?? saveReproducer(seed, batch - 1, cases, finding);
    console.error(`server fuzz: FINDING after ${total} cases: ${finding}`);
    const tail = emu.stderr().trim();
    if (tail) console.error(`emulator stderr:\n${tail.slice(-4000)}`);
    console.error(`reproducer: ${file}  (node fuzz/server.js --replay ${file})`);
    process.exitCode = 1;
    return;
  }
  console.log(`server fuzz: ${total} cases in ${batch} batches, no finding`);
}

main().catch((e) => {
  console.error(e);
  process.exit(2); // also ends the child (its pipes would keep this process alive)
});
