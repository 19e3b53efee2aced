// What both Node bench clients share: their arguments, and the loop running `journey(n)` N times one after another (at most
// maxSeconds), then one JSON line {journeys, failures, seconds, journeys_per_s, p50_ms, p99_ms,
// max_ms, first_failure?, node}, the fields goldenpath-bench prints for the same workload.
// {url, journeys, maxSeconds} from `url [--journeys N] [--max-seconds S]`; the URL must be a
// loopback one of `scheme` (ws or http).
export function parseJourneyArgs(argv, scheme) {
  const args = { url: '', journeys: 500, maxSeconds: 20 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--journeys') args.journeys = Number(argv[++i]);
    else if (argv[i] === '--max-seconds') args.maxSeconds = Number(argv[++i]);
    else args.url = argv[i];
  }
  if (!args.url.startsWith(`${scheme}://127.0.0.1:`) && !args.url.startsWith(`${scheme}://[::1]:`)) {
    throw new Error(`a loopback ${scheme}:// URL is required, got "${args.url}"`);
  }
  return args;
}

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
