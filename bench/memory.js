'use strict';
// Part 2: memory. One process per round (under `unshare -n`) makes 1,000,000 getUserStatus calls
// with 64 in flight on the vendor library and reports its RSS after 100,000 and after 1,000,000
// (also after a forced GC); the goal is growth within 20 MB and a process that exits by itself.
const { CANDIDATES, runOnce, describeRun } = require('./overhead');
const { summary, formatNumber, formatSummary } = require('./lib/stats');

const WINDOW = 64;
const GOAL_MB = 20;

async function measure(ctx) {
  const first = ctx.memoryFirst;
  const last = ctx.memoryLast;
  const records = [];
  const skipped = {};
  for (const id of ctx.memoryCandidates) {
    const candidate = CANDIDATES.find((c) => c.id === id);
    const why = !candidate ? 'unknown candidate' : candidate.argv ? 'memory part is for Node candidates' : candidate.unavailable(ctx);
    if (why) {
      skipped[id] = why;
      ctx.log(`part 2: skipping ${id}: ${why}`);
    }
  }
  const active = ctx.memoryCandidates.filter((id) => !skipped[id]);
  for (let round = 0; round < ctx.rounds; round++) {
    for (const id of active) {
      const candidate = CANDIDATES.find((c) => c.id === id);
      const run = await runOnce({ ...ctx, n: first }, candidate, WINDOW, {
        nodeFlags: ['--expose-gc'],
        checkpoints: [first, last],
        workTimeoutMs: ctx.memoryTimeoutMs,
      });
      records.push({ round, candidate: id, ...run });
      const rss = run.result?.rss?.map((p) => `${formatNumber(p.calls, 0)}: ${formatNumber(p.rssMb, 1)} MB`).join(', ');
      ctx.log(`part 2 round ${round + 1}/${ctx.rounds} ${id}: ${describeRun(run)}; RSS ${rss ?? 'n/a'}`);
    }
  }
  return { records, skipped, active };
}

function report(ctx, { records, skipped, active }) {
  const lines = [];
  lines.push(`## 2. Memory: RSS after ${formatNumber(ctx.memoryLast, 0)} calls versus after ${formatNumber(ctx.memoryFirst, 0)}`);
  lines.push('');
  lines.push(`getUserStatus with ${WINDOW} in flight on the vendor library, one process per round under \`unshare -n\`, ` +
    `started with \`--expose-gc\`. RSS is read after ${formatNumber(ctx.memoryFirst, 0)} and after ${formatNumber(ctx.memoryLast, 0)} ` +
    `measured calls (after ${formatNumber(ctx.warmup, 0)} warm-up calls), as is and after \`global.gc()\`. Cells: median (min–max) over ` +
    `${ctx.rounds} rounds. The goal (growth within ${GOAL_MB} MB) is judged on the plain RSS of every round.`);
  lines.push('');
  for (const [id, why] of Object.entries(skipped)) lines.push(`- Not run: ${id}: ${why}.`);
  if (Object.keys(skipped).length) lines.push('');
  if (active.length === 0) return lines.join('\n');
  lines.push(`| candidate | RSS MB after ${formatNumber(ctx.memoryFirst, 0)} | after ${formatNumber(ctx.memoryLast, 0)} | growth MB | growth after GC MB | exited by itself |`);
  lines.push('|---|---|---|---|---|---|');
  const goals = [];
  for (const id of active) {
    const runs = records.filter((r) => r.candidate === id);
    const ok = runs.filter((r) => r.result && r.result.rss && r.result.rss.length === 2);
    const at = (k, key) => summary(ok.map((r) => r.result.rss[k][key]));
    const growth = ok.map((r) => r.result.rss[1].rssMb - r.result.rss[0].rssMb);
    const growthGc = ok.map((r) => r.result.rss[1].rssAfterGcMb - r.result.rss[0].rssAfterGcMb);
    const clean = runs.filter((r) => r.exit.state === 'clean').length;
    const states = [...new Set(runs.filter((r) => r.exit.state !== 'clean').map((r) => r.exit.state))];
    lines.push(`| ${id} | ${formatSummary(at(0, 'rssMb'), 1)} | ${formatSummary(at(1, 'rssMb'), 1)} | ${formatSummary(summary(growth), 1)} | ` +
      `${formatSummary(summary(growthGc), 1)} | ${clean}/${runs.length}${states.length ? ` (${states.join(', ')})` : ''} |`);
    if (id === 'timclient') {
      const met = ok.length === runs.length && ok.length > 0 && growth.every((g) => g <= GOAL_MB);
      goals.push(`- ${ok.length ? (met ? 'MET' : 'MISSED') : 'NOT MEASURED'}: TIMClient RSS growth within ${GOAL_MB} MB in every round ` +
        `(worst ${formatNumber(Math.max(...growth), 1)} MB)`);
      goals.push(`- ${runs.length ? (clean === runs.length ? 'MET' : 'MISSED') : 'NOT MEASURED'}: exits by itself every time (${clean}/${runs.length})`);
    }
  }
  lines.push('');
  if (goals.length) lines.push('### Goals', '', ...goals, '');
  return lines.join('\n');
}

module.exports = { measure, report };
