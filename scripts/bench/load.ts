import http from "node:http";

// An open-loop HTTP load generator: requests leave on a fixed schedule whatever the server does,
// and each latency is measured from the moment the request was due, so a server that falls
// behind shows it (no coordinated omission). Keep-alive connections, like a real affiliate's.

export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
  /** The i-th request's JSON body. */
  body(i: number): string;
  /** Which answers count as accepted (e.g. 201). */
  accepted(status: number): boolean;
}

export interface PhaseResult {
  targetRate: number;
  seconds: number;
  sent: number;
  accepted: number;
  failed: number;
  acceptedPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Requests never sent because too many were already in flight. */
  shed: number;
  firstFailure?: string;
}

const MAX_IN_FLIGHT = 512;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function send(
  agent: http.Agent,
  target: Pick<LoadTarget, "headers">,
  url: URL,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        method: "POST",
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: { ...target.headers, ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Sends `rate` requests per second for `seconds`; `offset` numbers this phase's requests after earlier ones. */
export async function runPhase(target: LoadTarget, rate: number, seconds: number, offset: number): Promise<PhaseResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(target.url);
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let accepted = 0;
  let failed = 0;
  let shed = 0;
  let inFlight = 0;
  let firstFailure: string | undefined;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / rate <= now) {
        const due = start + (next * 1000) / rate;
        const i = offset + next;
        next++;
        if (inFlight >= MAX_IN_FLIGHT) {
          shed++;
          continue;
        }
        inFlight++;
        pending.push(
          send(agent, target, url, target.body(i))
            .then(({ status, text }) => {
              latencies.push(performance.now() - due);
              if (target.accepted(status)) accepted++;
              else {
                failed++;
                firstFailure ??= `HTTP ${status}: ${text.slice(0, 200)}`;
              }
            })
            .catch((error: unknown) => {
              failed++;
              firstFailure ??= String(error);
            })
            .finally(() => inFlight--),
        );
      }
      if (next >= total) done();
      else setImmediate(tick);
    };
    tick();
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    targetRate: rate,
    seconds: elapsed,
    sent: total - shed,
    accepted,
    failed,
    acceptedPerSecond: accepted / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    shed,
    firstFailure,
  };
}

/** Closed loop: `concurrency` requests always in flight for `seconds`; the server's top throughput. */
export async function runSaturation(target: LoadTarget, concurrency: number, seconds: number, offset: number): Promise<PhaseResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(target.url);
  const latencies: number[] = [];
  let accepted = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  let i = offset;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const { status, text } = await send(agent, target, url, target.body(i++));
          latencies.push(performance.now() - t0);
          if (target.accepted(status)) accepted++;
          else {
            failed++;
            firstFailure ??= `HTTP ${status}: ${text.slice(0, 200)}`;
          }
        } catch (error) {
          failed++;
          firstFailure ??= String(error);
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    targetRate: NaN,
    seconds: elapsed,
    sent: accepted + failed,
    accepted,
    failed,
    acceptedPerSecond: accepted / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    shed: 0,
    firstFailure,
  };
}

/** A target whose requests differ by more than the body (e.g. each advertiser's own API key). */
export interface CountedTarget {
  url: string;
  request(i: number): { headers: Record<string, string>; body: string };
  accepted(status: number): boolean;
}

export interface CountedResult extends PhaseResult {
  /** Wall-clock times (ms since the epoch) of the first request sent and the last answer received. */
  startedAt: number;
  finishedAt: number;
}

/**
 * Closed loop over a fixed amount of work: requests 0..total-1 (numbered from `offset`), with
 * `concurrency` always in flight until all are answered. The server's top rate for that work.
 */
export async function runCounted(target: CountedTarget, concurrency: number, total: number, offset = 0): Promise<CountedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(target.url);
  const latencies: number[] = [];
  let accepted = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  let next = 0;
  const startedAt = Date.now();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const { headers, body } = target.request(offset + next++);
        const t0 = performance.now();
        try {
          const { status, text } = await send(agent, { headers: {} }, url, body, headers);
          latencies.push(performance.now() - t0);
          if (target.accepted(status)) accepted++;
          else {
            failed++;
            firstFailure ??= `HTTP ${status}: ${text.slice(0, 200)}`;
          }
        } catch (error) {
          failed++;
          firstFailure ??= String(error);
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const finishedAt = Date.now();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    targetRate: NaN,
    seconds: elapsed,
    sent: total,
    accepted,
    failed,
    acceptedPerSecond: accepted / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    shed: 0,
    firstFailure,
    startedAt,
    finishedAt,
  };
}
