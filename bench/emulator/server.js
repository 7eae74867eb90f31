'use strict';
// The emulator under test, in its own process: started by the runner, it prints
// `BENCH-READY {json}` with its address and closes when its standard input ends. Listens on
// 127.0.0.1 only, REST rate limit off. Each line `cpu` on standard input is answered with
// `BENCH-CPU {json}`: the process's CPU time so far (µs), so the runner can charge each load's
// server CPU per request.
const path = require('path');
const { DIST } = require('../lib/machine');

async function main() {
  const { startEmulator } = require(path.join(DIST, 'emulator', 'index.js'));
  const emu = await startEmulator({ host: '127.0.0.1', port: 0, restRateLimit: false, log: () => {} });
  const cpu0 = process.cpuUsage();
  process.stdout.write(`BENCH-READY ${JSON.stringify({ address: emu.address, host: emu.host, port: emu.port, sdkAppId: emu.sdkAppId, secretKey: emu.secretKey })}\n`);
  process.stdin.setEncoding('utf8');
  let pending = '';
  process.stdin.on('data', (chunk) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line === 'cpu') {
        const cpu = process.cpuUsage(cpu0);
        process.stdout.write(`BENCH-CPU ${JSON.stringify({ cpuUs: cpu.user + cpu.system, userUs: cpu.user, systemUs: cpu.system })}\n`);
      }
    }
  });
  process.stdin.on('end', async () => {
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(`BENCH-RESULT ${JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssKb: process.resourceUsage().maxRSS })}\n`);
    await emu.close();
  });
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
