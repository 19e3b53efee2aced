// The loop both Node bench clients share: `journey(n)` N times one after another (at most
// maxSeconds), then one JSON line {journeys, failures, seconds, journeys_per_s, p50_ms, p99_ms,
// max_ms, first_failure?, node}, the fields goldenpath-bench prints for the same workload.
function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export async function runSequentialJourneys(journey, { journeys, maxSeconds }) {
  const samples = [];
  let failures = 0;
  let firstFailure = '';
  const start = process.hrtime.bigint();
  const elapsedS = () => Number(process.hrtime.bigint() - start) / 1e9;
  for (let n = 0; n < journeys && elapsedS() < maxSeconds; n++) {
    const begin = process.hrtime.bigint();
    try {
      await journey(n);
      samples.push(Number(process.hrtime.bigint() - begin) / 1e6);
    } catch (error) {
      failures++;
      if (!firstFailure) firstFailure = error.message;
    }
  }
  const seconds = elapsedS();
  samples.sort((a, b) => a - b);
  console.log(JSON.stringify({
    journeys: samples.length,
    failures,
    seconds,
    journeys_per_s: samples.length / seconds,
    p50_ms: percentile(samples, 50),
    p99_ms: percentile(samples, 99),
    max_ms: samples.length ? samples[samples.length - 1] : 0,
    ...(firstFailure ? { first_failure: firstFailure } : {}),
    node: process.version,
  }));
}
