import { describe, expect, it } from "vitest";
import { balanceCents, findUnbalancedEntries, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { setOwnOrderStatus } from "~/modules/orders/orders.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { CONTACT_FIELDS, makeOffer, makeOrder } from "./factories/marketplace";
import { useTestStack } from "./support/app";
import { makeConversionMarket } from "./support/conversions";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { waitFor } from "./support/wait";

const stack = useTestStack({ workerCount: 2 });

function sendAndSettle(apiKey: string, offerId: string, overrides: Record<string, string> = {}) {
  return sendFieldsAndSettle(apiKey, offerId, leadFields(overrides));
}

async function sendFieldsAndSettle(apiKey: string, offerId: string, fields: Record<string, string>) {
  const answer = await postLead(stack().appUrl, apiKey, { offer_id: offerId, lead_id: affiliateLeadId(), ...fields });
  expect(answer.status).toBe(201);
  return waitFor(`lead ${answer.body.lead_id} to be routed`, async () => {
    const lead = await prisma.lead.findUniqueOrThrow({
      where: { id: answer.body.lead_id },
      include: { sales: true, events: { orderBy: { seq: "asc" } } },
    });
    return lead.status === "SOLD" || lead.status === "UNSOLD" || lead.status === "REJECTED" ? lead : undefined;
  });
}

describe("routing", () => {
  it("sells an exclusive lead once, to the highest matching bid, and says why the others were skipped", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const [high, low, texasOnly] = [await makeAdvertiser(), await makeAdvertiser(), await makeAdvertiser()];
    const highOrder = await makeOrder(high.actor, offer.id, { priceCents: 4000, filters: { states: ["CA"], postalCodePrefixes: ["941"] } });
    const lowOrder = await makeOrder(low.actor, offer.id, { priceCents: 3000 });
    const texasOrder = await makeOrder(texasOnly.actor, offer.id, { priceCents: 5000, filters: { states: ["TX"], postalCodePrefixes: [] } });
    for (const a of [high, low, texasOnly]) await fundWallet(a.actor, 10_000, stack().emulator);

    const lead = await sendAndSettle(affiliate.apiKey, offer.id, { state: "CA", postal_code: "94107" });
    expect(lead.status).toBe("SOLD");
    expect(lead.sales.map((s) => s.orderId)).toEqual([highOrder.id]);
    const skipped = lead.events.filter((e) => e.type === "order-skipped").map((e) => e.message);
    expect(skipped).toEqual([`Order ${texasOrder.id} skipped: state CA not in TX`, `Order ${lowOrder.id} skipped: exclusive lead already sold`]);
    expect(lead.events.map((e) => e.message)).toContain("Routed by best price (exclusive): sold to 1 of 3 open orders");
  });

  it("ranks a buyer's bid less its approved-return rate ($100 from a buyer returning 10% ranks as $90) and charges the full bid", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const [returner, clean] = [await makeAdvertiser(), await makeAdvertiser()];
    await prisma.company.update({ where: { id: returner.actor.companyId }, data: { returnRateBps: 1000 } });
    const returnerOrder = await makeOrder(returner.actor, offer.id, { priceCents: 10_000 });
    const cleanOrder = await makeOrder(clean.actor, offer.id, { priceCents: 9_500 });
    for (const a of [returner, clean]) await fundWallet(a.actor, 50_000, stack().emulator);

    // $95 beats $100 ranked as $90.
    const first = await sendAndSettle(affiliate.apiKey, offer.id);
    expect(first.sales.map((s) => [s.orderId, s.priceCents])).toEqual([[cleanOrder.id, 9_500]]);
    // At $89 the clean buyer ranks below $90: the returner wins and pays its full $100.
    await prisma.order.update({ where: { id: cleanOrder.id }, data: { priceCents: 8_900 } });
    const second = await sendAndSettle(affiliate.apiKey, offer.id);
    expect(second.sales.map((s) => [s.orderId, s.priceCents])).toEqual([[returnerOrder.id, 10_000]]);
    await expectLedgerInvariants();
  });

  it("says buyers_out_of_funds when the only matching buyer's wallet is empty, and no_matching_order when no order matches", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const broke = await makeAdvertiser();
    await makeOrder(broke.actor, offer.id, { priceCents: 3000, filters: { states: ["CA"], postalCodePrefixes: [] } });
    const readReasons = async (leadId: string) => {
      const answer = await fetch(new URL(`/api/v1/leads/${leadId}`, stack().appUrl), { headers: { authorization: `Bearer ${affiliate.apiKey}` } });
      return ((await answer.json()) as { reasons: string[] }).reasons;
    };

    const unpaid = await sendAndSettle(affiliate.apiKey, offer.id, { state: "CA", postal_code: "94107" });
    expect(unpaid.status).toBe("UNSOLD");
    expect(unpaid.reasons).toEqual(["buyers_out_of_funds"]);
    expect(unpaid.events.filter((e) => e.type === "unsold").map((e) => e.message)).toEqual(["Not sold: every matching order's buyer is out of funds"]);
    expect(await readReasons(unpaid.id)).toEqual(["buyers_out_of_funds"]);

    const unmatched = await sendAndSettle(affiliate.apiKey, offer.id, { state: "TX", postal_code: "73301" });
    expect(unmatched.status).toBe("UNSOLD");
    expect(unmatched.reasons).toEqual(["no_matching_order"]);
    expect(unmatched.events.filter((e) => e.type === "unsold").map((e) => e.message)).toEqual(["Not sold: no open order matched"]);
    expect(await readReasons(unmatched.id)).toEqual(["no_matching_order"]);
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(broke.actor.companyId, "usd"))).toBe(0n);
  });

  it("shares a lead with up to maxBuyers different advertisers, each billed once", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { exclusivity: "SHARED", maxBuyers: 2 });
    const buyers = [await makeAdvertiser(), await makeAdvertiser(), await makeAdvertiser()];
    for (const [i, b] of buyers.entries()) {
      await makeOrder(b.actor, offer.id, { priceCents: 3000 + i * 100 });
      await fundWallet(b.actor, 10_000, stack().emulator);
    }
    const lead = await sendAndSettle(affiliate.apiKey, offer.id);
    expect(lead.sales).toHaveLength(2);
    expect(lead.sales.map((s) => s.priceCents).sort()).toEqual([3100, 3200]);
    expect(await balanceCents(prisma, ledgerAccounts.affiliateHeld(affiliate.actor.companyId, "usd"))).toBe(2480n + 2560n);
    expect(await findUnbalancedEntries(prisma)).toEqual([]);
  });

  it("skips an order whose daily cap is reached, and one whose wallet cannot pay", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const capped = await makeAdvertiser();
    const broke = await makeAdvertiser();
    const cappedOrder = await makeOrder(capped.actor, offer.id, { priceCents: 4000, dailyCap: 1 });
    const brokeOrder = await makeOrder(broke.actor, offer.id, { priceCents: 3000 });
    await fundWallet(capped.actor, 10_000, stack().emulator);
    await fundWallet(broke.actor, 2_000, stack().emulator);

    const first = await sendAndSettle(affiliate.apiKey, offer.id);
    expect(first.sales.map((s) => s.orderId)).toEqual([cappedOrder.id]);

    const second = await sendAndSettle(affiliate.apiKey, offer.id);
    expect(second.status).toBe("UNSOLD");
    // The capped order no longer takes leads; the one that does has a buyer who cannot pay.
    expect(second.reasons).toEqual(["buyers_out_of_funds"]);
    expect(second.events.filter((e) => e.type === "order-skipped").map((e) => e.message)).toEqual([
      `Order ${cappedOrder.id} skipped: daily cap of 1 reached`,
      `Order ${brokeOrder.id} skipped: balance $20.00 is below the price $30.00`,
    ]);
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(broke.actor.companyId, "usd"))).toBe(2_000n);
  });

  it("never overdraws a wallet when many leads race for the same order", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const buyer = await makeAdvertiser();
    await makeOrder(buyer.actor, offer.id, { priceCents: 3000 });
    await fundWallet(buyer.actor, 10_000, stack().emulator); // pays for 3 leads, not 4
    const leads = await Promise.all(Array.from({ length: 8 }, () => sendAndSettle(affiliate.apiKey, offer.id)));
    expect(leads.filter((l) => l.status === "SOLD")).toHaveLength(3);
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(buyer.actor.companyId, "usd"))).toBe(1_000n);
    expect(await findUnbalancedEntries(prisma)).toEqual([]);
  });

  it("sells to a postpaid advertiser down to minus its credit limit and no further", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const buyer = await makeAdvertiser();
    const order = await makeOrder(buyer.actor, offer.id, { priceCents: 3000 });
    await prisma.company.update({ where: { id: buyer.actor.companyId }, data: { creditLimitCents: 5_000 } });
    expect((await sendAndSettle(affiliate.apiKey, offer.id)).status).toBe("SOLD");
    const second = await sendAndSettle(affiliate.apiKey, offer.id);
    expect(second.status).toBe("UNSOLD");
    expect(second.events.filter((e) => e.type === "order-skipped").map((e) => e.message)).toEqual([
      `Order ${order.id} skipped: balance -$30.00 plus its credit limit $50.00 is below the price $30.00`,
    ]);
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(buyer.actor.companyId, "usd"))).toBe(-3_000n);
    expect(await findUnbalancedEntries(prisma)).toEqual([]);
  });

  it("does not sell to a paused order", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const buyer = await makeAdvertiser();
    const order = await makeOrder(buyer.actor, offer.id);
    await fundWallet(buyer.actor, 10_000, stack().emulator);
    await setOwnOrderStatus(buyer.actor, order.id, "PAUSED");
    const lead = await sendAndSettle(affiliate.apiKey, offer.id);
    expect(lead.status).toBe("UNSOLD");
  });

  it("rejects a lead from outside the offer's geo with a reason, and bills nobody", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { states: ["CA", "TX"] });
    const buyer = await makeAdvertiser();
    await makeOrder(buyer.actor, offer.id);
    await fundWallet(buyer.actor, 10_000, stack().emulator);
    const lead = await sendAndSettle(affiliate.apiKey, offer.id, { state: "FL", postal_code: "33101" });
    expect(lead.status).toBe("REJECTED");
    expect(lead.reasons).toEqual(["out_of_geo"]);
    expect(lead.state).toBe("FL");
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(buyer.actor.companyId, "usd"))).toBe(10_000n);
  });

  it("on an offer that asks only for a ZIP code, a state filter reads the ZIP's state: a San Francisco lead sells, a New York one is skipped", async () => {
    const affiliate = await makeAffiliate();
    const zipOnly = CONTACT_FIELDS.filter((f) => f.type !== "state");
    const offer = await makeOffer(affiliate.actor, { fields: zipOnly });
    const buyer = await makeAdvertiser();
    const californiaOrder = await makeOrder(buyer.actor, offer.id, { filters: { states: ["CA"], postalCodePrefixes: [] } });
    await fundWallet(buyer.actor, 10_000, stack().emulator);
    const withoutState = ({ state: _, ...fields }: Record<string, string>) => fields;

    const sanFrancisco = await sendFieldsAndSettle(affiliate.apiKey, offer.id, withoutState(leadFields({ postal_code: "94107" })));
    expect(sanFrancisco.status).toBe("SOLD");
    expect(sanFrancisco.sales.map((s) => s.orderId)).toEqual([californiaOrder.id]);
    expect(sanFrancisco.state).toBe("CA");

    const newYork = await sendFieldsAndSettle(affiliate.apiKey, offer.id, withoutState(leadFields({ postal_code: "10001" })));
    expect(newYork.status).toBe("UNSOLD");
    expect(newYork.state).toBe("NY");
    expect(newYork.events.filter((e) => e.type === "order-skipped").map((e) => e.message)).toEqual([`Order ${californiaOrder.id} skipped: state NY not in CA`]);
  });

  it("delivers a CPA lead free, with no entry in the ledger, while the buyer's wallet covers the order's reserve", async () => {
    const market = await makeConversionMarket(stack(), {}, { fundCents: 12_000 });
    const lead = await sendAndSettle(market.affiliate.apiKey, market.offer.id);
    expect(lead.status).toBe("SOLD");
    expect(lead.sales).toMatchObject([{ orderId: market.order.id, pricingModel: "CPA", priceCents: 0, journalEntryId: null }]);
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(market.buyer.actor.companyId, "usd"))).toBe(12_000n);
    expect(await balanceCents(prisma, ledgerAccounts.affiliateHeld(market.affiliate.actor.companyId, "usd"))).toBe(0n);
    await expectLedgerInvariants();
  });

  it("does not deliver a CPA lead when the buyer's wallet does not cover the order's reserve, and the timeline says why", async () => {
    // The reserve is one action's payout, the largest event: $120.00. The wallet holds $119.99.
    const market = await makeConversionMarket(stack(), {}, { fundCents: 11_999 });
    const lead = await sendAndSettle(market.affiliate.apiKey, market.offer.id);
    expect(lead.status).toBe("UNSOLD");
    expect(lead.sales).toEqual([]);
    expect(lead.events.filter((e) => e.type === "order-skipped").map((e) => e.message)).toEqual([
      `Order ${market.order.id} skipped: wallet $119.99 does not cover the order's reserve $120.00`,
    ]);
    await expectLedgerInvariants();
  });
});
