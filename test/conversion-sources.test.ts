import { describe, expect, it } from "vitest";
import { issuePixelToken } from "~/modules/conversions/conversion-pixel.server";
import { saveStripeConversionsSecret } from "~/modules/conversions/stripe-conversions.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { proportionOfCents } from "~/utils/money";
import { signPayload } from "../scripts/stripe-emulator/webhooks";
import { makeAdvertiser } from "./factories/accounts";
import { getPage, signIn, submitAndOpen, submitForm, useTestStack } from "./support/app";
import { deliveredLead, makeConversionMarket, settledConversion } from "./support/conversions";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { waitFor } from "./support/wait";

// The two ways in besides the API: the conversion pixel (a 1×1 GIF or an iframe, authenticated by
// the advertiser's rotatable pixel token) and sales straight from the advertiser's own Stripe
// account (its signed webhooks: invoice.paid, charge.refunded ...), played by the emulator.

// TRUST_PROXY: the rate-limit test speaks from an address of its own (X-Forwarded-For).
const stack = useTestStack({ workers: true, env: { TRUST_PROXY: "1" } });
const wallet = (id: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(id, "usd"));
const cps = { pricingModel: "CPS" as const, priceCents: 0, salePercentBps: 1000, conversionEvents: [] };

// ---- the pixel ---------------------------------------------------------------------------------

