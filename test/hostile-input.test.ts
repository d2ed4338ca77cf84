import { randomUUID } from "node:crypto";
import http from "node:http";
import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { getPage, signIn, submitForm, useTestStack } from "./support/app";
import { makeConversionMarket, postConversion } from "./support/conversions";
import { leadSoldInProcess } from "./support/sold-in-process";

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
async function postOnOneConnection(path: string, requests: ReadonlyArray<{ apiKey: string; body: string; path?: string }>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  const answers: Array<{ status: number; body: any }> = [];
  try {
    for (const { apiKey, body, path: own } of requests) {
      answers.push(
        await new Promise((resolve, reject) => {
          const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
          const request = http.request(new URL(own ?? path, stack().appUrl), { method: "POST", agent, headers, timeout: 3000 }, (response) => {
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

/** A buyer who bought a lead on CPA terms and one on CPS terms, and reports about them. */
async function conversionMarket() {
  const cpa = await makeConversionMarket(stack());
  const cpsOffer = await makeOffer(cpa.affiliate.actor, { pricingModel: "CPS", priceCents: 0, salePercentBps: 1250, conversionEvents: [] });
  await makeOrder(cpa.buyer.actor, cpsOffer.id, { priceCents: undefined });
  const cpaLeadId = await leadSoldInProcess(stack().appUrl, cpa.affiliate.apiKey, cpa.offer.id);
  const cpsLeadId = await leadSoldInProcess(stack().appUrl, cpa.affiliate.apiKey, cpsOffer.id);
  const report = (extra: Record<string, unknown> = {}) => ({ conversion_id: `c-${randomUUID()}`, lead_id: cpaLeadId, event: "funded", ...extra });
  const post = (body: Record<string, unknown>, format: "json" | "form" | "get" = "json") => postConversion(stack().appUrl, cpa.buyer.apiKey, body, { format });
  const postRaw = (body: string) => postRawJson("/api/v1/conversions", cpa.buyer.apiKey, body);
  const advertiserId = cpa.buyer.actor.companyId;
  const stored = async () => ({
    conversions: await prisma.conversion.count({ where: { advertiserId } }),
    earlyReversals: await prisma.pendingConversionReversal.count({ where: { advertiserId } }),
  });
  return { ...cpa, cpaLeadId, cpsLeadId, report, post, postRaw, stored };
}

describe("hostile conversion postbacks", () => {
  it("a NUL byte in any field of a conversion report, or in a key, is a 422 naming it in JSON, form and query string, and nothing is stored", async () => {
    const { report, post, stored } = await conversionMarket();
    const cases: Array<[Record<string, unknown>, string]> = [
      [report({ conversion_id: "c-\u0000" }), "conversion_id"],
      [report({ lead_id: "lead\u0000" }), "lead_id"],
      [report({ event: "funded\u0000" }), "event"],
      [report({ amount: "125.50\u0000" }), "amount"],
      [report({ currency: "US\u0000" }), "currency"],
      [report({ occurred_at: "2026-11-28T14:05:00Z\u0000" }), "occurred_at"],
      [report({ type: "reversal\u0000" }), "type"],
      [report({ type: "reversal", reversal_id: "r\u0000" }), "reversal_id"],
      [report({ type: "reversal", reason: "Refunded\u0000" }), "reason"],
      [report({ adv1: "campaign\u0000" }), "adv1"],
      [report({ note: "x\u0000y" }), "note"],
      [report({ "no\u0000te": "x" }), "no\\u0000te"],
    ];
    for (const [body, field] of cases) {
      const answer = await post(body);
      expect(answer.status, `${field}: ${JSON.stringify(answer.body)}`).toBe(422);
      expect(answer.body.error.code).toBe("invalid_fields");
      expect(answer.body.error.fields[field]).toMatch(NUL_OR_CONTROL);
    }
    for (const format of ["form", "get"] as const) {
      const answer = await post(report({ adv1: "x\u0000" }), format);
      expect(answer.status, format).toBe(422);
      expect(answer.body.error.fields.adv1).toMatch(NUL_OR_CONTROL);
    }
    expect(await stored()).toEqual({ conversions: 0, earlyReversals: 0 });
  });

  it("other control characters and lone surrogates in a conversion report are refused, while tabs, line breaks and emoji are kept", async () => {
    const { report, post, postRaw, stored } = await conversionMarket();
    for (const [value, message] of [
      ["bell\u0007", NUL_OR_CONTROL],
      ["escape\u001b[31m", NUL_OR_CONTROL],
      ["A\ud800", /lone surrogate/],
      ["\udc00B", /lone surrogate/],
    ] as const) {
      const answer = await post(report({ adv2: value }));
      expect(answer.status, JSON.stringify(value)).toBe(422);
      expect(answer.body.error.fields.adv2).toMatch(message);
      const early = await post({ type: "reversal", conversion_id: "not-yet-reported", reason: value });
      expect(early.status, JSON.stringify(value)).toBe(422);
      expect(early.body.error.fields.reason).toMatch(message);
    }
    // Written by hand: a lone surrogate escaped in the JSON text.
    const escaped = await postRaw(JSON.stringify(report()).replace(/}$/, ',"adv3":"x\\udfff"}'));
    expect(escaped.status).toBe(422);
    expect(escaped.body.error.fields.adv3).toMatch(/lone surrogate/);
    expect(await stored()).toEqual({ conversions: 0, earlyReversals: 0 });

    const kept = await post(report({ adv1: "Zoë 🙂", adv2: "line\r\nbreak\tend" }));
    expect(kept.status, JSON.stringify(kept.body)).toBe(202);
    const conversion = await prisma.conversion.findUniqueOrThrow({ where: { id: kept.body.leadex_conversion_id } });
    expect(conversion.advFields).toEqual({ adv1: "Zoë 🙂", adv2: "line\r\nbreak\tend" });
  });

  it("conversion report fields named like Object's own members (constructor, toString, __proto__) are checked like any other", async () => {
    const { report, postRaw, stored } = await conversionMarket();
    for (const name of ["constructor", "hasOwnProperty", "toString", "__proto__"]) {
      const answer = await postRaw(JSON.stringify(report()).replace(/}$/, `,${JSON.stringify(name)}:"x\\u0000"}`));
      expect(answer.status, name).toBe(422);
      expect(answer.body.error.fields[name], name).toMatch(name === "__proto__" ? /reserved name/ : NUL_OR_CONTROL);
    }
    // A "__proto__" object cannot slip a type (or anything else) into the report.
    const smuggled = await postRaw(JSON.stringify(report()).replace(/}$/, ',"__proto__":{"type":"reversal","amount":"1.00"}}'));
    expect(smuggled.status).toBe(422);
    expect(smuggled.body.error.fields.__proto__).toMatch(/reserved name/);
    expect(await stored()).toEqual({ conversions: 0, earlyReversals: 0 });
  });

  it("a conversion report field nested 9,000 levels deep is a 422 naming it, not a crash", async () => {
    const { report, postRaw, stored } = await conversionMarket();
    const deep = "[".repeat(9000) + "1" + "]".repeat(9000);
    for (const field of ["conversion_id", "adv1", "note"]) {
      const answer = await postRaw(JSON.stringify(report({ [field]: "DEEP" })).replace('"DEEP"', deep));
      expect(answer.status, field).toBe(422);
      expect(answer.body.error.fields[field]).toMatch(/Nested deeper than/);
    }
    expect(await stored()).toEqual({ conversions: 0, earlyReversals: 0 });
  });

  it("a conversion report field posted as an object, a list, true or null is a 422 naming it; numbers are read as their text", async () => {
    const { report, post, cpsLeadId, stored } = await conversionMarket();
    for (const [extra, field] of [
      [{ conversion_id: { $ne: "" } }, "conversion_id"],
      [{ lead_id: { $ne: "" } }, "lead_id"],
      [{ event: ["funded"] }, "event"],
      [{ amount: { $gt: 0 } }, "amount"],
      [{ type: ["reversal"] }, "type"],
      [{ occurred_at: { x: 1 } }, "occurred_at"],
      [{ currency: true }, "currency"],
      [{ adv1: null }, "adv1"],
    ] as const) {
      const answer = await post(report(extra));
      expect(answer.status, JSON.stringify(extra)).toBe(422);
      expect(answer.body.error.fields[field], JSON.stringify(answer.body)).toMatch(/single value|conversion, reversal or amount_change/);
    }
    expect(await stored()).toEqual({ conversions: 0, earlyReversals: 0 });

    const seconds = Math.ceil(Date.now() / 1000);
    const numbers = await post({ conversion_id: 12345, lead_id: cpsLeadId, amount: 125.5, occurred_at: seconds, adv1: 7 });
    expect(numbers.status, JSON.stringify(numbers.body)).toBe(202);
    expect(numbers.body).toMatchObject({ conversion_id: "12345", amount: "125.50", occurred_at: new Date(seconds * 1000).toISOString() });
  });

  it("a negative, absurd or over-precise amount, and a date no calendar has or outside the lead's life, is a 422 naming it", async () => {
    const { report, post, postRaw, cpsLeadId, stored } = await conversionMarket();
    const sale = (amount: unknown) => ({ conversion_id: `s-${randomUUID()}`, lead_id: cpsLeadId, amount });
    for (const [body, field, message] of [
      [sale("-5.00"), "amount", /cannot be negative/],
      [sale("125.505"), "amount", /up to 2 decimals/],
      [sale("1,000.00"), "amount", /up to 2 decimals/],
      [sale("10000000.01"), "amount", /larger than any sale/],
      [sale("0"), "amount", /more than 0/],
      [{ type: "reversal", conversion_id: "not-yet-reported", amount: "0" }, "amount", /more than 0/],
      [report({ occurred_at: "2026-02-30T10:00:00Z" }), "occurred_at", /There is no day 2026-02-30/],
      [report({ occurred_at: "2026-11-31" }), "occurred_at", /There is no day 2026-11-31/],
      [report({ occurred_at: "now" }), "occurred_at", /ISO 8601/],
      [report({ occurred_at: "0000-01-01T00:00:00Z" }), "occurred_at", /Before the lead was delivered/],
      [report({ occurred_at: "9999-12-31T23:59:59Z" }), "occurred_at", /future/],
      [report({ type: "refund" }), "type", /conversion, reversal or amount_change/],
    ] as const) {
      const answer = await post(body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.error.fields[field], JSON.stringify(answer.body)).toMatch(message);
    }
    const overflow = await postRaw(JSON.stringify(sale("X")).replace('"X"', "1e400"));
    expect(overflow.status).toBe(422);
    expect(overflow.body.error.fields.amount).toBe("A number too large to read");
    expect(await stored()).toEqual({ conversions: 0, earlyReversals: 0 });
  });

  it("a conversion report in the wrong content type, without a key or with an affiliate's key is refused in JSON, and nothing is stored", async () => {
    const { report, affiliate, buyer, stored } = await conversionMarket();
    const send = (headers: Record<string, string>, body: string) =>
      fetch(new URL("/api/v1/conversions", stack().appUrl), { method: "POST", headers, body }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const json = JSON.stringify(report());
    const wrongType = await send({ authorization: `Bearer ${buyer.apiKey}`, "content-type": "text/plain" }, json);
    expect(wrongType).toMatchObject({ status: 400, body: { error: { code: "malformed_body" } } });
    expect((await send({ "content-type": "application/json" }, json)).status).toBe(401);
    const affiliateKey = await send({ authorization: `Bearer ${affiliate.apiKey}`, "content-type": "application/json" }, json);
    expect(affiliateKey).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining("write:conversion:own") } } });
    expect(await stored()).toEqual({ conversions: 0, earlyReversals: 0 });
  });

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
    for (const path of [
      "/api/v1/advertiser/leads?since=%00",
      "/api/v1/advertiser/leads?cursor=%00",
      "/api/v1/leads/%00",
      "/api/v1/leads/a%01b",
      "/api/v1/returns?since=%00",
      "/api/v1/returns?cursor=%00",
      "/api/v1/returns/%00",
      "/api/v1/conversion-inquiries?cursor=%00",
      "/api/v1/disputes/%00",
      "/api/v1/disputes/a%01b",
    ]) {
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

/** An advertiser that bought a CPL lead of an affiliate (sold in this process: no workers). */
async function returnMarket() {
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor);
  const buyer = await makeAdvertiser();
  await makeOrder(buyer.actor, offer.id, { priceCents: 3000 });
  await fundWallet(buyer.actor, 100_000, stack().emulator);
  const leadId = await leadSoldInProcess(stack().appUrl, affiliate.apiKey, offer.id);
  const disputes = () => prisma.dispute.count({ where: { advertiserId: buyer.actor.companyId } });
  return { affiliate, buyer, leadId, disputes };
}

describe("hostile returns and disputes", () => {
  it("a NUL byte, a lone surrogate or an object in a return, an inquiry, a conversion dispute or an answer is a 422 naming it, and nothing is stored", async () => {
    const { affiliate, buyer, leadId, disputes } = await returnMarket();
    const cases: Array<[string, string, Record<string, unknown>, string, RegExp]> = [
      [buyer.apiKey, "/api/v1/returns", { lead_id: leadId, reason: "duplicate", note: "x\u0000" }, "note", NUL_OR_CONTROL],
      [buyer.apiKey, "/api/v1/returns", { lead_id: leadId, reason: "duplicate", evidence_text: "A\ud800" }, "evidence_text", /lone surrogate/],
      [buyer.apiKey, "/api/v1/returns", { lead_id: { $ne: "" }, reason: "duplicate" }, "lead_id", /string/],
      [buyer.apiKey, "/api/v1/returns", { returns: [{ lead_id: leadId, reason: "duplicate\u0000" }] }, "returns", NUL_OR_CONTROL],
      [affiliate.apiKey, "/api/v1/conversion-inquiries", { lead_id: leadId, reason: "missing", order_ref: "o-\u0000" }, "order_ref", NUL_OR_CONTROL],
      [affiliate.apiKey, "/api/v1/conversion-inquiries", { lead_id: leadId, reason: ["missing"] }, "reason", /Send one reason code as text/],
      [buyer.apiKey, "/api/v1/conversion-disputes", { conversion_id: "c-1", reason: "refunded", note: "\u001b[31m" }, "note", NUL_OR_CONTROL],
      [affiliate.apiKey, "/api/v1/disputes/any/response", { response: "contest", note: "no\u0000" }, "note", NUL_OR_CONTROL],
    ];
    for (const [apiKey, path, body, field, message] of cases) {
      const answer = await callApi(path, apiKey, body);
      expect(answer.status, `${path} ${field}: ${JSON.stringify(answer.body)}`).toBe(422);
      expect(answer.body.error.code).toBe("invalid_fields");
      expect(answer.body.error.fields[field], JSON.stringify(answer.body)).toMatch(message);
    }
    expect(await disputes()).toBe(0);
  });

  it("a list of returns, an inquiry list or a returns list paged with a forged cursor or a date the database cannot compare is a 422 naming it, not a 500", async () => {
    const { affiliate, buyer } = await returnMarket();
    const get = async (path: string, apiKey: string) => {
      const response = await fetch(new URL(path, stack().appUrl), { headers: { authorization: `Bearer ${apiKey}` } });
      return { status: response.status, body: (await response.json()) as any };
    };
    const farFuture = Buffer.from("+275760-09-13T00:00:00.000Z|cmabc").toString("base64url");
    for (const apiKey of [affiliate.apiKey, buyer.apiKey]) {
      const page = await get(`/api/v1/conversion-inquiries?cursor=${farFuture}`, apiKey);
      expect(page.status, JSON.stringify(page.body)).toBe(422);
      expect(page.body.error.fields.cursor).toBe("Not a cursor this list gave");
    }
    for (const since of ["%2B275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z"]) {
      const page = await get(`/api/v1/returns?since=${since}`, buyer.apiKey);
      expect(page.status, JSON.stringify(page.body)).toBe(422);
      expect(page.body.error.fields.since).toBe("Use a date between the years 1970 and 9999");
    }
    // A returns cursor no page gave is read as no cursor: the first page.
    expect(await get(`/api/v1/returns?cursor=${farFuture}`, buyer.apiKey)).toMatchObject({ status: 200, body: { returns: [], next_cursor: null } });
  });

  it("a dispute request refused before its body is read (the other side's key, a bad key, a withdrawal, which reads none) leaves its keep-alive connection answering the next one", async () => {
    const { affiliate, buyer, leadId } = await returnMarket();
    const big = JSON.stringify({ lead_id: leadId, reason: "duplicate", note: "x".repeat(300_000) });
    const { answers, connections } = await postOnOneConnection("/api/v1/returns", [
      { apiKey: affiliate.apiKey, body: big },
      { apiKey: buyer.apiKey, body: JSON.stringify({ note: "y".repeat(100_000) }), path: "/api/v1/disputes/no-such-dispute/withdraw" },
      { apiKey: `lx_0123456789_${"x".repeat(32)}`, body: big, path: "/api/v1/conversion-inquiries" },
      { apiKey: buyer.apiKey, body: "{}" },
    ]);
    expect(answers.map((a) => a.status)).toEqual([403, 404, 401, 422]);
    expect(answers[3].body.error.fields.lead_id).toBeDefined();
    expect(connections).toBe(1);
  });
});
