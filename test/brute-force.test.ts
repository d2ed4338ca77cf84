import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate, strongPassword, uniqueSuffix } from "./factories/accounts";
import { useTestStack, visibleText } from "./support/app";

// Every request here comes from 127.0.0.1; with TRUST_PROXY the app takes the client's address from
// X-Forwarded-For, as behind a load balancer, so each test plays its own client address.
const LOCK_SECONDS = 2;
const stack = useTestStack({ workers: false, env: { TRUST_PROXY: "loopback", LOGIN_LOCK_SECONDS: String(LOCK_SECONDS) } });

let lastOctet = 10;
/** A client address of its own for one test (TEST-NET-3), so the per-address limits do not meet. */
function newClientAddress(): string {
  return `203.0.113.${lastOctet++}`;
}

interface Answer {
  status: number;
  location: string | null;
  retryAfter: string | null;
  text: string;
}

async function answerOf(response: Response): Promise<Answer> {
  return {
    status: response.status,
    location: response.headers.get("location"),
    retryAfter: response.headers.get("retry-after"),
    text: visibleText(await response.text()),
  };
}

async function postForm(path: string, fields: Record<string, string>, from: string, cookie?: string): Promise<Answer> {
  const response = await fetch(new URL(path, stack().appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": from, ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields),
  });
  return answerOf(response);
}

const logIn = (email: string, password: string, from: string) => postForm("/login", { email, password }, from);

function sessionCookie(response: Response): string {
  const cookie = response.headers.get("set-cookie");
  if (!cookie) throw new Error("no session cookie");
  return cookie.split(";")[0];
}

async function logInForCookie(email: string, password: string, from: string): Promise<string> {
  const response = await fetch(new URL("/login", stack().appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": from },
    body: new URLSearchParams({ email, password }),
  });
  expect(response.status).toBe(302);
  return sessionCookie(response);
}

async function getPage(path: string, cookie: string): Promise<Answer> {
  return answerOf(await fetch(new URL(path, stack().appUrl), { redirect: "manual", headers: { cookie } }));
}

