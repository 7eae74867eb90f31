'use strict';
// Part 2: memory. One process per round (under `unshare -n`) makes 1,000,000 getUserStatus calls
// with 64 in flight on the vendor library and reports its RSS after 100,000 and after 1,000,000
// (also after a forced GC); the goal is growth within 20 MB and a process that exits by itself.
// The same process goes on to 2,000,000 calls (--memory-beyond), to show whether the growth goes on
// past the goal's range or levels off.
// The raw C client runs the same calls as a baseline (one process stopping at each count; its peak
// RSS), because the vendor library's own memory grows with the number of calls.
const { CANDIDATES, runOnce, describeRun } = require('./overhead');
const { summary, formatNumber, formatSummary } = require('./lib/stats');

const WINDOW = 64;
const GOAL_MB = 20;

async function measure(ctx) {
  const first = ctx.memoryFirst;
  const last = ctx.memoryLast;
  const checkpoints = beyondOf(ctx) ? [first, last, ctx.memoryBeyond] : [first, last];
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
  const rawC = CANDIDATES.find((c) => c.id === 'raw-c');
  const baseline = [];
  for (let round = 0; round < ctx.rounds; round++) {
    if (!rawC.unavailable(ctx)) {
      const peaks = [];
      for (const n of [first, last]) {
        const run = await runOnce({ ...ctx, n }, rawC, WINDOW, { workTimeoutMs: ctx.memoryTimeoutMs });
        peaks.push(run.result ? run.result.maxRssKb / 1024 : undefined);
      }
      if (peaks.every((mb) => mb !== undefined)) baseline.push(peaks);
      ctx.log(`part 2 round ${round + 1}/${ctx.rounds} raw-c: peak RSS ${peaks.map((mb) => (mb === undefined ? 'n/a' : `${formatNumber(mb, 1)} MB`)).join(' -> ')}`);
    }
    for (const id of active) {
      const candidate = CANDIDATES.find((c) => c.id === id);
      const run = await runOnce({ ...ctx, n: first }, candidate, WINDOW, {
        nodeFlags: ['--expose-gc'],
        checkpoints,
        workTimeoutMs: ctx.memoryTimeoutMs,
      });
      records.push({ round, candidate: id, ...run });
      const rss = run.result?.rss?.map((p) => `${formatNumber(p.calls, 0)}: ${formatNumber(p.rssMb, 1)} MB`).join(', ');
      ctx.log(`part 2 round ${round + 1}/${ctx.rounds} ${id}: ${describeRun(run)}; RSS ${rss ?? 'n/a'}`);
    }
  }
  return { records, skipped, active, baseline };
}

/** The extra checkpoint past the goal's range, or 0 for none. */
function beyondOf(ctx) {
  return ctx.memoryBeyond > ctx.memoryLast ? ctx.memoryBeyond : 0;
}