interface PixelAnswer {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

async function hitPixel(query: Record<string, string>, headers: Record<string, string> = {}): Promise<PixelAnswer> {
  const url = new URL("/api/v1/conversions/pixel", stack().appUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

function expectTransparentGif(answer: PixelAnswer) {
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toBe("image/gif");
  expect(answer.headers.get("cache-control")).toContain("no-store");
  expect(answer.bytes.subarray(0, 6).toString("latin1")).toBe("GIF89a");
  // 1×1 (little-endian width and height right after the signature).
  expect([answer.bytes.readUInt16LE(6), answer.bytes.readUInt16LE(8)]).toEqual([1, 1]);
}

function outcomeOf(answer: PixelAnswer) {
  return {
    status: answer.headers.get("x-leadex-status"),
    reason: answer.headers.get("x-leadex-reason"),
    apiStatus: answer.headers.get("x-leadex-api-status"),
    fields: answer.headers.get("x-leadex-fields"),
  };
}

/** Rotates (or makes) the pixel token through the portal page and reads the token it shows once. */
async function tokenFromPortal(cookie: string): Promise<string> {
  const response = await fetch(new URL("/advertiser/conversion-tracking", stack().appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ intent: "pixel-token" }),
  });
  expect(response.status).toBe(200);
  const html = await response.text();
  const token = /data-testid="new-pixel-token">(lxp_[^<]+)</.exec(html)?.[1];
  expect(token, "the new token is shown once").toBeDefined();
  // The snippet, HTML-escaped as it is to be pasted (&amp; between the parameters), in the page's HTML.
  expect(html).toContain(`token=${token}&amp;amp;lead_id={lead_id}`);
  return token!;
}

describe("conversion pixel", () => {
  it("a pixel hit with the advertiser's token records the conversion once and answers a transparent 1×1 GIF", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const cookie = await signIn(stack().appUrl, market.buyer.email, market.buyer.password);
    const page = await getPage(stack().appUrl, "/advertiser/conversion-tracking", cookie);
    expect(page.text).toContain("No token yet");
    const token = await tokenFromPortal(cookie);
    expect(token).toMatch(/^lxp_[a-z0-9]{10}_/);
    // Only a hash is kept; the page names the token by its prefix from now on.
    const company = await prisma.company.findUniqueOrThrow({ where: { id: market.buyer.actor.companyId } });
    // The secret is everything after lxp_<prefix>_ (it may itself contain "_").
    const secret = token.slice("lxp_".length + 10 + 1);
    expect(secret.length).toBeGreaterThan(10);
    expect(company.pixelTokenHash).not.toContain(secret);
    expect((await getPage(stack().appUrl, "/advertiser/conversion-tracking", cookie)).text).toContain(`lxp_${company.pixelTokenPrefix}_…`);

    const query = { token, lead_id: lead.id, conversion_id: "px-1", event: "funded" };
    const hit = await hitPixel(query);
    expectTransparentGif(hit);
    expect(outcomeOf(hit)).toMatchObject({ status: "accepted", reason: null, apiStatus: "202" });
    const conversionId = hit.headers.get("x-leadex-conversion-id")!;
    const billed = await settledConversion(conversionId);
    expect(billed).toMatchObject({ status: "PENDING", source: "PIXEL", externalId: "px-1", event: "funded", payoutCents: 12_000 });
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n - 12_000n);

    const again = await hitPixel(query);
    expectTransparentGif(again);
    expect(outcomeOf(again)).toMatchObject({ status: "accepted", apiStatus: "200" });
    expect(again.headers.get("x-leadex-conversion-status")).toBe("pending");
    expect(await prisma.conversion.count({ where: { advertiserId: market.buyer.actor.companyId } })).toBe(1);
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n - 12_000n);
    await expectLedgerInvariants();
  });

  it("a wrong or rotated token is refused, with the image all the same, and records nothing", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const cookie = await signIn(stack().appUrl, market.buyer.email, market.buyer.password);
    const first = await tokenFromPortal(cookie);
    const second = await tokenFromPortal(cookie);
    expect(second).not.toBe(first);
    const page = await getPage(stack().appUrl, "/advertiser/conversion-tracking", cookie);
    expect(page.text).toContain("Rotate token");

    const fields = { lead_id: lead.id, conversion_id: "px-rotated", event: "application" };
    for (const token of [first, `${second.slice(0, -4)}AAAA`, "not-a-token", ""]) {
      const refused = await hitPixel({ ...fields, token });
      expectTransparentGif(refused);
      expect(outcomeOf(refused), `token ${token}`).toMatchObject({ status: "refused", reason: "unauthorized", apiStatus: "401" });
    }
    expect(await prisma.conversion.count({ where: { advertiserId: market.buyer.actor.companyId } })).toBe(0);

    const accepted = await hitPixel({ ...fields, token: second });
    expect(outcomeOf(accepted)).toMatchObject({ status: "accepted", apiStatus: "202" });
    await settledConversion(accepted.headers.get("x-leadex-conversion-id")!);
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n - 1_500n);
    await expectLedgerInvariants();
  });

  it("refusals carry the API's reason code and the fields at fault; the iframe form answers a tiny page any site may frame", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const token = await issuePixelToken(market.buyer.actor);
    const stranger = await makeAdvertiser();
    const strangerToken = await issuePixelToken(stranger.actor);

    const cases: Array<[Record<string, string>, string, string, string | null]> = [
      [{ token, lead_id: "no-such-lead", conversion_id: "r-1", event: "funded" }, "unknown_lead", "404", "lead_id"],
      [{ token: strangerToken, lead_id: lead.id, conversion_id: "r-2", event: "funded" }, "lead_not_bought", "403", "lead_id"],
      [{ token, lead_id: lead.id, conversion_id: "r-3", event: "signed_up" }, "unknown_event", "422", "event"],
      [{ token, lead_id: lead.id, event: "funded" }, "invalid_fields", "422", "conversion_id"],
      [{ token, lead_id: lead.id, conversion_id: "r-5", event: "funded", occurred_at: "2001-01-01T00:00:00Z" }, "before_delivery", "422", "occurred_at"],
      [{ token, lead_id: lead.id, conversion_id: "r-6", event: "funded", currency: "EUR" }, "currency_mismatch", "422", "currency"],
    ];
    for (const [query, reason, apiStatus, field] of cases) {
      const answer = await hitPixel(query);
      expectTransparentGif(answer);
      expect(outcomeOf(answer), reason).toEqual({ status: "refused", reason, apiStatus, fields: field });
    }

    const frame = await hitPixel({ token, lead_id: lead.id, conversion_id: "r-7", event: "signed_up", format: "iframe" });
    expect(frame.status).toBe(200);
    expect(frame.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(frame.headers.get("x-frame-options")).toBeNull();
    expect(frame.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors *");
    expect(outcomeOf(frame)).toMatchObject({ status: "refused", reason: "unknown_event" });
    expect(frame.bytes.toString("utf8")).toContain("Conversion refused (unknown_event): This offer pays for application, funded, not signed_up");
    // Other API answers still refuse to be framed.
    const api = await fetch(new URL("/api/v1/conversions", stack().appUrl));
    expect(api.headers.get("x-frame-options")).toBe("DENY");

    const framedSale = await hitPixel({ token, lead_id: lead.id, conversion_id: "r-8", event: "application", format: "iframe" });
    expect(outcomeOf(framedSale)).toMatchObject({ status: "accepted", apiStatus: "202" });
    expect(framedSale.bytes.toString("utf8")).toContain("Conversion received");
    expect(await prisma.conversion.findMany({ where: { advertiserId: market.buyer.actor.companyId }, select: { externalId: true } })).toEqual([
      { externalId: "r-8" },
    ]);
    await settledConversion(framedSale.headers.get("x-leadex-conversion-id")!);
    await expectLedgerInvariants();
  });

  it("wrong tokens are limited per client address like wrong API keys; a valid token still counts", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const token = await issuePixelToken(market.buyer.actor);
    const from = { "x-forwarded-for": "203.0.113.77" };
    const reasons: Array<string | null> = [];
    for (let i = 0; i < 21; i++) reasons.push(outcomeOf(await hitPixel({ token: `lxp_0000000000_${"x".repeat(32)}`, conversion_id: `x-${i}` }, from)).reason);
    expect(reasons.slice(0, 19).every((r) => r === "unauthorized")).toBe(true);
    expect(reasons.slice(19)).toEqual(["rate_limited", "rate_limited"]);
    const limited = await hitPixel({ token: "wrong" }, from);
    expectTransparentGif(limited);
    expect(outcomeOf(limited)).toMatchObject({ status: "refused", reason: "rate_limited", apiStatus: "429" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);

    const valid = await hitPixel({ token, lead_id: lead.id, conversion_id: "limited-1", event: "application" }, from);
    expect(outcomeOf(valid)).toMatchObject({ status: "accepted", apiStatus: "202" });
    await settledConversion(valid.headers.get("x-leadex-conversion-id")!);
    await expectLedgerInvariants();
  });
});