describe("sign-in resists password guessing", () => {
  it("five wrong passwords lock the account: even the right one is refused with 429 until the lock ends, the audit log records it, and the owner is told once", async () => {
    const owner = await makeAdvertiser();
    const attacker = newClientAddress();

    for (let i = 1; i <= 4; i++) expect((await logIn(owner.email, `wrong-guess-${i}`, attacker)).status).toBe(401);
    const fifth = await logIn(owner.email, "wrong-guess-5", attacker);
    expect(fifth.status).toBe(429);
    expect(fifth.text).toContain("This account is temporarily locked after too many failed sign-in attempts");
    const sixth = await logIn(owner.email, "wrong-guess-6", attacker);
    expect(sixth.status).toBe(429);

    const right = await logIn(owner.email, owner.password, newClientAddress());
    expect(right.status).toBe(429);
    expect(Number(right.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(right.retryAfter)).toBeLessThanOrEqual(LOCK_SECONDS);
    expect(right.text).toContain(`Try again in ${right.retryAfter} second`);
    expect(right.location).toBeNull();

    const user = await prisma.user.findUniqueOrThrow({ where: { email: owner.email } });
    expect(user.lockedUntil).not.toBeNull();
    const audit = await prisma.auditLog.findMany({ where: { action: "account.locked", targetId: user.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: null, targetType: "User", data: { failures: 5, clientAddress: attacker } });

    await new Promise((resolve) => setTimeout(resolve, user.lockedUntil!.getTime() - Date.now() + 100));
    const cookie = await logInForCookie(owner.email, owner.password, newClientAddress());
    const home = await getPage("/advertiser", cookie);
    expect(home.status).toBe(200);
    expect(home.text).toMatch(
      new RegExp(
        `Your account was locked for ${LOCK_SECONDS} seconds on \\d{4}-\\d\\d-\\d\\d at \\d\\d:\\d\\d UTC after 5 failed sign-in attempts from ${attacker.replace(/\./g, "\\.")}\\. If this wasn't you, change your password\\.`,
      ),
    );

    const notice = await prisma.userNotice.findFirstOrThrow({ where: { userId: user.id } });
    const dismissed = await postForm(`/notices/${notice.id}/dismiss`, { redirectTo: "/advertiser/orders" }, newClientAddress(), cookie);
    expect(dismissed).toMatchObject({ status: 302, location: "/advertiser/orders" });
    expect((await getPage("/advertiser", cookie)).text).not.toContain("Your account was locked");
  });

  it("a successful sign-in starts the account's failure count again", async () => {
    const owner = await makeAdvertiser();
    const from = newClientAddress();
    for (let i = 1; i <= 4; i++) expect((await logIn(owner.email, `wrong-guess-${i}`, from)).status).toBe(401);
    await logInForCookie(owner.email, owner.password, from);
    for (let i = 1; i <= 4; i++) expect((await logIn(owner.email, `wrong-again-${i}`, from)).status).toBe(401);
    expect(await prisma.auditLog.count({ where: { action: "account.locked", targetId: owner.actor.userId! } })).toBe(0);
  });

  it("an unknown email is answered like a known one: refused as locked after five failures", async () => {
    const email = `nobody-${uniqueSuffix()}@example.test`;
    const from = newClientAddress();
    for (let i = 1; i <= 4; i++) expect((await logIn(email, `guess-${i}`, from)).status).toBe(401);
    const fifth = await logIn(email, "guess-5", from);
    expect(fifth.status).toBe(429);
    expect(fifth.text).toContain("This account is temporarily locked");
  });

  it("twenty failed sign-ins from one address over many accounts refuse every sign-in from it with 429 and Retry-After", async () => {
    const owner = await makeAdvertiser();
    const attacker = newClientAddress();
    for (let i = 1; i <= 19; i++) expect((await logIn(`someone-${i}-${uniqueSuffix()}@example.test`, "not-their-password", attacker)).status).toBe(401);
    const twentieth = await logIn(`someone-20-${uniqueSuffix()}@example.test`, "not-their-password", attacker);
    expect(twentieth.status).toBe(429);
    expect(twentieth.text).toContain("Too many failed sign-in attempts from your network");

    const right = await logIn(owner.email, owner.password, attacker);
    expect(right.status).toBe(429);
    expect(Number(right.retryAfter)).toBeGreaterThan(800);
    expect(right.text).toContain("Too many failed sign-in attempts from your network. Try again in 15 minutes");

    // The account itself is not locked: from anywhere else its owner signs in.
    await logInForCookie(owner.email, owner.password, newClientAddress());
  });
});

describe("API keys resist guessing", () => {
  async function callApi(path: string, key: string, from: string, init: RequestInit = {}) {
    const response = await fetch(new URL(path, stack().appUrl), {
      ...init,
      headers: { authorization: `Bearer ${key}`, "x-forwarded-for": from, "content-type": "application/json", ...init.headers },
    });
    return {
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      body: (await response.json()) as { error?: { code: string; message: string } },
    };
  }
  const badKey = () => `lx_${uniqueSuffix()}ab_${"x".repeat(32)}`;

  it("twenty bad keys from one address get 429 with Retry-After, while a valid key from the same address keeps working", async () => {
    const affiliate = await makeAffiliate();
    const advertiser = await makeAdvertiser();
    const attacker = newClientAddress();
    // Both the direct postback path and the Remix-routed pull API count for the same address.
    for (let i = 1; i <= 10; i++) expect((await callApi("/api/v1/leads", badKey(), attacker, { method: "POST", body: "{}" })).status).toBe(401);
    for (let i = 11; i <= 19; i++) expect((await callApi("/api/v1/advertiser/leads", badKey(), attacker)).status).toBe(401);

    const twentieth = await callApi("/api/v1/advertiser/leads", badKey(), attacker);
    expect(twentieth.status).toBe(429);
    expect(twentieth.body.error).toMatchObject({ code: "rate_limited" });
    expect(Number(twentieth.retryAfter)).toBeGreaterThan(250);
    const twentyFirst = await callApi("/api/v1/leads", badKey(), attacker, { method: "POST", body: "{}" });
    expect(twentyFirst.status).toBe(429);
    expect(twentyFirst.body.error?.message).toContain("Too many requests with a missing or invalid API key");
    expect((await callApi("/api/v1/leads", "", attacker, { method: "POST", body: "{}" })).status).toBe(429);

    // Valid keys are never refused for others' failures: a cached key, and one checked afresh.
    expect((await callApi("/api/v1/advertiser/leads", advertiser.apiKey, attacker)).status).toBe(200);
    const postback = await callApi("/api/v1/leads", affiliate.apiKey, attacker, { method: "POST", body: "{}" });
    expect(postback.status).toBe(422);

    // Another address is not affected.
    expect((await callApi("/api/v1/leads", badKey(), newClientAddress(), { method: "POST", body: "{}" })).status).toBe(401);
  });
});

describe("sign-up resists mass account creation", () => {
  const signUpFields = (email: string, password: string) => ({ name: "Ann Smith", companyName: "Acme Corp", email, password, role: "ADVERTISER" });

  it("takes at most ten sign-ups an hour from one address", async () => {
    const from = newClientAddress();
    for (let i = 1; i <= 10; i++) {
      const answer = await postForm("/signup", signUpFields(`many-${i}-${uniqueSuffix()}@example.test`, strongPassword()), from);
      expect(answer.status, `sign-up ${i}`).toBe(302);
    }
    const eleventhEmail = `many-11-${uniqueSuffix()}@example.test`;
    const eleventh = await postForm("/signup", signUpFields(eleventhEmail, strongPassword()), from);
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.retryAfter)).toBeGreaterThan(3000);
    expect(eleventh.text).toContain("Too many sign-ups from your network. Try again in 60 minutes");
    expect(await prisma.user.count({ where: { email: eleventhEmail } })).toBe(0);

    const elsewhere = await postForm("/signup", signUpFields(`other-${uniqueSuffix()}@example.test`, strongPassword()), newClientAddress());
    expect(elsewhere.status).toBe(302);
  });
});

describe("sign-in without Redis", () => {
  // Nothing listens on port 1: every Redis command fails.
  const noRedis = useTestStack({ workers: false, env: { REDIS_URL: "redis://127.0.0.1:1" } });

  it("still signs in and refuses wrong passwords (the counters fail open with a warning), never a 500", async () => {
    const owner = await makeAdvertiser();
    const post = (password: string) =>
      fetch(new URL("/login", noRedis().appUrl), {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: owner.email, password }),
      });
    for (let i = 1; i <= 6; i++) expect((await post(`wrong-guess-${i}`)).status).toBe(401);
    expect((await post(owner.password)).status).toBe(302);
    expect(readFileSync(noRedis().logFile, "utf8")).toMatch(/\[redis\] .*fail open/);
  });
});