function report(ctx, { records, skipped, active, baseline }) {
  const beyond = beyondOf(ctx);
  const points = beyond ? 3 : 2;
  const lines = [];
  lines.push(`## 2. Memory: RSS after ${formatNumber(ctx.memoryLast, 0)} calls versus after ${formatNumber(ctx.memoryFirst, 0)}`);
  lines.push('');
  lines.push(`getUserStatus with ${WINDOW} in flight on the vendor library, one process per round under \`unshare -n\`, ` +
    `started with \`--expose-gc\`. RSS is read after ${formatNumber(ctx.memoryFirst, 0)} and after ${formatNumber(ctx.memoryLast, 0)} ` +
    `measured calls (after ${formatNumber(ctx.warmup, 0)} warm-up calls), as is and after \`global.gc()\`. Cells: median (min–max) over ` +
    `${ctx.rounds} rounds. The goal (growth within ${GOAL_MB} MB) is judged on the plain RSS of every round. Both the Node ` +
    `driver and the raw C client keep per-call times in rings of at most 131,072 entries, so their own memory does not grow ` +
    `with the number of calls. V8 heap total: the heap V8 has reserved (young generation included), after GC.` +
    (beyond ? ` The same process then goes on to ${formatNumber(beyond, 0)} calls (not part of the goal), to show whether the growth ` +
      `goes on or levels off.` : ''));
  lines.push('');
  for (const [id, why] of Object.entries(skipped)) lines.push(`- Not run: ${id}: ${why}.`);
  if (Object.keys(skipped).length) lines.push('');
  if (active.length === 0) return lines.join('\n');
  const vendorGrowth = summary(baseline.map(([a, b]) => b - a));
  const beyondHeader = beyond ? ` after ${formatNumber(beyond, 0)} |` : '';
  const heapPoints = beyond ? 'first → last → beyond' : 'first → last';
  lines.push(`| candidate | RSS MB after ${formatNumber(ctx.memoryFirst, 0)} | after ${formatNumber(ctx.memoryLast, 0)} | growth MB | growth after GC MB |${beyondHeader} JS heap used after GC MB, ${heapPoints} | V8 heap total after GC MB, ${heapPoints} | exited by itself |`);
  lines.push(`|---|---|---|---|---|${beyond ? '---|' : ''}---|---|---|`);
  const goals = [];
  for (const id of active) {
    const runs = records.filter((r) => r.candidate === id);
    const ok = runs.filter((r) => r.result && r.result.rss && r.result.rss.length === points);
    const at = (k, key) => summary(ok.map((r) => r.result.rss[k][key]));
    const growth = ok.map((r) => r.result.rss[1].rssMb - r.result.rss[0].rssMb);
    const growthGc = ok.map((r) => r.result.rss[1].rssAfterGcMb - r.result.rss[0].rssAfterGcMb);
    const heap = (k, key) => formatSummary(summary(ok.map((r) => r.result.rss[k][key]).filter((v) => v !== undefined)), 1);
    const series = (key) => Array.from({ length: points }, (_, k) => heap(k, key)).join(' → ');
    const beyondCell = beyond ? ` ${formatSummary(at(2, 'rssMb'), 1)} |` : '';
    const clean = runs.filter((r) => r.exit.state === 'clean').length;
    const states = [...new Set(runs.filter((r) => r.exit.state !== 'clean').map((r) => r.exit.state))];
    lines.push(`| ${id} | ${formatSummary(at(0, 'rssMb'), 1)} | ${formatSummary(at(1, 'rssMb'), 1)} | ${formatSummary(summary(growth), 1)} | ` +
      `${formatSummary(summary(growthGc), 1)} |${beyondCell} ${series('heapUsedAfterGcMb')} | ${series('heapTotalAfterGcMb')} | ` +
      `${clean}/${runs.length}${states.length ? ` (${states.join(', ')})` : ''} |`);
    if (id === 'timclient' && baseline.length) {
      const ownShare = summary(growth.map((g) => g - vendorGrowth.median));
      goals.push(`- The vendor library's own growth over the same calls (raw C client, peak RSS, ${baseline.length} rounds): ` +
        `${formatSummary(vendorGrowth, 1)} MB, so TIMClient's own share of the growth is ${formatSummary(ownShare, 1)} MB ` +
        `(${ownShare.median <= GOAL_MB ? 'within' : 'over'} ${GOAL_MB} MB).`);
    }
    if (id === 'timclient') {
      const met = ok.length === runs.length && ok.length > 0 && growth.every((g) => g <= GOAL_MB);
      goals.push(`- ${ok.length ? (met ? 'MET' : 'MISSED') : 'NOT MEASURED'}: TIMClient RSS growth within ${GOAL_MB} MB in every round ` +
        `(worst ${formatNumber(Math.max(...growth), 1)} MB)`);
      goals.push(`- ${runs.length ? (clean === runs.length ? 'MET' : 'MISSED') : 'NOT MEASURED'}: exits by itself every time (${clean}/${runs.length})`);
    }
  }
  if (baseline.length) {
    const peak = (k) => summary(baseline.map((p) => p[k]));
    lines.push(`| raw C client (baseline, peak RSS) | ${formatSummary(peak(0), 1)} | ${formatSummary(peak(1), 1)} | ` +
      `${formatSummary(vendorGrowth, 1)} | |${beyond ? ' |' : ''} | | |`);
  }
  lines.push('');
  if (goals.length) lines.push('### Goals', '', ...goals, '');
  return lines.join('\n');
}

module.exports = { measure, report };
