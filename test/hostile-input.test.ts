import http from "node:http";
import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer } from "./factories/marketplace";
import { getPage, signIn, submitForm, useTestStack } from "./support/app";

// Hostile input at every door that stores text: a 4xx naming the field, never a 500, and nothing
// stored. (PostgreSQL refuses NUL in text and jsonb, and invalid Unicode in jsonb.)

const stack = useTestStack({ workers: false });

const NUL_OR_CONTROL = /NUL or control character/;

async function affiliateWithOffer() {
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor);
  const lead = (extra: Record<string, unknown> = {}) => ({ offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields(), ...extra });
  const leadsStored = () => prisma.lead.count({ where: { affiliateId: affiliate.actor.companyId } });
  return { affiliate, offer, lead, leadsStored };
}

/** POSTs a JSON body written by hand (JSON.stringify itself cannot write 9,000 levels of nesting). */
async function postRawJson(path: string, apiKey: string, body: string) {
  const response = await fetch(new URL(path, stack().appUrl), {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as any };
}

async function callApi(path: string, apiKey: string, body: Record<string, unknown>) {
  return postRawJson(path, apiKey, JSON.stringify(body));
}

describe("hostile postbacks", () => {
  it("a NUL byte in any postback field, the lead id, a sub-id, an undeclared field or a key is a 422 naming it, and nothing is stored", async () => {
    const { affiliate, lead, leadsStored } = await affiliateWithOffer();
    const cases: Array<[Record<string, unknown>, string]> = [
      [lead({ first_name: "Ada\u0000" }), "first_name"],
      [lead({ lead_id: "aff-\u0000" }), "lead_id"],
      [lead({ s1: "google\u0000" }), "s1"],
      [lead({ sub_ids: { s2: "\u0000" } }), "sub_ids.s2"],
      [lead({ fields: { favourite_colour: "blue\u0000" } }), "fields.favourite_colour"],
      [lead({ note: "x\u0000y" }), "note"],
      [lead({ "no\u0000te": "x" }), "no\\u0000te"],
      [lead({ test: "true", note: "\u0000" }), "note"],
      [lead({ consent_text: "I agree\u0000" }), "consent_text"],
    ];
    for (const [body, field] of cases) {
      const answer = await postLead(stack().appUrl, affiliate.apiKey, body);
      expect(answer.status, `${field}: ${JSON.stringify(answer.body)}`).toBe(422);
      expect(answer.body.error.code).toBe("invalid_fields");
      expect(answer.body.error.fields[field]).toMatch(NUL_OR_CONTROL);
    }
    const form = await postLead(stack().appUrl, affiliate.apiKey, lead({ s1: "x\u0000" }), { format: "form" });
    expect(form.status).toBe(422);
    expect(form.body.error.fields.s1).toMatch(NUL_OR_CONTROL);
    const get = await postLead(stack().appUrl, affiliate.apiKey, lead({ s1: "x\u0000" }), { format: "get" });
    expect(get.status).toBe(422);
    expect(get.body.error.fields.s1).toMatch(NUL_OR_CONTROL);
    expect(await leadsStored()).toBe(0);
  });

  it("other control characters and lone surrogates are refused too, while tabs and line breaks are kept", async () => {
    const { affiliate, lead, leadsStored } = await affiliateWithOffer();
    for (const [value, message] of [
      ["bell\u0007", NUL_OR_CONTROL],
      ["escape\u001b[31m", NUL_OR_CONTROL],
      ["A\ud800", /lone surrogate/],
      ["\udc00B", /lone surrogate/],
    ] as const) {
      const answer = await postLead(stack().appUrl, affiliate.apiKey, lead({ first_name: value }));
      expect(answer.status, JSON.stringify(value)).toBe(422);
      expect(answer.body.error.fields.first_name).toMatch(message);
      const undeclared = await postLead(stack().appUrl, affiliate.apiKey, lead({ note: value }));
      expect(undeclared.status, JSON.stringify(value)).toBe(422);
    }
    expect(await leadsStored()).toBe(0);

    const kept = await postLead(stack().appUrl, affiliate.apiKey, lead({ consent_text: "I agree\r\nto be called.\tThanks", first_name: "Zoë 🙂" }));
    expect(kept.status).toBe(201);
    const stored = await prisma.lead.findUniqueOrThrow({ where: { id: kept.body.lead_id } });
    expect((stored.rawFields as Record<string, string>).first_name).toBe("Zoë 🙂");
    expect((stored.consent as { text: string }).text).toBe("I agree\r\nto be called.\tThanks");
  });

  it("fields named like Object's own members (constructor, hasOwnProperty, __proto__) are checked like any other", async () => {
    const { affiliate, lead, leadsStored } = await affiliateWithOffer();
    for (const name of ["constructor", "hasOwnProperty", "toString", "__proto__"]) {
      const answer = await postRawJson("/api/v1/leads", affiliate.apiKey, JSON.stringify(lead()).replace(/}$/, `,${JSON.stringify(name)}:"Ada\\u0000"}`));
      expect(answer.status, name).toBe(422);
      expect(answer.body.error.fields[name], name).toMatch(name === "__proto__" ? /reserved name/ : NUL_OR_CONTROL);
      const surrogate = await postRawJson("/api/v1/leads", affiliate.apiKey, JSON.stringify(lead()).replace(/}$/, `,${JSON.stringify(name)}:"Ada\\ud800"}`));
      expect(surrogate.status, name).toBe(422);
    }
    expect(await leadsStored()).toBe(0);
  });

  it("a lead the database refuses fails alone, not the postbacks stored in the same statement", async () => {
    const { insertReceivedLead } = await import("~/modules/leads/lead-store.server");
    const { affiliate, offer } = await affiliateWithOffer();
    const row = (externalId: string, first_name: string) => ({
      offerId: offer.id,
      affiliateId: affiliate.actor.companyId,
      externalId,
      rawFields: { first_name },
      subIds: {},
      ipAddress: null,
      userAgent: null,
      consent: null,
      signals: null,
      pingId: null,
    });
    const outbox = { queue: "lead-processing", key: (id: string) => `lead:${id}` };
    // Past the edge's checks (called straight), a lone surrogate makes PostgreSQL refuse the jsonb.
    const results = await Promise.allSettled([
      insertReceivedLead(row(affiliateLeadId(), "Ada"), outbox),
      insertReceivedLead(row(affiliateLeadId(), "Bad\ud800"), outbox),
      insertReceivedLead(row(affiliateLeadId(), "Grace"), outbox),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await prisma.lead.count({ where: { affiliateId: affiliate.actor.companyId } })).toBe(2);
  });

  it("a field nested 9,000 levels deep (54 KB) is a 422 naming it, not a crash", async () => {
    const { affiliate, lead, leadsStored } = await affiliateWithOffer();
    const deep = "[".repeat(9000) + "1" + "]".repeat(9000);
    for (const [body, field] of [
      [JSON.stringify(lead({ note: "DEEP" })), "note"],
      [JSON.stringify(lead({ fields: { note: "DEEP" } })), "fields.note"],
      [JSON.stringify(lead({ first_name: "DEEP" })), "first_name"],
    ] as const) {
      const answer = await postRawJson("/api/v1/leads", affiliate.apiKey, body.replace('"DEEP"', deep));
      expect(answer.status, field).toBe(422);
      expect(answer.body.error.fields[field]).toMatch(/Nested deeper than/);
    }
    expect(await leadsStored()).toBe(0);
  });

  it("a declared field posted as an object or a list is a 422 naming it, never '[object Object]'", async () => {
    const { affiliate, lead, leadsStored } = await affiliateWithOffer();
    for (const [extra, field] of [
      [{ first_name: { x: 1 } }, "first_name"],
      [{ first_name: { $ne: "" } }, "first_name"],
      [{ email: { $gt: "" } }, "email"],
      [{ state: ["CA"] }, "state"],
      [{ fields: { first_name: { $ne: "" } } }, "first_name"],
      [{ note: { x: 1 } }, "note"],
      [{ tags: ["a", "b"] }, "tags"],
    ] as const) {
      const answer = await postLead(stack().appUrl, affiliate.apiKey, lead(extra));
      expect(answer.status, JSON.stringify(extra)).toBe(422);
      expect(answer.body.error.fields[field]).toMatch(/single value/);
    }
    expect(await leadsStored()).toBe(0);

    // Numbers and booleans are read as their text, as in form and query postbacks.
    const numbers = await postLead(stack().appUrl, affiliate.apiKey, lead({ postal_code: 94107, opted_in: true, age: 42 }));
    expect(numbers.status).toBe(201);
    const stored = await prisma.lead.findUniqueOrThrow({ where: { id: numbers.body.lead_id } });
    expect(stored.rawFields).toMatchObject({ postal_code: "94107", opted_in: "true", age: "42" });
  });

  it("pings and posts refuse NUL bytes and objects the same way", async () => {
    const { affiliate, offer } = await affiliateWithOffer();
    const nul = await callApi("/api/v1/ping", affiliate.apiKey, { offer_id: offer.id, state: "CA\u0000" });
    expect(nul.status).toBe(422);
    expect(nul.body.error.fields.state).toMatch(NUL_OR_CONTROL);
    const object = await callApi("/api/v1/ping", affiliate.apiKey, { offer_id: offer.id, state: { $ne: "" } });
    expect(object.status).toBe(422);
    expect(object.body.error.fields.state).toMatch(/single value/);
    const post = await callApi("/api/v1/post", affiliate.apiKey, { offer_id: offer.id, token: "x\u0000", ...leadFields() });
    expect(post.status).toBe(422);
    expect(post.body.error.fields.token).toMatch(NUL_OR_CONTROL);
    expect(await prisma.ping.count({ where: { affiliateId: affiliate.actor.companyId } })).toBe(0);
  });
});

