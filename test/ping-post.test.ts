import { createHmac } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { balanceCents, findUnbalancedEntries, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { signBidToken } from "~/modules/ping-post/bid-token.server";
import { offerFieldsSchema } from "~/modules/offers/offers.schema";
import { checkLeadFields } from "~/modules/quality/lead-fields";
import { personHash } from "~/modules/quality/person-hash.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { affiliateLeadId, leadFields } from "./factories/leads";
import { CONTACT_FIELDS, makeOffer, makeOrder } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";
import { startFakeBuyer, type FakeBuyer, type FakeBuyerOptions } from "./support/fake-buyer";

const PING_TIMEOUT_MS = 1000;
const stack = useTestStack({ env: { PING_TIMEOUT_MS: String(PING_TIMEOUT_MS) } });
const buyers: FakeBuyer[] = [];
afterAll(async () => {
  for (const buyer of buyers) await buyer.close();
});

async function call(path: string, apiKey: string, body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, stack().appUrl), {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A consumer's full lead, and the ping an affiliate sends for it (geo plus hashed contact data). */
async function consumer(offerId: string, overrides: Record<string, string> = {}) {
  const full = leadFields(overrides);
  const offer = await prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
  const check = checkLeadFields(offerFieldsSchema.parse(offer.fields), offer.country, full);
  if (!check.ok) throw new Error(`bad test lead: ${JSON.stringify(check.errors)}`);
  const ping = {
    offer_id: offerId,
    state: full.state,
    postal_code: full.postal_code,
    email_hash: personHash(check.fields.email),
    phone_hash: personHash(check.fields.phone),
    s1: "campaign-7",
  };
  return { full, ping };
}

async function marketplace() {
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor);
  return { affiliate, offer };
}

async function internalBuyer(offerId: string, priceCents: number, fundCents = 10_000) {
  const advertiser = await makeAdvertiser();
  const order = await makeOrder(advertiser.actor, offerId, { priceCents });
  await fundWallet(advertiser.actor, fundCents, stack().emulator);
  return { advertiser, order };
}

async function externalBuyer(offerId: string, options: FakeBuyerOptions, basePriceCents = 2500) {
  const server = await startFakeBuyer(options);
  buyers.push(server);
  const { advertiser, order } = await internalBuyer(offerId, basePriceCents);
  await prisma.order.update({ where: { id: order.id }, data: { pingUrl: server.pingUrl, postUrl: server.postUrl } });
  return { advertiser, order, server };
}

const wallet = (companyId: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(companyId, "usd"));

describe("ping-post", () => {
  it("a valid bid token sells the posted lead at the bid price, with one balanced ledger entry", async () => {
    const { affiliate, offer } = await marketplace();
    await internalBuyer(offer.id, 3000);
    const best = await internalBuyer(offer.id, 4200);
    const { full, ping } = await consumer(offer.id);

    const pinged = await call("/api/v1/ping", affiliate.apiKey, ping);
    expect(pinged.status).toBe(200);
    expect(pinged.body.bid).toMatchObject({ price_cents: 4200, currency: "usd", payout_cents: 3360 });
    expect(pinged.body.bids_received).toBe(2);

    const lead = { token: pinged.body.bid.token, offer_id: offer.id, lead_id: affiliateLeadId(), ...full };
    const posted = await call("/api/v1/post", affiliate.apiKey, lead);
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ status: "sold", sold_at_bid: true, price_cents: 4200, payout_cents: 3360, ping_id: pinged.body.ping_id });

    expect(await wallet(best.advertiser.actor.companyId)).toBe(10_000n - 4200n);
    expect(await balanceCents(prisma, ledgerAccounts.affiliateHeld(affiliate.actor.companyId, "usd"))).toBe(3360n);
    expect(await findUnbalancedEntries(prisma)).toEqual([]);
    const sales = await prisma.leadSale.findMany({ where: { leadId: posted.body.lead_id } });
    expect(sales.map((s) => [s.orderId, s.priceCents])).toEqual([[best.order.id, 4200]]);
    const winning = await prisma.pingBid.findFirstOrThrow({ where: { wonPing: { id: pinged.body.ping_id } } });
    expect(winning.status).toBe("SOLD");

    const retried = await call("/api/v1/post", affiliate.apiKey, lead);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ lead_id: posted.body.lead_id, duplicate_request: true, status: "sold" });
    expect(await wallet(best.advertiser.actor.companyId)).toBe(10_000n - 4200n);
  });

  it("ranks bids less each buyer's approved-return rate: $42 from a buyer returning 10% loses to $40, and the winner's bid is the price", async () => {
    const { affiliate, offer } = await marketplace();
    const returner = await internalBuyer(offer.id, 4200);
    await prisma.company.update({ where: { id: returner.advertiser.actor.companyId }, data: { returnRateBps: 1000 } });
    const clean = await internalBuyer(offer.id, 4000);
    const { ping } = await consumer(offer.id);
    const pinged = await call("/api/v1/ping", affiliate.apiKey, ping);
    expect(pinged.status).toBe(200);
    expect(pinged.body.bid).toMatchObject({ price_cents: 4000 });
    const winning = await prisma.pingBid.findFirstOrThrow({ where: { pingId: pinged.body.ping_id, orderId: clean.order.id } });
    expect(winning.priceCents).toBe(4000);
  });

  it("refuses a tampered, expired, reused or mismatched token, naming the token field, and bills nobody", async () => {
    const { affiliate, offer } = await marketplace();
    const buyer = await internalBuyer(offer.id, 3500);
    const { full, ping } = await consumer(offer.id);
    const pinged = await call("/api/v1/ping", affiliate.apiKey, ping);
    const token: string = pinged.body.bid.token;
    const post = (overrides: Record<string, unknown>) =>
      call("/api/v1/post", affiliate.apiKey, { token, offer_id: offer.id, lead_id: affiliateLeadId(), ...full, ...overrides });

    const [payload, signature] = token.split(".");
    const raised = { ...JSON.parse(Buffer.from(payload, "base64url").toString()), price: 99_000 };
    const tampered = await post({ token: `${Buffer.from(JSON.stringify(raised)).toString("base64url")}.${signature}` });
    expect(tampered.status).toBe(422);
    expect(tampered.body.error.code).toBe("invalid_token");
    expect(tampered.body.error.fields.token).toBeTruthy();
    expect((await post({ token: "not-a-token" })).body.error.code).toBe("invalid_token");

    const expiredToken = signBidToken({ ...raised, price: 3500, exp: Math.floor(Date.now() / 1000) - 1 }, process.env.BID_TOKEN_SECRET!);
    const expired = await post({ token: expiredToken });
    expect(expired.status).toBe(410);
    expect(expired.body.error).toMatchObject({ code: "expired_token", fields: { token: expect.stringContaining("expired") } });

    const otherState = await post({ state: "TX" });
    expect(otherState.status).toBe(422);
    expect(otherState.body.error).toMatchObject({ code: "data_mismatch", fields: { state: 'Pinged "CA", posted "TX"' } });
    const otherPerson = await post({ email: "someone.else@example.com" });
    expect(otherPerson.body.error.code).toBe("data_mismatch");
    expect(Object.keys(otherPerson.body.error.fields)).toEqual(["token", "email"]);

    const stranger = await makeAffiliate();
    const notYours = await call("/api/v1/post", stranger.apiKey, { token, offer_id: offer.id, lead_id: affiliateLeadId(), ...full });
    expect(notYours.status).toBe(403);
    expect(notYours.body.error.code).toBe("token_not_yours");
    expect(await wallet(buyer.advertiser.actor.companyId)).toBe(10_000n);

    expect((await post({})).status).toBe(201);
    const reused = await post({});
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({ code: "token_used", fields: { token: expect.any(String) } });
    expect(await wallet(buyer.advertiser.actor.companyId)).toBe(10_000n - 3500n);
    expect(await prisma.lead.count({ where: { offerId: offer.id } })).toBe(1);
  });

  it("skips a slow buyer (recorded as a timeout) and failing ones, and the fast external buyer wins and takes the post", async () => {
    const { affiliate, offer } = await marketplace();
    await internalBuyer(offer.id, 3000);
    const fast = await externalBuyer(offer.id, { bidCents: 5000, delayMs: 20 });
    const slow = await externalBuyer(offer.id, { bidCents: 9000, delayMs: PING_TIMEOUT_MS * 3 });
    const broken = await externalBuyer(offer.id, { bidCents: 9500, failure: "http-500" });
    const confused = await externalBuyer(offer.id, { bidCents: 9500, failure: "malformed" });
    const { full, ping } = await consumer(offer.id);

    const pinged = await call("/api/v1/ping", affiliate.apiKey, ping);
    expect(pinged.body.bid.price_cents).toBe(5000);
    expect(pinged.body).toMatchObject({ buyers_asked: 5, bids_received: 2 });
    expect(fast.server.pings[0]).toMatchObject({ ping_id: pinged.body.ping_id, data: { state: "CA", postal_code: "94107" }, email_hash: ping.email_hash });
    expect(fast.server.pings[0]).not.toHaveProperty("data.email");
    const bids = await prisma.pingBid.findMany({ where: { pingId: pinged.body.ping_id } });
    const bidOf = (orderId: string) => bids.find((b) => b.orderId === orderId)!;
    expect(bidOf(slow.order.id)).toMatchObject({ status: "TIMEOUT", external: true, detail: `no answer within ${PING_TIMEOUT_MS} ms` });
    expect(bidOf(slow.order.id).latencyMs).toBeGreaterThanOrEqual(PING_TIMEOUT_MS - 5);
    expect(bidOf(broken.order.id)).toMatchObject({ status: "ERROR", detail: "HTTP 500" });
    expect(bidOf(confused.order.id)).toMatchObject({ status: "ERROR", detail: expect.stringContaining("malformed answer") });

    const posted = await call("/api/v1/post", affiliate.apiKey, { token: pinged.body.bid.token, offer_id: offer.id, lead_id: affiliateLeadId(), ...full });
    expect(posted.body).toMatchObject({ status: "sold", sold_at_bid: true, price_cents: 5000 });
    expect(fast.server.posts).toHaveLength(1);
    expect(fast.server.posts[0]).toMatchObject({ lead_id: posted.body.lead_id, price_cents: 5000, lead: { email: full.email, first_name: "Ada" } });
    expect(await wallet(fast.advertiser.actor.companyId)).toBe(10_000n - 5000n);

    // Ping and post were signed with the buyer's own signing secret, over the exact bytes sent.
    const { signingSecret } = await prisma.company.findUniqueOrThrow({ where: { id: fast.advertiser.actor.companyId } });
    expect(fast.server.requests.map((r) => r.path)).toEqual(["/ping", "/post"]);
    for (const request of fast.server.requests) {
      const parts = Object.fromEntries((request.signature ?? "").split(",").map((p) => p.split("=")));
      expect(Math.abs(Date.now() / 1000 - Number(parts.t))).toBeLessThan(300);
      expect(parts.v1).toBe(createHmac("sha256", signingSecret!).update(`${parts.t}.${request.body}`).digest("hex"));
    }
  });

  it("records an external winner that refuses the post against it, and routes the lead to another buyer", async () => {
    const { affiliate, offer } = await marketplace();
    const internal = await internalBuyer(offer.id, 3000);
    const refuser = await externalBuyer(offer.id, { bidCents: 6000, acceptPost: false });
    const { full, ping } = await consumer(offer.id);

    const pinged = await call("/api/v1/ping", affiliate.apiKey, ping);
    expect(pinged.body.bid.price_cents).toBe(6000);
    const posted = await call("/api/v1/post", affiliate.apiKey, { token: pinged.body.bid.token, offer_id: offer.id, lead_id: affiliateLeadId(), ...full });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ status: "sold", sold_at_bid: false, price_cents: 3000 });

    const refused = await prisma.pingBid.findFirstOrThrow({ where: { orderId: refuser.order.id } });
    expect(refused).toMatchObject({ status: "REFUSED", detail: "refused the post (declined: over our daily budget)" });
    const timeline = (await prisma.leadEvent.findMany({ where: { leadId: posted.body.lead_id }, orderBy: { seq: "asc" } })).map((e) => e.message);
    expect(timeline).toContain(
      `Buyer ${refuser.advertiser.companyName} refused the post (declined: over our daily budget) on order ${refuser.order.id} at $60.00; falling back to routing`,
    );
    expect(timeline).toContain(`Sold on order ${internal.order.id} at $30.00`);
    expect(await wallet(refuser.advertiser.actor.companyId)).toBe(10_000n);
    expect(await findUnbalancedEntries(prisma)).toEqual([]);
  });

  it("refuses a ping carrying personal data with 422 naming each field", async () => {
    const { affiliate, offer } = await marketplace();
    const { full, ping } = await consumer(offer.id);
    const answer = await call("/api/v1/ping", affiliate.apiKey, { ...ping, first_name: full.first_name, email: full.email });
    expect(answer.status).toBe(422);
    expect(Object.keys(answer.body.error.fields).sort()).toEqual(["email", "first_name"]);
    const badHash = await call("/api/v1/ping", affiliate.apiKey, { ...ping, email_hash: "abc" });
    expect(badHash.status).toBe(422);
    expect(Object.keys(badHash.body.error.fields)).toEqual(["email_hash"]);
    expect(await prisma.ping.count({ where: { offerId: offer.id } })).toBe(0);
  });

  it("gives no bid for a person already sold on the offer", async () => {
    const { affiliate, offer } = await marketplace();
    await internalBuyer(offer.id, 3000);
    const { full, ping } = await consumer(offer.id);
    const first = await call("/api/v1/ping", affiliate.apiKey, ping);
    const sold = await call("/api/v1/post", affiliate.apiKey, { token: first.body.bid.token, offer_id: offer.id, lead_id: affiliateLeadId(), ...full });
    expect(sold.body.status).toBe("sold");

    const again = await call("/api/v1/ping", affiliate.apiKey, { ...ping, email_hash: undefined });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ bid: null, reasons: ["duplicate_lead"] });
  });
  it("skips orders that do not want the lead (state filter, the buyer's suppression list, a spend cap), naming why on each bid", async () => {
    const { affiliate, offer } = await marketplace();
    const { ping } = await consumer(offer.id, { state: "CA", postal_code: "94107" });
    const texasOnly = await makeAdvertiser();
    await makeOrder(texasOnly.actor, offer.id, { priceCents: 5000, filters: { states: ["TX"], postalCodePrefixes: [], temperatures: [], rules: [] } });
    const suppressing = await internalBuyer(offer.id, 4500);
    await prisma.suppressionEntry.create({
      data: {
        scope: `advertiser:${suppressing.advertiser.actor.companyId}`,
        advertiserId: suppressing.advertiser.actor.companyId,
        kind: "EMAIL",
        hash: ping.email_hash,
      },
    });
    const capped = await makeAdvertiser();
    await makeOrder(capped.actor, offer.id, { priceCents: 4000, dailySpendCapCents: 1000 });
    const willing = await internalBuyer(offer.id, 3000);

    const answer = await call("/api/v1/ping", affiliate.apiKey, ping);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ bid: { price_cents: 3000 }, buyers_asked: 4, bids_received: 1 });
    const bids = await prisma.pingBid.findMany({ where: { pingId: answer.body.ping_id } });
    const detailOf = (advertiserId: string) => bids.find((b) => b.advertiserId === advertiserId)?.detail;
    expect(detailOf(texasOnly.actor.companyId)).toMatch(/^skipped: .*state/);
    expect(detailOf(suppressing.advertiser.actor.companyId)).toBe("skipped: email is on the buyer's suppression list");
    expect(detailOf(capped.actor.companyId)).toMatch(/^skipped: daily spend cap \$10\.00 would be exceeded/);
    expect(bids.find((b) => b.advertiserId === willing.advertiser.actor.companyId)?.status).toBe("BID");
  });
  it("refuses a post in test mode before the winning buyer hears of it; the token still sells afterwards", async () => {
    const { affiliate, offer } = await marketplace();
    const winner = await externalBuyer(offer.id, { bidCents: 5000 });
    const { full, ping } = await consumer(offer.id);
    const pinged = await call("/api/v1/ping", affiliate.apiKey, ping);
    const post = { token: pinged.body.bid.token, offer_id: offer.id, lead_id: affiliateLeadId(), ...full };

    const test = await call("/api/v1/post", affiliate.apiKey, { ...post, test: "1" });
    expect(test.status).toBe(422);
    expect(Object.keys(test.body.error.fields)).toEqual(["test"]);
    expect(winner.server.posts).toHaveLength(0);

    const real = await call("/api/v1/post", affiliate.apiKey, post);
    expect(real.body).toMatchObject({ status: "sold", sold_at_bid: true, price_cents: 5000 });
    expect(winner.server.posts).toHaveLength(1);
  });

  it("checks an external buyer's spend cap at its bid, not at the order's base price", async () => {
    const { affiliate, offer } = await marketplace();
    const internal = await internalBuyer(offer.id, 3000);
    // Base price $25.00, but it bids $80.00 and may spend $150.00 a day: a second sale at its bid
    // would not fit, although one at its base price would.
    const capped = await externalBuyer(offer.id, { bidCents: 8000 });
    await prisma.order.update({ where: { id: capped.order.id }, data: { dailySpendCapCents: 15_000 } });
    await fundWallet(capped.advertiser.actor, 20_000, stack().emulator);

    const first = await consumer(offer.id);
    const firstPing = await call("/api/v1/ping", affiliate.apiKey, first.ping);
    expect(firstPing.body.bid.price_cents).toBe(8000);
    const sold = await call("/api/v1/post", affiliate.apiKey, {
      token: firstPing.body.bid.token,
      offer_id: offer.id,
      lead_id: affiliateLeadId(),
      ...first.full,
    });
    expect(sold.body).toMatchObject({ status: "sold", price_cents: 8000 });

    const second = await consumer(offer.id);
    const secondPing = await call("/api/v1/ping", affiliate.apiKey, second.ping);
    expect(secondPing.body.bid.price_cents).toBe(3000);
    const bid = await prisma.pingBid.findFirstOrThrow({ where: { pingId: secondPing.body.ping_id, orderId: capped.order.id } });
    expect(bid).toMatchObject({ status: "NO_BID", priceCents: 8000 });
    expect(bid.detail).toBe("skipped: daily spend cap $150.00 would be exceeded ($80.00 spent, this lead costs $80.00)");
    const sale = await call("/api/v1/post", affiliate.apiKey, {
      token: secondPing.body.bid.token,
      offer_id: offer.id,
      lead_id: affiliateLeadId(),
      ...second.full,
    });
    expect(sale.body).toMatchObject({ status: "sold", sold_at_bid: true, price_cents: 3000 });
    expect(await wallet(internal.advertiser.actor.companyId)).toBe(10_000n - 3000n);
  });

  it("sells a lead held for review and approved after its bid expired through normal routing, not at the stale bid", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { qualityRules: { acceptScore: 100 } });
    const internal = await internalBuyer(offer.id, 3000);
    const external = await externalBuyer(offer.id, { bidCents: 7000 });
    const { full, ping } = await consumer(offer.id);
    const pinged = await call("/api/v1/ping", affiliate.apiKey, ping);
    const posted = await call("/api/v1/post", affiliate.apiKey, { token: pinged.body.bid.token, offer_id: offer.id, lead_id: affiliateLeadId(), ...full });
    expect(posted.body.status).toBe("held");

    // An hour later an admin approves it.
    await prisma.ping.update({ where: { id: pinged.body.ping_id }, data: { expiresAt: new Date(Date.now() - 3_600_000) } });
    const admin = await makeAdmin();
    const cookie = await signIn(stack().appUrl, admin.email, admin.password);
    const approved = await fetch(new URL(`/admin/leads/${posted.body.lead_id}`, stack().appUrl), {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ decision: "approve", reason: "Checked by phone" }),
    });
    expect(approved.status).toBe(302);

    const lead = await prisma.lead.findUniqueOrThrow({ where: { id: posted.body.lead_id }, include: { sales: true } });
    expect(lead.status).toBe("SOLD");
    expect(lead.sales.map((s) => [s.orderId, s.priceCents])).toEqual([[internal.order.id, 3000]]);
    expect(external.server.posts).toHaveLength(0);
    const timeline = (await prisma.leadEvent.findMany({ where: { leadId: lead.id }, orderBy: { seq: "asc" } })).map((e) => e.message);
    expect(timeline.some((m) => m.startsWith(`The bid on ping ${pinged.body.ping_id} expired at `))).toBe(true);
  });
  it("reads the state of a ZIP-only ping from its ZIP, so state-filtered orders bid", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { fields: CONTACT_FIELDS.filter((f) => f.type !== "state") });
    const advertiser = await makeAdvertiser();
    await makeOrder(advertiser.actor, offer.id, { priceCents: 3300, filters: { states: ["CA"], postalCodePrefixes: [], temperatures: [], rules: [] } });
    await fundWallet(advertiser.actor, 10_000, stack().emulator);

    const inCalifornia = await call("/api/v1/ping", affiliate.apiKey, { offer_id: offer.id, postal_code: "94107" });
    expect(inCalifornia.body).toMatchObject({ bid: { price_cents: 3300 }, bids_received: 1 });
    const inNewYork = await call("/api/v1/ping", affiliate.apiKey, { offer_id: offer.id, postal_code: "10001" });
    expect(inNewYork.body).toMatchObject({ bid: null, reasons: ["no_matching_order"] });
    const [skipped] = await prisma.pingBid.findMany({ where: { pingId: inNewYork.body.ping_id } });
    expect(skipped.detail).toBe("skipped: state NY not in CA");
  });
  it("prices a ping by the temperature its intent fields give, and the post sells at that bid", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, {
      fields: [...CONTACT_FIELDS, { name: "timeline", type: "string", required: false }, { name: "decision_maker", type: "string", required: false }],
    });
    const advertiser = await makeAdvertiser();
    await makeOrder(advertiser.actor, offer.id, { priceCents: 3000, pricing: { temperature: { HOT: 4500 } } });
    await fundWallet(advertiser.actor, 10_000, stack().emulator);
    const { full, ping } = await consumer(offer.id);

    const cold = await call("/api/v1/ping", affiliate.apiKey, ping);
    expect(cold.body.bid.price_cents).toBe(3000);
    const hot = await call("/api/v1/ping", affiliate.apiKey, { ...ping, timeline: "now", decision_maker: "yes" });
    expect(hot.body.bid.price_cents).toBe(4500);
    const sold = await call("/api/v1/post", affiliate.apiKey, {
      token: hot.body.bid.token,
      offer_id: offer.id,
      lead_id: affiliateLeadId(),
      ...full,
      timeline: "now",
      decision_maker: "yes",
    });
    expect(sold.body).toMatchObject({ status: "sold", sold_at_bid: true, price_cents: 4500 });
  });
});
