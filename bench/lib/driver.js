'use strict';
// The closed-loop driver shared by the Node benchmark processes: keeps `window` calls in flight
// (0 = issue all at once) until `n` have completed, timing each from issue to delivery.

/**
 * @param {(done: (code: number) => void) => void} call issues one call; `done` runs on the JS thread
 * @param {number} n calls
 * @param {number} window calls in flight, 0 = all at once
 * @param {number} expectedCode the code every call should complete with (others are counted)
 * @returns {Promise<{ms: number, latency: Float64Array, unexpected: number}>} latency in ms, in call order
 */
function runPhase(call, n, window, expectedCode) {
  const w = window === 0 || window > n ? n : window;
  const started = new Float64Array(n);
  const latency = new Float64Array(n);
  let issued = 0;
  let completed = 0;
  let unexpected = 0;
  let pumping = false;
  return new Promise((resolve) => {
    const t0 = performance.now();
    function issue() {
      const i = issued++;
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

/** Calls/s, p50 and p99 (µs) of a finished phase. */
function phaseStats(phase, n) {
  const sorted = phase.latency.sort();
  const at = (q) => sorted[Math.min(n - 1, Math.floor(q * (n - 1)))] * 1000;
  return { seconds: phase.ms / 1000, callsPerSec: (n * 1000) / phase.ms, p50us: at(0.5), p99us: at(0.99) };
}

module.exports = { runPhase, phaseStats };