/** Sends POSTs one after another on one keep-alive connection; what each got back, and how many connections they took. */
async function postOnOneConnection(path: string, requests: ReadonlyArray<{ apiKey: string; body: string }>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  const answers: Array<{ status: number; body: any }> = [];
  try {
    for (const { apiKey, body } of requests) {
      answers.push(
        await new Promise((resolve, reject) => {
          const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
          const request = http.request(new URL(path, stack().appUrl), { method: "POST", agent, headers, timeout: 3000 }, (response) => {
            sockets.add(response.socket);
            let text = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => (text += chunk));
            response.on("end", () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
          });
          request.on("timeout", () => request.destroy(new Error(`no answer within 3 s to the request after ${answers.length} others on the connection`)));
          request.on("error", reject);
          request.end(body);
        }),
      );
    }
  } finally {
    agent.destroy();
  }
  return { answers, connections: sockets.size };
}

describe("hostile conversion postbacks", () => {
  it("a conversion postback refused unread (over 64 KiB, or a bad API key) leaves its keep-alive connection answering the next one", async () => {
    const buyer = await makeAdvertiser();
    const big = JSON.stringify({ conversion_id: "c-1", reason: "x".repeat(200_000) });
    const { answers, connections } = await postOnOneConnection("/api/v1/conversions", [
      { apiKey: buyer.apiKey, body: big },
      { apiKey: `lx_0123456789_${"x".repeat(32)}`, body: big },
      { apiKey: buyer.apiKey, body: "{}" },
    ]);
    expect(answers.map((a) => a.status)).toEqual([413, 401, 422]);
    expect(answers[0].body.error.code).toBe("payload_too_large");
    expect(answers[2].body.error.fields.conversion_id).toBeDefined();
    expect(connections).toBe(1);
  });
});

