import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local external buyer for ping-post: answers pings with a configured bid after a delay (or
 * fails, or answers nonsense), and accepts or refuses posts. Records what it received.
 */
export interface FakeBuyerOptions {
  /** Cents to bid; null answers {"bid": false}. */
  bidCents: number | null;
  /** How long to wait before answering a ping, in ms. */
  delayMs?: number;
  /** "http-500" answers an error status, "malformed" answers JSON of the wrong shape. */
  failure?: "http-500" | "malformed";
  /** Whether posts are accepted (default true). */
  acceptPost?: boolean;
}

export interface FakeBuyer {
  pingUrl: string;
  postUrl: string;
  pings: Array<Record<string, unknown>>;
  posts: Array<Record<string, unknown>>;
  /** Every request as sent: path, raw body and its Leadex-Signature header. */
  requests: Array<{ path: string; body: string; signature: string | undefined }>;
  configure(options: Partial<FakeBuyerOptions>): void;
  close(): Promise<void>;
}

export async function startFakeBuyer(initial: FakeBuyerOptions): Promise<FakeBuyer> {
  let options: FakeBuyerOptions = { delayMs: 0, acceptPost: true, ...initial };
  const pings: Array<Record<string, unknown>> = [];
  const posts: Array<Record<string, unknown>> = [];
  const requests: FakeBuyer["requests"] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const signature = request.headers["leadex-signature"];
      requests.push({ path: request.url ?? "", body: raw, signature: typeof signature === "string" ? signature : undefined });
      const body = JSON.parse(raw || "{}") as Record<string, unknown>;
      const reply = (status: number, payload: unknown) => {
        if (response.destroyed) return;
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(payload));
      };
      if (request.url === "/post") {
        posts.push(body);
        reply(200, options.acceptPost === false ? { accepted: false, reason: "over our daily budget" } : { accepted: true });
        return;
      }
      pings.push(body);
      const answer = () => {
        if (options.failure === "http-500") reply(500, { error: "boom" });
        else if (options.failure === "malformed") reply(200, { price: "lots" });
        else reply(200, options.bidCents === null ? { bid: false } : { bid_cents: options.bidCents });
      };
      if (!options.delayMs) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, options.delayMs);
      timers.add(timer);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    pingUrl: `${base}/ping`,
    postUrl: `${base}/post`,
    pings,
    posts,
    requests,
    configure: (next) => {
      options = { ...options, ...next };
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
