'use strict';
// The closed-loop driver shared by the Node benchmark processes: keeps `window` calls in flight
// (0 = issue all at once) until `n` have completed, timing each from issue to delivery.
//
// Per-call times live in rings of at most MAX_SLOTS entries (call index modulo the ring size), so
// the driver's own memory does not grow with the number of calls (the memory part compares RSS
// after 100,000 and 1,000,000 calls); with more calls than that, the percentiles cover the last
// MAX_SLOTS calls. Same scheme as bench/raw_client.c.
const MAX_SLOTS = 131072;

/**
 * @param {(done: (code: number) => void) => void} call issues one call; `done` runs on the JS thread
 * @param {number} n calls
 * @param {number} window calls in flight, 0 = all at once
 * @param {number} expectedCode the code every call should complete with (others are counted)
 * @returns {Promise<{ms: number, latency: Float64Array, unexpected: number}>} latency in ms by slot (call index modulo the ring)
 */
function runPhase(call, n, window, expectedCode) {
  const w = window === 0 || window > n ? n : window;
  if (w > MAX_SLOTS / 2 && n > MAX_SLOTS) throw new Error(`more than ${MAX_SLOTS} calls need a window of at most ${MAX_SLOTS / 2}`);
  const slots = Math.min(n, MAX_SLOTS);
  const started = new Float64Array(slots);
  const latency = new Float64Array(slots);
  let issued = 0;
  let completed = 0;
  let unexpected = 0;
  let pumping = false;
  return new Promise((resolve) => {
    const t0 = performance.now();
    function issue() {
      const i = issued++ % slots;
      started[i] = performance.now();
      call((code) => {
        latency[i] = performance.now() - started[i];
        if (code !== expectedCode) unexpected++;
        if (++completed === n) resolve({ ms: performance.now() - t0, latency, unexpected });
        else pump();
      });
    }
    // A callback delivered synchronously inside the call must not recurse without bound.
    function pump() {
      if (pumping) return;
      pumping = true;
      while (issued < n && issued - completed < w) issue();
      pumping = false;
    }
    pump();
  });
}

/** Calls/s, p50 and p99 (µs) of a finished phase (latencies of its last MAX_SLOTS calls at most). */
function phaseStats(phase, n) {
  const sorted = phase.latency.sort();
  const m = sorted.length;
  const at = (q) => sorted[Math.min(m - 1, Math.floor(q * (m - 1)))] * 1000;
  return { seconds: phase.ms / 1000, callsPerSec: (n * 1000) / phase.ms, p50us: at(0.5), p99us: at(0.99) };
}

module.exports = { runPhase, phaseStats };