describe("hostile URLs", () => {
  it("a NUL in a query string or a path is a 4xx on the API and on portal pages", async () => {
    const { affiliate, offer } = await affiliateWithOffer();
    const buyer = await makeAdvertiser();
    const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, stack().appUrl), { headers, redirect: "manual" });

    const postback = await get(`/api/v1/leads?api_key=${affiliate.apiKey}&offer_id=${offer.id}&lead_id=x&s1=%00`);
    expect(postback.status).toBe(422);
    expect((await postback.json()).error.fields.s1).toMatch(NUL_OR_CONTROL);
    const bearer = { authorization: `Bearer ${buyer.apiKey}` };
    for (const path of ["/api/v1/advertiser/leads?since=%00", "/api/v1/advertiser/leads?cursor=%00", "/api/v1/leads/%00", "/api/v1/leads/a%01b"]) {
      const answer = await get(path, bearer);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
      expect(answer.headers.get("content-type"), path).toMatch(/application\/json/);
    }
    // A cursor that decodes to a NUL in its row id.
    const forgedCursor = Buffer.from(`${new Date().toISOString()}|\u0000`).toString("base64url");
    expect((await get(`/api/v1/advertiser/leads?cursor=${forgedCursor}`, bearer)).status).toBe(422);

    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    for (const path of [
      "/advertiser/leads/%00",
      "/advertiser/marketplace/%00",
      "/advertiser/billing?topup=success&session_id=%00",
      "/advertiser/leads?status=%00",
      "/advertiser/leads/%zz",
    ]) {
      const page = await getPage(stack().appUrl, path, cookie);
      expect(page.status, path).toBe(400);
      expect(page.text, path).toContain("cannot be read");
    }
  });

  it("a pull API date or cursor outside the years the database can compare is a 422 naming it", async () => {
    const advertiser = await makeAdvertiser();
    const get = async (query: string) => {
      const response = await fetch(new URL(`/api/v1/advertiser/leads?${query}`, stack().appUrl), { headers: { authorization: `Bearer ${advertiser.apiKey}` } });
      return { status: response.status, body: await response.json() };
    };
    const since = await get("since=0000-01-01T00:00:00Z");
    expect(since.status).toBe(422);
    expect(since.body.error.fields.since).toBe("Use a date between the years 1970 and 9999");
    const cursor = await get(`cursor=${Buffer.from("-271821-04-20T00:00:00.000Z|abc").toString("base64url")}`);
    expect(cursor.status).toBe(422);
    expect(cursor.body.error.fields.cursor).toMatch(/Unknown cursor/);
  });

  it("broken percent-encoding in a query string is read as the text it is", async () => {
    const { affiliate, offer } = await affiliateWithOffer();
    const url = new URL("/api/v1/leads", stack().appUrl);
    const fields = { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() };
    url.search = `${new URLSearchParams({ ...fields, api_key: affiliate.apiKey })}&s1=%zz&s2=%E0%A4%A`;
    const answer = await fetch(url);
    expect(answer.status).toBe(201);
    const lead = await prisma.lead.findUniqueOrThrow({ where: { id: ((await answer.json()) as { lead_id: string }).lead_id } });
    expect(lead.subIds).toEqual({ s1: "%zz", s2: "\ufffd%A" });
  });
});

