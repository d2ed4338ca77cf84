import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { freePort } from "../scripts/stack/ports";
import { startWeb, type WebProcess } from "../scripts/stack/processes";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { makeMarket, postAndSettle } from "./support/selling";
import { signIn, useTestStack, visibleText } from "./support/app";

// What every answer carries and what the server refuses before the app sees a request: security
// headers (pages, API, static files), cross-site form posts, and absolute URLs from a forged Host.

const stack = useTestStack();
const extraServers: WebProcess[] = [];
afterAll(async () => {
  for (const server of extraServers) await server.stop();
});

/** A request with headers fetch() would not let us forge (Host), answered as text. */
function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.request(url, { method: opts.method ?? "GET", headers: opts.headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on("error", reject);
    request.end(opts.body);
  });
}

function expectCommonSecurityHeaders(headers: Headers, what: string) {
  expect(headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(headers.get("referrer-policy"), what).toBe("strict-origin-when-cross-origin");
  expect(headers.get("x-frame-options"), what).toBe("DENY");
  // APP_URL of the tests is http://: no HSTS.
  expect(headers.get("strict-transport-security"), what).toBeNull();
}

describe("security headers", () => {
  it("a page carries a CSP whose nonce is on every script it renders, new for every request", async () => {
    const answers = await Promise.all([1, 2].map(() => fetch(new URL("/login", stack().appUrl))));
    const nonces: string[] = [];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expectCommonSecurityHeaders(answer.headers, "/login");
      const csp = answer.headers.get("content-security-policy") ?? "";
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce).toBeDefined();
      nonces.push(nonce!);
      expect(csp).toBe(
        [
          "default-src 'self'",
          `script-src 'self' 'nonce-${nonce}'`,
          "style-src 'self'",
          "img-src 'self' data:",
          "connect-src 'self'",
          `form-action 'self' ${stack().emulator.url}`,
          "frame-ancestors 'none'",
          "base-uri 'self'",
          "object-src 'none'",
        ].join("; "),
      );
      const html = await answer.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        if (/\bsrc=/.test(script)) continue;
        expect(script).toContain(`nonce="${nonce}"`);
      }
      expect(html).not.toMatch(/\sstyle="/);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("API answers (the hot path too), static files and error pages carry the headers", async () => {
    const { appUrl } = stack();
    const apiPolicy = "default-src 'none'; frame-ancestors 'none'";
    const openApi = await fetch(new URL("/api/v1/openapi.json", appUrl));
    expect(openApi.headers.get("content-security-policy")).toBe(apiPolicy);
    expectCommonSecurityHeaders(openApi.headers, "openapi");
    const postback = await fetch(new URL("/api/v1/leads", appUrl), { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(postback.status).toBe(401);
    expect(postback.headers.get("content-security-policy")).toBe(apiPolicy);
    expectCommonSecurityHeaders(postback.headers, "postback");

    const favicon = await fetch(new URL("/favicon.svg", appUrl));
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get("content-security-policy")).toMatch(/^default-src 'self'; script-src 'self' 'nonce-/);
    expectCommonSecurityHeaders(favicon.headers, "favicon");
    const loginHtml = await (await fetch(new URL("/login", appUrl))).text();
    const asset = /<script[^>]*src="(\/build\/[^"]+\.js)"|href="(\/build\/[^"]+\.css)"/.exec(loginHtml);
    const assetPath = asset?.[1] ?? asset?.[2];
    expect(assetPath).toBeDefined();
    const built = await fetch(new URL(assetPath!, appUrl));
    expect(built.status).toBe(200);
    expectCommonSecurityHeaders(built.headers, assetPath!);

    const missing = await fetch(new URL("/no-such-page", appUrl));
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-security-policy")).toMatch(/^default-src 'self'/);
    expectCommonSecurityHeaders(missing.headers, "404");
  });

  it("HSTS is sent when APP_URL is https, and absolute URLs use it whatever the Host header says", async () => {
    const port = await freePort();
    const appUrl = "https://leadex.example";
    const web = await startWeb({
      env: { ...stack().env, APP_URL: appUrl },
      port,
      output: { file: path.join(os.tmpdir(), "leadex-test-logs", `http-security-https-${process.pid}.log`) },
      graceMs: 1000,
    });
    extraServers.push(web);
    const answer = await rawRequest(`${web.url}/api/v1/openapi.json`, { headers: { host: "evil.example" } });
    expect(answer.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(JSON.parse(answer.body).servers).toEqual([{ url: appUrl }]);
    const page = await rawRequest(`${web.url}/login`);
    expect(page.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });
});

describe("cross-site form posts", () => {
  it("a form posted from another site is refused with 403 and a page that says why, and changes nothing", async () => {
    const { appUrl } = stack();
    const buyer = await makeAdvertiser();
    const offer = await makeOffer((await makeAffiliate()).actor);
    const order = await makeOrder(buyer.actor, offer.id, { priceCents: 3000 });
    const cookie = await signIn(appUrl, buyer.email, buyer.password);
    const pause = new URLSearchParams({ orderId: order.id, status: "PAUSED" }).toString();
    const form = { "content-type": "application/x-www-form-urlencoded", cookie };

    for (const [target, headers] of [
      ["/advertiser/orders", { origin: "https://evil.example" }],
      ["/advertiser/orders.data", { origin: "https://evil.example" }],
      ["/advertiser/orders", { origin: "null" }],
      ["/advertiser/orders", { referer: "https://evil.example/page" }],
      ["/logout", { origin: "https://evil.example" }],
      ["/login", { origin: "https://evil.example" }],
    ] as const) {
      const answer = await fetch(new URL(target, appUrl), { method: "POST", redirect: "manual", headers: { ...form, ...headers }, body: pause });
      expect(answer.status, `${target} ${JSON.stringify(headers)}`).toBe(403);
      expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
      const text = visibleText(await answer.text());
      expect(text).toContain("This form was sent from another site");
      expect(text).toContain(`Leadex takes forms only from its own pages at ${appUrl}`);
      expect(text).toContain("Nothing was changed");
    }
    expect((await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("OPEN");
    expect(await prisma.session.count({ where: { userId: buyer.actor.userId ?? "" } })).toBe(1);

    // From Leadex's own pages (or from no browser at all) the same form works.
    const own = await fetch(new URL("/advertiser/orders", appUrl), {
      method: "POST",
      redirect: "manual",
      headers: { ...form, origin: appUrl, referer: `${appUrl}/advertiser/orders` },
      body: pause,
    });
    expect(own.status).toBe(302);
    expect((await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PAUSED");
  });

  it("API-key endpoints and the Stripe webhook still take cross-origin machine calls", async () => {
    const { appUrl } = stack();
    const { affiliate, offer } = await makeMarket(stack());
    const evil = { origin: "https://evil.example" };
    const postback = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    expect(postback.status).toBe("SOLD");
    const crossOrigin = await fetch(new URL("/api/v1/leads", appUrl), {
      method: "POST",
      headers: { ...evil, authorization: `Bearer ${affiliate.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        offer_id: offer.id,
        lead_id: `cross-${Date.now()}`,
        first_name: "Ada",
        email: `x${Date.now()}@example.com`,
        phone: "(415) 555-0123",
        state: "CA",
      }),
    });
    expect(crossOrigin.status).toBe(201);
    const webhook = await fetch(new URL("/webhooks/stripe", appUrl), { method: "POST", headers: { ...evil, "content-type": "application/json" }, body: "{}" });
    expect(webhook.status).toBe(400);
    expect((await webhook.json()).error.code).toBe("bad_signature");
  });
});

describe("absolute URLs", () => {
  it("a forged Host header changes neither the OpenAPI servers URL nor the pull API's next link", async () => {
    const { appUrl } = stack();
    const { affiliate, offer, buyer } = await makeMarket(stack());
    for (let i = 0; i < 2; i++) expect((await postAndSettle(stack(), affiliate.apiKey, offer.id)).status).toBe("SOLD");
    const forged = { host: "evil.example", "x-forwarded-host": "evil.example" };

    const openApi = await rawRequest(`${appUrl}/api/v1/openapi.json`, { headers: forged });
    expect(openApi.status).toBe(200);
    expect(JSON.parse(openApi.body).servers).toEqual([{ url: appUrl }]);

    const page = await rawRequest(`${appUrl}/api/v1/advertiser/leads?limit=1`, { headers: { ...forged, authorization: `Bearer ${buyer.apiKey}` } });
    expect(page.status).toBe(200);
    const body = JSON.parse(page.body) as { next_url: string; next: string };
    expect(body.next_url).toBe(`${appUrl}/api/v1/advertiser/leads?cursor=${body.next}&limit=1`);
  });
});
