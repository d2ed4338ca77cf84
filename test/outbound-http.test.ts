/**
 * The one client for calls that leave Leadex: it follows no redirect, resolves a host once and
 * connects to what it checked, refuses what does not resolve, and bounds every call in time and
 * size. Local listeners stand in for buyers, CRMs and the internal services a URL could aim at.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { MAX_ANSWER_BYTES, sendOutboundRequest, type ResolveHost } from "~/utils/outbound-http.server";
import { useTestStack } from "./support/app";
import { makeMarket, pingOneExternalBuyer, postAndSettle, settledDelivery } from "./support/selling";

const stack = useTestStack({ env: { DELIVERY_MAX_ATTEMPTS: "1" } });

interface Listener {
  url: string;
  port: number;
  requests: Array<{ method: string; url: string }>;
  connections: number;
  close(): Promise<void>;
}

const listeners: Listener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});
afterAll(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

/** A local HTTP server answering with `handler`, recording requests and connections. */
async function listen(handler: http.RequestListener = (_req, res) => res.end("ok"), host = "127.0.0.1", port = 0): Promise<Listener> {
  const requests: Listener["requests"] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "" });
    req.resume();
    req.on("end", () => handler(req, res));
  });
  const listener = { requests, connections: 0 } as Listener;
  server.on("connection", () => listener.connections++);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  listener.port = (server.address() as AddressInfo).port;
  listener.url = `http://${host}:${listener.port}`;
  listener.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  listeners.push(listener);
  return listener;
}

const get = (url: string, options: Parameters<typeof sendOutboundRequest>[1] = {}, timeoutMs = 2000) =>
  sendOutboundRequest({ method: "GET", url, headers: {}, timeoutMs }, options);