describe("hostile portal forms", () => {
  it("a NUL byte in a portal form is a 400 naming the field, and nothing is stored", async () => {
    const buyer = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const keysBefore = await prisma.apiKey.count({ where: { companyId: buyer.actor.companyId } });
    const label = await submitForm(stack().appUrl, "/advertiser/api-keys", { intent: "create", label: "CRM\u0000" }, cookie);
    expect(label.status).toBe(400);
    expect(label.text).toContain('The form field "label": contains a nul or control character');
    expect(await prisma.apiKey.count({ where: { companyId: buyer.actor.companyId } })).toBe(keysBefore);

    const email = `nul-${Date.now()}@example.com`;
    const signUp = await submitForm(stack().appUrl, "/signup", {
      name: "Ada\u0000",
      companyName: "Analytical",
      email,
      password: "a long and unusual passphrase 7",
      role: "AFFILIATE",
    });
    expect(signUp.status).toBe(400);
    expect(signUp.text).toContain('The form field "name"');
    expect(await prisma.user.count({ where: { email } })).toBe(0);

    const affiliate = await makeAffiliate();
    const affiliateCookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const offer = await submitForm(stack().appUrl, "/affiliate/offers/new", { title: "Solar\u0000", vertical: "solar" }, affiliateCookie);
    expect(offer.status).toBe(400);
    expect(await prisma.offer.count({ where: { affiliateId: affiliate.actor.companyId } })).toBe(0);

    const login = await submitForm(stack().appUrl, "/login", { email: "a\u0001@example.com", password: "x" });
    expect(login.status).toBe(400);
  });

  it("a form sent as JSON is a 400, not a 500", async () => {
    const response = await fetch(new URL("/login", stack().appUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@example.com", password: "x" }),
    });
    expect(response.status).toBe(400);
  });
});