// ---- the advertiser's own Stripe -----------------------------------------------------------------

/** A CPS market whose buyer added Leadex's endpoint to its own (emulated) Stripe account. */
async function stripeMarket(opts: { endpointDown?: boolean } = {}) {
  const market = await makeConversionMarket(stack(), cps);
  const buyerId = market.buyer.actor.companyId;
  const endpointUrl = `${stack().appUrl}/webhooks/stripe/conversions/${buyerId}`;
  const merchant = await stack().emulator.createMerchantAccount({ webhookUrl: opts.endpointDown ? null : endpointUrl });
  await saveStripeConversionsSecret(market.buyer.actor, merchant.webhook_secret);
  return { ...market, buyerId, endpointUrl, merchant };
}

/**
 * A lead delivered in an earlier second than now: Stripe dates an invoice's payment in whole
 * seconds, and a sale dated before the lead's delivery is refused (before_delivery).
 */
async function leadDeliveredASecondAgo(market: Awaited<ReturnType<typeof stripeMarket>>) {
  const lead = await deliveredLead(stack(), market);
  const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: lead.id } });
  const wait = Math.floor(sale.soldAt.getTime() / 1000) * 1000 + 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return lead;
}

/** Posts an event to the endpoint as Stripe would, signed with `secret`; answers the status and JSON body. */
async function deliver(url: string, event: object, secret: string, signature?: string) {
  const payload = JSON.stringify(event);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signature ?? signPayload(payload, secret) },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function eventOf(market: Awaited<ReturnType<typeof stripeMarket>>, type: string, objectId?: string) {
  const events = stack()
    .emulator.merchantEvents(market.merchant.id)
    .filter((e) => e.type === type && (objectId === undefined || (e.data.object as { id: string }).id === objectId));
  expect(events.length, `a ${type} event`).toBeGreaterThan(0);
  return events[events.length - 1];
}

async function saleOf(advertiserId: string, invoiceId: string) {
  const conversion = await waitFor(`the sale of ${invoiceId}`, () =>
    prisma.conversion.findUnique({ where: { advertiserId_externalId: { advertiserId, externalId: invoiceId } } }),
  );
  return settledConversion(conversion.id);
}