describe("the outbound HTTP client", () => {
  it("returns a redirect as the answer and never calls where it points", async () => {
    const inside = await listen();
    const redirecting = await listen((_req, res) => res.writeHead(302, { location: `${inside.url}/admin` }).end());

    const result = await get(`${redirecting.url}/hook`, { allowPrivateAddresses: true });

    expect(result).toMatchObject({ outcome: "answer", status: 302, headers: { location: `${inside.url}/admin` } });
    expect(inside.requests).toEqual([]);
  });

  it("refuses loopback however the URL spells it, without connecting", async () => {
    const inside = await listen();
    const port = inside.port;
    const spellings = [
      `http://127.0.0.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://127.1:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://[::7f00:1]:${port}/`,
      `http://[::1]:${port}/`,
      `http://[64:ff9b::7f00:1]:${port}/`,
      `http://[2002:7f00:1::1]:${port}/`,
    ];
    for (const url of spellings) {
      const result = await get(url, { allowPrivateAddresses: false });
      expect({ url, outcome: result.outcome, message: result.outcome === "answer" ? null : result.message }).toEqual({
        url,
        outcome: "refused",
        message: expect.stringMatching(/is a private or local address \(.+\); Leadex only calls public addresses$/),
      });
    }
    expect(inside.requests).toEqual([]);
  });

  it("refuses a host name whose address is private, and one with any private address among public ones", async () => {
    const inside = await listen();
    const loopback: ResolveHost = async () => [{ address: "127.0.0.1", family: 4 }];
    const mixed: ResolveHost = async () => [
      { address: "8.8.8.8", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ];

    expect(await get(`http://crm.example:${inside.port}/`, { allowPrivateAddresses: false, resolveHost: loopback })).toMatchObject({
      outcome: "refused",
      message: "crm.example is a private or local address (127.0.0.1); Leadex only calls public addresses",
    });
    expect(await get(`http://crm.example:${inside.port}/`, { allowPrivateAddresses: false, resolveHost: mixed })).toMatchObject({
      outcome: "refused",
      message: "crm.example is a private or local address (127.0.0.1); Leadex only calls public addresses",
    });
    expect(await get(`http://localhost:${inside.port}/`, { allowPrivateAddresses: false })).toMatchObject({ outcome: "refused" });
    expect(inside.requests).toEqual([]);
  });

  it("resolves a host once and connects to the address it checked, never to a later answer", async () => {
    const first = await listen(undefined, "127.0.0.1");
    const later = await listen(undefined, "127.0.0.2", first.port);
    let lookups = 0;
    const rebinding: ResolveHost = async () => (lookups++ === 0 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "127.0.0.2", family: 4 }]);

    const result = await get(`http://buyer.example:${first.port}/ping`, { allowPrivateAddresses: true, resolveHost: rebinding });

    expect(result).toMatchObject({ outcome: "answer", status: 200, body: "ok" });
    expect(lookups).toBe(1);
    expect(first.requests).toEqual([{ method: "GET", url: "/ping" }]);
    expect(later.requests).toEqual([]);
  });

  it("a host that answers a public address first and loopback next is looked up once and loopback is never called", async () => {
    const inside = await listen();
    let lookups = 0;
    const rebinding: ResolveHost = async () => (lookups++ === 0 ? [{ address: "192.88.98.1", family: 4 }] : [{ address: "127.0.0.1", family: 4 }]);

    const result = await get(`http://buyer.example:${inside.port}/ping`, { allowPrivateAddresses: false, resolveHost: rebinding }, 300);

    // The public address does not answer here (timeout or network error); what matters is where it went.
    expect(["timeout", "network"]).toContain(result.outcome);
    expect(lookups).toBe(1);
    expect(inside.requests).toEqual([]);
  });

  it("refuses a host that does not resolve, saying so", async () => {
    const result = await get("http://no-such-buyer.invalid/ping", { allowPrivateAddresses: false });
    expect(result).toMatchObject({ outcome: "refused", message: "could not resolve no-such-buyer.invalid" });
    const failing: ResolveHost = () => Promise.reject(Object.assign(new Error("queryA ESERVFAIL"), { code: "ESERVFAIL" }));
    expect(await get("http://crm.example/hook", { allowPrivateAddresses: true, resolveHost: failing })).toMatchObject({
      outcome: "refused",
      message: "could not resolve crm.example",
    });
  });

  it("calls only http and https URLs", async () => {
    for (const url of ["ftp://crm.example/leads", "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "not a url"]) {
      expect((await get(url, { allowPrivateAddresses: true })).outcome).toBe("refused");
    }
  });

  it("cuts an answer larger than the limit and says so", async () => {
    const chunk = Buffer.alloc(16 * 1024, "x");
    const huge = await listen((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const write = (left: number) => {
        if (left === 0 || res.destroyed) return res.end();
        res.write(chunk, () => write(left - 1));
      };
      write(64);
    });
    const declared = await listen((_req, res) =>
      res.writeHead(200, { "content-length": String(MAX_ANSWER_BYTES + 1) }).end(Buffer.alloc(MAX_ANSWER_BYTES + 1)),
    );

    for (const listener of [huge, declared]) {
      expect(await get(listener.url, { allowPrivateAddresses: true })).toMatchObject({
        outcome: "too-large",
        status: 200,
        message: `answer larger than ${MAX_ANSWER_BYTES} bytes`,
      });
    }
  });

  it("gives up on a slow answer at the deadline, including one whose body never ends", async () => {
    const silent = await listen(() => undefined);
    const dribbling = await listen((_req, res) => res.writeHead(200).write("{"));

    for (const listener of [silent, dribbling]) {
      const result = await get(listener.url, { allowPrivateAddresses: true }, 300);
      expect(result).toMatchObject({ outcome: "timeout", message: "no answer within 300 ms" });
      expect(result.durationMs).toBeGreaterThanOrEqual(295);
      expect(result.durationMs).toBeLessThan(1500);
    }
  });

  it("reuses a kept-alive connection for repeated calls to the same buyer", async () => {
    const buyer = await listen((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"bid":false}'));
    for (let i = 0; i < 5; i++) {
      const result = await sendOutboundRequest(
        { method: "POST", url: `${buyer.url}/ping`, headers: { "content-type": "application/json" }, body: "{}", timeoutMs: 1000 },
        { allowPrivateAddresses: true },
      );
      expect(result).toMatchObject({ outcome: "answer", status: 200, body: '{"bid":false}' });
    }
    expect(buyer.requests).toHaveLength(5);
    expect(buyer.connections).toBe(1);
  });
});

describe("outbound calls through the app", () => {
  it("a buyer's ping URL that redirects is not followed: the target receives nothing and the bid is an error naming the redirect", async () => {
    const inside = await listen();
    const buyer = await listen((_req, res) => res.writeHead(302, { location: `${inside.url}/internal` }).end());
    const { answer, bids } = await pingOneExternalBuyer(stack(), { pingUrl: `${buyer.url}/ping`, postUrl: `${buyer.url}/post` });

    expect(inside.requests).toEqual([]);
    expect(buyer.requests).toEqual([{ method: "POST", url: "/ping" }]);
    expect(answer).toMatchObject({ bid: null, buyers_asked: 1, bids_received: 0 });
    expect(bids[0]).toMatchObject({ status: "ERROR", detail: `HTTP 302 redirect to ${inside.url}/internal (not followed)` });
  });

  it("a CRM webhook that redirects is a failed attempt naming where it pointed, and the target receives nothing", async () => {
    const inside = await listen();
    const crm = await listen((_req, res) => res.writeHead(307, { location: `${inside.url}/internal` }).end());
    const { affiliate, offer } = await makeMarket(stack(), { webhookUrl: `${crm.url}/crm` });

    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    const delivery = await settledDelivery(lead.id, "CRM_WEBHOOK");

    expect(inside.requests).toEqual([]);
    expect(crm.requests).toEqual([{ method: "POST", url: "/crm" }]);
    expect(delivery.status).toBe("FAILED");
    expect(delivery.attemptLog.map((a) => [a.statusCode, a.error])).toEqual([[307, `HTTP 307 redirect to ${inside.url}/internal (not followed)`]]);
  });
});
