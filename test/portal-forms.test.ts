import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";
import { CPA_EVENTS } from "./support/conversions";

const stack = useTestStack({ workers: false });

async function submit(path: string, fields: Record<string, string>, cookie?: string) {
  const response = await fetch(new URL(path, stack().appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

/** The page as a person reads it: markup without scripts (whose hydration data repeats every answer). */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
}

describe("portal forms (no JavaScript)", () => {
  it("sign-up names each bad field and creates nothing", async () => {
    const answer = await submit("/signup", { name: "", companyName: "Acme", email: "not-an-email", password: "short", role: "ADVERTISER" });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("Enter your name");
    expect(answer.text).toContain("Enter a valid email address");
    expect(answer.text).toContain("Use at least 10 characters");
    expect(await prisma.user.count({ where: { email: "not-an-email" } })).toBe(0);
  });

  it("sign-up with a taken email is a conflict; a good sign-up signs in", async () => {
    const existing = await makeAdvertiser();
    const taken = await submit("/signup", { name: "B", companyName: "B Co", email: existing.email, password: "long-enough-1", role: "ADVERTISER" });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain("already exists");
    const fresh = await submit("/signup", {
      name: "Cy",
      companyName: "Cy Co",
      email: `cy-${Date.now()}@example.test`,
      password: "long-enough-1",
      role: "AFFILIATE",
    });
    expect(fresh.status).toBe(302);
    expect(fresh.location).toBe("/affiliate");
  });

  it("a wrong password is refused with 401", async () => {
    const user = await makeAdvertiser();
    const answer = await submit("/login", { email: user.email, password: "wrong-password" });
    expect(answer.status).toBe(401);
    expect(answer.text).toContain("Email or password is wrong");
  });

  it("an affiliate creates an offer through the form; a bad one names its fields", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const bad = await submit("/affiliate/offers/new", { title: "", vertical: "insurance", pricingModel: "CPL", price: "abc" }, cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Give the offer a title");
    expect(bad.text).toContain("Enter a price such as 25 or 25.50");
    expect(bad.text).toContain("Choose at least one lead field");

    const good = await submit(
      "/affiliate/offers/new",
      {
        title: "Auto quotes TX",
        vertical: "auto",
        pricingModel: "CPL",
        price: "18.50",
        exclusivity: "EXCLUSIVE",
        returnWindowDays: "5",
        field_email: "required",
        field_phone: "optional",
      },
      cookie,
    );
    expect(good.status).toBe(302);
    const offer = await prisma.offer.findFirstOrThrow({ where: { affiliateId: affiliate.actor.companyId } });
    expect(offer).toMatchObject({ title: "Auto quotes TX", priceCents: 1850, pricingModel: "CPL", returnWindowDays: 5 });
    expect(good.location).toBe(`/affiliate/offers/${offer.id}`);
  });

  it("an offer whose reject score is above its accept score is refused, with the error under the reject score", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const offer = { title: "Solar quotes", vertical: "solar", pricingModel: "CPL", price: "30", field_email: "required", "qualityRules.shown": "1" };
    const inverted = await submit("/affiliate/offers/new", { ...offer, "qualityRules.acceptScore": "40", "qualityRules.rejectScore": "60" }, cookie);
    expect(inverted.status).toBe(400);
    expect(inverted.text).toContain(
      '<p class="field-error" id="f-qualityRules.rejectScore-error">Must be at most the accept score (leads scoring in between are held for review)</p>',
    );
    expect(await prisma.offer.count({ where: { affiliateId: affiliate.actor.companyId } })).toBe(0);

    const equal = await submit("/affiliate/offers/new", { ...offer, "qualityRules.acceptScore": "60", "qualityRules.rejectScore": "60" }, cookie);
    expect(equal.status).toBe(302);
  });

  it("an order below the offer's price is refused naming the price", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { priceCents: 2500 });
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const low = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, price: "20" }, cookie);
    expect(low.status).toBe(422);
    expect(low.text).toContain("bid at least that");
    expect(await prisma.order.count({ where: { advertiserId: advertiser.actor.companyId } })).toBe(0);
    const ok = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, price: "26", dailyCap: "10", states: "ca, tx" }, cookie);
    expect(ok.status).toBe(302);
    const order = await prisma.order.findFirstOrThrow({ where: { advertiserId: advertiser.actor.companyId } });
    expect(order).toMatchObject({ priceCents: 2600, dailyCap: 10, filters: { states: ["CA", "TX"], postalCodePrefixes: [] } });
  });

  it("an affiliate makes CPA and CPS offers through the form; a bad event row is named next to that row", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const base = { vertical: "finance", field_email: "required", field_phone: "required" };
    // Row 0 is left empty: the bad payout in row 2 is the schema's event 1, and its error shows under row 2.
    const bad = await submit(
      "/affiliate/offers/new",
      {
        ...base,
        title: "Personal loans",
        pricingModel: "CPA",
        event_1_code: "application",
        event_1_payout: "15",
        event_2_code: "funded",
        event_2_payout: "lots",
        attributionWindowDays: "0",
      },
      cookie,
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<p class="field-error" id="f-event_2_payout-error">Enter a payout such as 15 or 15.50</p>');
    expect(bad.text).not.toContain('id="f-event_1_payout-error"');
    expect(bad.text).toContain('<p class="field-error" id="f-attributionWindowDays-error">At least 1 day</p>');
    expect(bad.text).toContain('value="lots"');
    const none = await submit("/affiliate/offers/new", { ...base, title: "Personal loans", pricingModel: "CPA" }, cookie);
    expect(none.status).toBe(400);
    expect(visibleText(none.text)).toContain("A CPA offer needs a price per action or at least one event with its payout");
    expect(await prisma.offer.count({ where: { affiliateId: affiliate.actor.companyId } })).toBe(0);

    const cpa = await submit(
      "/affiliate/offers/new",
      {
        ...base,
        title: "Personal loans",
        pricingModel: "CPA",
        event_0_code: "application",
        event_0_label: "Application sent",
        event_0_payout: "15",
        event_2_code: "Funded",
        event_2_label: "Loan funded",
        event_2_payout: "120.00",
        lockPeriodDays: "7",
        allowsLockedAdjustments: "on",
      },
      cookie,
    );
    expect(cpa.status).toBe(302);
    const cpaOffer = await prisma.offer.findFirstOrThrow({ where: { affiliateId: affiliate.actor.companyId, pricingModel: "CPA" } });
    expect(cpaOffer).toMatchObject({
      conversionEvents: [
        { code: "application", label: "Application sent", payoutCents: 1500 },
        { code: "funded", label: "Loan funded", payoutCents: 12_000 },
      ],
      attributionWindowDays: 30,
      lockPeriodDays: 7,
      allowsLockedAdjustments: true,
    });
    const cpaPage = visibleText(await (await fetch(new URL(`/affiliate/offers/${cpaOffer.id}`, stack().appUrl), { headers: { cookie } })).text());
    expect(cpaPage).toContain("Application sent ( application ): $15.00");
    expect(cpaPage).toContain("Loan funded ( funded ): $120.00");
    expect(cpaPage).toContain("7 days: until then the buyer may reverse a conversion");
    expect(cpaPage).toContain("Allowed, as adjustments");

    const badCps = await submit(
      "/affiliate/offers/new",
      { ...base, title: "Solar sales", pricingModel: "CPS", salePercent: "ten", saleMin: "200", saleMax: "5" },
      cookie,
    );
    expect(badCps.status).toBe(400);
    expect(badCps.text).toContain('<p class="field-error" id="f-salePercent-error">Enter the share of the sale as a percentage such as 10 or 12.5</p>');
    const inverted = await submit(
      "/affiliate/offers/new",
      { ...base, title: "Solar sales", pricingModel: "CPS", salePercent: "10%", saleMin: "200", saleMax: "5" },
      cookie,
    );
    expect(inverted.status).toBe(400);
    expect(inverted.text).toContain('<p class="field-error" id="f-saleMax-error">The minimum per sale cannot be above the maximum</p>');
    const cps = await submit(
      "/affiliate/offers/new",
      { ...base, title: "Solar sales", pricingModel: "CPS", salePercent: "10%", saleMin: "5", saleMax: "200" },
      cookie,
    );
    expect(cps.status).toBe(302);
    const cpsOffer = await prisma.offer.findFirstOrThrow({ where: { affiliateId: affiliate.actor.companyId, pricingModel: "CPS" } });
    expect(cpsOffer).toMatchObject({ salePercentBps: 1000, saleMinCents: 500, saleMaxCents: 20_000, priceCents: 0, conversionEvents: [], lockPeriodDays: 14 });
    const cpsPage = visibleText(await (await fetch(new URL(`/affiliate/offers/${cpsOffer.id}`, stack().appUrl), { headers: { cookie } })).text());
    expect(cpsPage).toContain("10% of the sale, at least $5.00 and at most $200.00 per sale");
    expect(cpsPage).toContain("30 days after delivery");
  });

  it("an order on a CPA offer opens with a reserve instead of a price, and the orders page says whether the wallet covers it", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { pricingModel: "CPA", priceCents: 0, conversionEvents: CPA_EVENTS });
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const page = await fetch(new URL(`/advertiser/marketplace/${offer.id}`, stack().appUrl), { headers: { cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(visibleText(html)).toContain("Loan funded ( funded ): $120.00");
    expect(visibleText(html)).toContain("payout, $120.00.");
    expect(html).toContain(`name="reserve"`);
    expect(html).not.toContain(`name="price"`);
    expect(html).not.toContain(`name="pingUrl"`);

    const bad = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, reserve: "-5" }, cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="f-reserve-error"');
    const answer = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, reserve: "150", dailyCap: "20" }, cookie);
    expect(answer.status).toBe(302);
    const order = await prisma.order.findFirstOrThrow({ where: { advertiserId: advertiser.actor.companyId } });
    expect(answer.location).toBe(`/advertiser/orders/${order.id}`);
    expect(order).toMatchObject({ priceCents: 0, reserveCents: 15_000, dailyCap: 20, offerId: offer.id });

    const orders = async () => visibleText(await (await fetch(new URL("/advertiser/orders", stack().appUrl), { headers: { cookie } })).text());
    const empty = await orders();
    expect(empty).toContain("CPA Application $15.00 · Loan funded $120.00");
    expect(empty).toContain("Reserve $150.00");
    expect(empty).toContain("Wallet $0.00 does not cover the reserve of $150.00");
    expect(empty).toContain("Open — not buying: wallet cannot pay");
    await fundWallet(advertiser.actor, 20_000, stack().emulator);
    expect(await orders()).toContain("Wallet $200.00 covers it");
  });

  it("an order on a paused offer is a conflict, not a missing page", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    await prisma.offer.update({ where: { id: offer.id }, data: { status: "PAUSED" } });
    const answer = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, price: "30" }, cookie);
    expect(answer.status).toBe(409);
    // Shown on the page, not only in the hydration data (the offer page itself is gone for a paused offer).
    expect(visibleText(answer.text)).toContain("This offer is paused and takes no new orders");
    expect(await prisma.order.count({ where: { advertiserId: advertiser.actor.companyId } })).toBe(0);
    const missing = await submit("/advertiser/marketplace/no-such-offer", { offerId: "no-such-offer", price: "30" }, cookie);
    expect(missing.status).toBe(404);
  });

  it("a closed order cannot be reopened", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const advertiser = await makeAdvertiser();
    const order = await makeOrder(advertiser.actor, offer.id);
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    // Each change goes back to the orders page, which says what was done (redirectWithFlash).
    const paused = await submit("/advertiser/orders", { orderId: order.id, status: "PAUSED" }, cookie);
    expect(paused.status).toBe(302);
    // Closing is final: without confirm=yes the order's page asks first.
    const unconfirmed = await submit("/advertiser/orders", { orderId: order.id, status: "CLOSED" }, cookie);
    expect(unconfirmed.location).toBe(`/advertiser/orders/${order.id}?confirm=close`);
    expect((await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PAUSED");
    const closed = await submit("/advertiser/orders", { orderId: order.id, status: "CLOSED", confirm: "yes" }, cookie);
    expect(closed.status).toBe(302);
    for (const status of ["OPEN", "PAUSED"]) {
      const reopen = await submit("/advertiser/orders", { orderId: order.id, status }, cookie);
      expect(reopen.status).toBe(409);
      expect(visibleText(reopen.text)).toContain("This order is closed and cannot be changed");
    }
    expect(await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: "CLOSED" });
  });

  it("an order price above 1,000,000 is refused naming the price", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    for (const price of ["2000000", "999999999.99"]) {
      const answer = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, price }, cookie);
      expect(answer.status).toBe(400);
      expect(visibleText(answer.text)).toContain("A price per lead is at most 1,000,000.00");
    }
    expect(await prisma.order.count({ where: { advertiserId: advertiser.actor.companyId } })).toBe(0);
  });

  it("a top-up outside the allowed range is refused before Stripe is called", async () => {
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const answer = await submit("/advertiser/billing", { amount: "5" }, cookie);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("Enter an amount between 10 and 100,000");
    expect(await prisma.topUp.count({ where: { advertiserId: advertiser.actor.companyId } })).toBe(0);
  });

  it("an API key is shown once and stored only as a hash", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const created = await submit("/affiliate/api-keys", { intent: "create", label: "Tracker" }, cookie);
    const key = /lx_[a-z0-9]{10}_[A-Za-z0-9_-]{32,}/.exec(created.text)?.[0];
    expect(key).toBeDefined();
    const row = await prisma.apiKey.findFirstOrThrow({ where: { companyId: affiliate.actor.companyId, label: "Tracker" } });
    expect(row.hash).not.toContain(key!.split("_").slice(2).join("_"));
    const listing = await fetch(new URL("/affiliate/api-keys", stack().appUrl), { headers: { cookie } });
    expect(await listing.text()).not.toContain(key);
  });
});