describe("sales from the advertiser's own Stripe", () => {
  it("the portal page shows the endpoint to add and the events to select, and keeps the signing secret", async () => {
    const buyer = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const page = await getPage(stack().appUrl, "/advertiser/conversion-tracking", cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${stack().appUrl}/webhooks/stripe/conversions/${buyer.actor.companyId}`);
    for (const event of ["invoice.paid", "invoice_payment.paid", "charge.refunded", "customer.created", "customer.updated"]) expect(page.text).toContain(event);
    expect(page.text).toContain("Not connected");

    const bad = await submitForm(stack().appUrl, "/advertiser/conversion-tracking", { intent: "stripe-secret", secret: "sk_live_oops" }, cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("it starts with whsec_");
    const saved = await submitAndOpen(
      stack().appUrl,
      "/advertiser/conversion-tracking",
      { intent: "stripe-secret", secret: " whsec_abcdefgh12345678WXYZ " },
      cookie,
    );
    expect(saved.status).toBe(200);
    expect(saved.text).toContain("Signing secret saved");
    expect((await prisma.company.findUniqueOrThrow({ where: { id: buyer.actor.companyId } })).stripeConversionsSecret).toBe("whsec_abcdefgh12345678WXYZ");
    expect((await getPage(stack().appUrl, "/advertiser/conversion-tracking", cookie)).text).toContain("Connected with the secret whsec_…WXYZ");

    const removed = await submitAndOpen(stack().appUrl, "/advertiser/conversion-tracking", { intent: "stripe-remove" }, cookie);
    expect(removed.text).toContain("Disconnected");
    const gone = await fetch(new URL(`/webhooks/stripe/conversions/${buyer.actor.companyId}`, stack().appUrl), { method: "POST", body: "{}" });
    expect(gone.status).toBe(404);
  });

  it("a paid invoice becomes a CPS sale of its total before tax, billed at the offer's percentage; repeats change nothing", async () => {
    const market = await stripeMarket();
    const lead = await leadDeliveredASecondAgo(market);
    const { emulator } = stack();
    const customer = await emulator.createMerchantCustomer(market.merchant.id, { email: "buyer@example.test", metadata: { leadex_lead_id: lead.id } });
    const { invoice } = await emulator.payMerchantInvoice(market.merchant.id, { customer: customer.id, amount: 24_990, tax: 2_062 });
    expect(invoice.total).toBe(27_052);

    const sale = await saleOf(market.buyerId, invoice.id);
    expect(sale).toMatchObject({ source: "STRIPE", kind: "SALE", status: "PENDING", saleAmountCents: 24_990, currency: "usd", payoutCents: 2_499 });
    expect(sale.occurredAt.getTime()).toBe(invoice.status_transitions.paid_at! * 1000);
    expect(await wallet(market.buyerId)).toBe(50_000n - 2_499n);

    // The same event again, and the same invoice in another event: one sale, one charge.
    const paid = eventOf(market, "invoice.paid");
    expect(await emulator.resendEvent(paid.id)).toBe(200);
    const again = await deliver(market.endpointUrl, paid, market.merchant.webhook_secret);
    expect(again).toMatchObject({ status: 200, body: { received: true, result: "duplicate" } });
    const copy = await deliver(market.endpointUrl, { ...paid, id: `${paid.id}copy` }, market.merchant.webhook_secret);
    expect(copy).toMatchObject({ status: 200, body: { result: "duplicate", conversion: { conversion_id: invoice.id, duplicate_request: true } } });
    expect(await prisma.conversion.count({ where: { advertiserId: market.buyerId } })).toBe(1);
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `conversion:${sale.id}` } })).toBe(1);
    expect(await wallet(market.buyerId)).toBe(50_000n - 2_499n);
    await expectLedgerInvariants();
  });

  it("the lead may be named on the invoice itself; an invoice naming none is acknowledged and left out, saying why", async () => {
    const market = await stripeMarket();
    const lead = await leadDeliveredASecondAgo(market);
    const { emulator } = stack();
    const anonymous = await emulator.createMerchantCustomer(market.merchant.id, { email: "walk-in@example.test" });
    const { invoice: unnamed } = await emulator.payMerchantInvoice(market.merchant.id, { customer: anonymous.id, amount: 5_000 });
    const ignored = await deliver(
      market.endpointUrl,
      { ...eventOf(market, "invoice.paid", unnamed.id), id: "evt_unnamed_again" },
      market.merchant.webhook_secret,
    );
    expect(ignored).toMatchObject({ status: 200, body: { result: "ignored", reason: expect.stringContaining("names no Leadex lead") } });

    const { invoice } = await emulator.payMerchantInvoice(market.merchant.id, { customer: anonymous.id, amount: 8_000, metadata: { leadex_lead_id: lead.id } });
    expect(await saleOf(market.buyerId, invoice.id)).toMatchObject({ saleAmountCents: 8_000, payoutCents: 800 });

    // A customer named later: its next invoice is a sale of the lead.
    await emulator.updateMerchantCustomer(market.merchant.id, anonymous.id, { metadata: { leadex_lead_id: lead.id } });
    const { invoice: later } = await emulator.payMerchantInvoice(market.merchant.id, { customer: anonymous.id, amount: 1_000 });
    expect(await saleOf(market.buyerId, later.id)).toMatchObject({ saleAmountCents: 1_000, payoutCents: 100 });
    expect(await prisma.conversion.count({ where: { advertiserId: market.buyerId } })).toBe(2);

    // A sale Leadex refuses (a lead this advertiser did not buy) is acknowledged with the reason code.
    const stranger = await emulator.createMerchantCustomer(market.merchant.id, { metadata: { leadex_lead_id: "no-such-lead" } });
    const { invoice: refused } = await emulator.payMerchantInvoice(market.merchant.id, { customer: stranger.id, amount: 1_000 });
    const answer = await deliver(
      market.endpointUrl,
      { ...eventOf(market, "invoice.paid", refused.id), id: "evt_refused_again" },
      market.merchant.webhook_secret,
    );
    expect(answer).toMatchObject({ status: 200, body: { result: "refused", reason_code: "unknown_lead" } });
    expect(await wallet(market.buyerId)).toBe(50_000n - 900n);
    await expectLedgerInvariants();
  });

  it("an event with a bad signature is a 400 and changes nothing; an unknown endpoint is a 404", async () => {
    const market = await stripeMarket();
    const lead = await leadDeliveredASecondAgo(market);
    const { emulator } = stack();
    // The advertiser rolled its secret in Stripe but did not paste the new one into Leadex.
    await emulator.changeMerchantEndpoint(market.merchant.id, { webhookSecret: "whsec_rolledButNotPasted000" });
    const customer = await emulator.createMerchantCustomer(market.merchant.id, {});
    const { invoice } = await emulator.payMerchantInvoice(market.merchant.id, { customer: customer.id, amount: 10_000, metadata: { leadex_lead_id: lead.id } });
    const paid = eventOf(market, "invoice.paid");

    const wrongSecret = await deliver(market.endpointUrl, paid, "whsec_rolledButNotPasted000");
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body.error.code).toBe("bad_signature");
    const forged = await deliver(market.endpointUrl, paid, market.merchant.webhook_secret, "t=1,v1=deadbeef");
    expect(forged.status).toBe(400);
    const unsigned = await fetch(market.endpointUrl, { method: "POST", body: JSON.stringify(paid), headers: { "content-type": "application/json" } });
    expect(unsigned.status).toBe(400);
    const elsewhere = await deliver(`${stack().appUrl}/webhooks/stripe/conversions/no-such-advertiser`, paid, market.merchant.webhook_secret);
    expect(elsewhere.status).toBe(404);
    expect(await prisma.conversion.count({ where: { advertiserId: market.buyerId } })).toBe(0);
    expect(await prisma.stripeEvent.count({ where: { id: { startsWith: `advertiser:${market.buyerId}:` } } })).toBe(0);

    // Signed with the secret Leadex keeps, the same event is a sale.
    const good = await deliver(market.endpointUrl, paid, market.merchant.webhook_secret);
    expect(good).toMatchObject({ status: 200, body: { result: "recorded", conversion: { conversion_id: invoice.id } } });
    await saleOf(market.buyerId, invoice.id);
    await expectLedgerInvariants();
  });

  it("partial refunds reverse the sale in proportion to the charge, cumulatively; a repeat changes nothing; the last refund reverses the rest", async () => {
    const market = await stripeMarket();
    const lead = await leadDeliveredASecondAgo(market);
    const { emulator } = stack();
    const customer = await emulator.createMerchantCustomer(market.merchant.id, { metadata: { leadex_lead_id: lead.id } });
    const { invoice, charge } = await emulator.payMerchantInvoice(market.merchant.id, { customer: customer.id, amount: 9_999, tax: 825 });
    expect(charge.amount).toBe(10_824);
    const sale = await saleOf(market.buyerId, invoice.id);
    expect(sale.payoutCents).toBe(1_000); // 10% of 99.99, half-up
    expect(await wallet(market.buyerId)).toBe(50_000n - 1_000n);

    await emulator.refundMerchantCharge(market.merchant.id, charge.id, 3_333);
    const afterFirst = await prisma.conversion.findUniqueOrThrow({ where: { id: sale.id } });
    const firstSale = proportionOfCents(9_999, 3_333, 10_824); // 3,079 of the 9,999 before tax
    expect(afterFirst).toMatchObject({ reversedSaleCents: firstSale, reversedPayoutCents: proportionOfCents(1_000, firstSale, 9_999), status: "PENDING" });
    expect(await wallet(market.buyerId)).toBe(50_000n - 1_000n + BigInt(proportionOfCents(1_000, firstSale, 9_999)));

    const refunded = eventOf(market, "charge.refunded");
    expect(await emulator.resendEvent(refunded.id)).toBe(200);
    const copy = await deliver(market.endpointUrl, { ...refunded, id: `${refunded.id}copy` }, market.merchant.webhook_secret);
    expect(copy).toMatchObject({ status: 200, body: { result: "duplicate" } });
    expect((await prisma.conversion.findUniqueOrThrow({ where: { id: sale.id } })).reversedSaleCents).toBe(firstSale);

    await emulator.refundMerchantCharge(market.merchant.id, charge.id, 3_333);
    const secondSale = proportionOfCents(9_999, 6_666, 10_824); // cumulative, never the sum of rounded parts
    expect((await prisma.conversion.findUniqueOrThrow({ where: { id: sale.id } })).reversedSaleCents).toBe(secondSale);

    await emulator.refundMerchantCharge(market.merchant.id, charge.id);
    const reversed = await prisma.conversion.findUniqueOrThrow({ where: { id: sale.id } });
    expect(reversed).toMatchObject({ status: "REVERSED", reversedSaleCents: 9_999, reversedPayoutCents: 1_000, reversedFeeCents: sale.feeCents });
    const adjustments = await prisma.conversionAdjustment.findMany({ where: { conversionId: sale.id }, orderBy: { createdAt: "asc" } });
    expect(adjustments.map((a) => a.key)).toEqual([`stripe-refund:${charge.id}:3333`, `stripe-refund:${charge.id}:6666`, `stripe-refund:${charge.id}:10824`]);
    expect(await wallet(market.buyerId)).toBe(50_000n);
    await expectLedgerInvariants();
  });

  it("a refund that arrives before its invoice is kept, and applied when the invoice arrives", async () => {
    const market = await stripeMarket({ endpointDown: true });
    const lead = await leadDeliveredASecondAgo(market);
    const { emulator } = stack();
    const customer = await emulator.createMerchantCustomer(market.merchant.id, { metadata: { leadex_lead_id: lead.id } });
    const { invoice, charge } = await emulator.payMerchantInvoice(market.merchant.id, { customer: customer.id, amount: 40_000, tax: 4_000 });
    // The endpoint comes back: Stripe retries what it missed, in its own order.
    await emulator.changeMerchantEndpoint(market.merchant.id, { webhookUrl: market.endpointUrl });
    expect(await emulator.resendEvent(eventOf(market, "customer.created").id)).toBe(200);
    expect(await emulator.resendEvent(eventOf(market, "invoice_payment.paid").id)).toBe(200);
    await emulator.refundMerchantCharge(market.merchant.id, charge.id, 11_000); // a quarter of the 440.00 charge
    expect(await prisma.conversion.count({ where: { advertiserId: market.buyerId } })).toBe(0);
    const again = await deliver(market.endpointUrl, { ...eventOf(market, "charge.refunded"), id: "evt_refund_early_copy" }, market.merchant.webhook_secret);
    expect(again).toMatchObject({ status: 200, body: { result: "kept", reason: expect.stringContaining(`until invoice ${invoice.id} is paid`) } });

    expect(await emulator.resendEvent(eventOf(market, "invoice.paid").id)).toBe(200);
    const sale = await saleOf(market.buyerId, invoice.id);
    await waitFor("the early refund to be applied", async () => (await prisma.conversion.findUniqueOrThrow({ where: { id: sale.id } })).reversedSaleCents > 0);
    const after = await prisma.conversion.findUniqueOrThrow({ where: { id: sale.id } });
    // A quarter of the 400.00 sale; billed 40.00, a quarter of it back.
    expect(after).toMatchObject({ saleAmountCents: 40_000, payoutCents: 4_000, reversedSaleCents: 10_000, reversedPayoutCents: 1_000, status: "PENDING" });
    expect(await wallet(market.buyerId)).toBe(50_000n - 3_000n);

    // The rest refunded later: the whole sale is reversed, once.
    await emulator.refundMerchantCharge(market.merchant.id, charge.id);
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: sale.id } })).toMatchObject({ status: "REVERSED", reversedSaleCents: 40_000 });
    expect(await wallet(market.buyerId)).toBe(50_000n);
    await expectLedgerInvariants();
  });
});
