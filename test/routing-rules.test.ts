import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Order } from "~/generated/prisma/client";
import { sellLeadToOrder } from "~/modules/billing/lead-sales.server";
import { balanceCents, findUnbalancedEntries, ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { MAX_ORDER_PRICE_CENTS, type CreateOrderInput } from "~/modules/orders/orders.schema";
import { distributeOrders, type DistributableOrder } from "~/modules/routing/distribution.server";
import { orderPriceCents, orderSkipReason, type RoutingCandidate } from "~/modules/routing/order-eligibility.server";
import { routeLead } from "~/modules/routing/routing.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate, type MadeAccount } from "./factories/accounts";
import { makeOffer, makeOrder } from "./factories/marketplace";

const FEE_BPS = 2000;

const candidate = (overrides: Partial<RoutingCandidate> = {}): RoutingCandidate => ({
  offerId: "offer",
  fields: { first_name: "Ada", state: "CA" },
  state: "CA",
  postalCode: "94107",
  qualityScore: 70,
  temperature: "WARM",
  emailHash: null,
  phoneHash: null,
  ...overrides,
});

async function openOrderOnNewOffer(overrides: Partial<CreateOrderInput> = {}, offerOverrides: Parameters<typeof makeOffer>[1] = {}) {
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor, offerOverrides);
  const buyer = await makeAdvertiser();
  const order = await makeOrder(buyer.actor, offer.id, overrides);
  return { affiliate, offer, buyer, order };
}

function skipReason(order: Order, overrides: Partial<RoutingCandidate> = {}, now = new Date()) {
  return prisma.$transaction((tx) => orderSkipReason(tx, order, candidate(overrides), now));
}

async function makeAcceptedLead(
  affiliate: MadeAccount,
  offerId: string,
  overrides: Partial<{ qualityScore: number; temperature: "COLD" | "WARM" | "HOT"; emailHash: string; fields: Record<string, string> }> = {},
) {
  return prisma.lead.create({
    data: {
      offerId,
      affiliateId: affiliate.actor.companyId,
      externalId: randomUUID(),
      status: "ACCEPTED",
      rawFields: {},
      subIds: {},
      fields: overrides.fields ?? { first_name: "Ada", state: "CA" },
      state: "CA",
      postalCode: "94107",
      emailHash: overrides.emailHash ?? randomUUID(),
      qualityScore: overrides.qualityScore ?? 70,
      temperature: overrides.temperature ?? "WARM",
    },
  });
}

/** A sale recorded on the order at a given moment (as if it had happened then), paid by a credit of its price. */
async function saleAt(made: { affiliate: MadeAccount; offer: { id: string }; order: Order }, soldAt: string, priceCents = made.order.priceCents) {
  const lead = await makeAcceptedLead(made.affiliate, made.offer.id);
  await prisma.$transaction(async (tx) => {
    await postJournalEntry(tx, {
      idempotencyKey: `test-credit:${lead.id}`,
      kind: "TOP_UP",
      description: "Test wallet credit for a back-dated sale",
      postings: [
        { account: ledgerAccounts.stripeCash("usd"), amountCents: BigInt(priceCents) },
        { account: ledgerAccounts.advertiserWallet(made.order.advertiserId, "usd"), amountCents: -BigInt(priceCents) },
      ],
    });
    const sale = await sellLeadToOrder(tx, lead, made.order, { pricingModel: "CPL", returnWindowDays: 7 }, priceCents, FEE_BPS);
    await tx.leadSale.update({ where: { id: sale.id }, data: { soldAt: new Date(soldAt) } });
  });
}

async function creditWallet(advertiser: MadeAccount, amountCents: number) {
  await prisma.$transaction((tx) =>
    postJournalEntry(tx, {
      idempotencyKey: `test-credit:${randomUUID()}`,
      kind: "TOP_UP",
      description: "Test wallet credit",
      postings: [
        { account: ledgerAccounts.stripeCash("usd"), amountCents: BigInt(amountCents) },
        { account: ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd"), amountCents: -BigInt(amountCents) },
      ],
    }),
  );
}

function timelineOf(leadId: string) {
  return prisma.leadEvent.findMany({ where: { leadId }, orderBy: { seq: "asc" } });
}

describe("order filters", () => {
  it("an order for hot leads scoring 80 or more takes one and skips a cold or low-scoring lead", async () => {
    const { order } = await openOrderOnNewOffer({ filters: { minScore: 80, temperatures: ["HOT"] } });
    expect(await skipReason(order, { qualityScore: 85, temperature: "HOT" })).toBeNull();
    expect(await skipReason(order, { qualityScore: 79, temperature: "HOT" })).toBe("score 79 is below the minimum 80");
    expect(await skipReason(order, { qualityScore: null, temperature: "HOT" })).toBe("score (none) is below the minimum 80");
    expect(await skipReason(order, { qualityScore: 95, temperature: "COLD" })).toBe("temperature cold not in hot");
  });

  it("a rule on any lead field passes a matching lead and names the field when it skips one", async () => {
    const cases: Array<{ rule: Record<string, unknown>; pass: Record<string, string>; skip: Record<string, string>; reason: string }> = [
      {
        rule: { field: "credit", op: "eq", value: "good" },
        pass: { credit: "Good" },
        skip: { credit: "poor" },
        reason: 'field credit is "poor", wanted credit is good',
      },
      { rule: { field: "credit", op: "neq", value: "poor" }, pass: {}, skip: { credit: "poor" }, reason: 'field credit is "poor", wanted credit is not poor' },
      {
        rule: { field: "credit", op: "in", values: ["good", "excellent"] },
        pass: { credit: "excellent" },
        skip: {},
        reason: "field credit is missing, wanted credit is one of good, excellent",
      },
      {
        rule: { field: "credit", op: "not_in", values: ["poor", "bad"] },
        pass: { credit: "good" },
        skip: { credit: "bad" },
        reason: 'field credit is "bad", wanted credit is none of poor, bad',
      },
      {
        rule: { field: "income", op: "gte", value: "50000" },
        pass: { income: "50000" },
        skip: { income: "49999" },
        reason: 'field income is "49999", wanted income is at least 50000',
      },
      {
        rule: { field: "age", op: "lte", value: "65" },
        pass: { age: "40" },
        skip: { age: "unknown" },
        reason: 'field age is "unknown", wanted age is at most 65',
      },
      {
        rule: { field: "vehicle", op: "contains", value: "toyota" },
        pass: { vehicle: "2019 Toyota Camry" },
        skip: { vehicle: "Ford F-150" },
        reason: 'field vehicle is "Ford F-150", wanted vehicle contains toyota',
      },
      {
        rule: { field: "home_owner", op: "exists" },
        pass: { home_owner: "yes" },
        skip: { home_owner: "  " },
        reason: "field home_owner is missing, wanted home_owner is present",
      },
    ];
    const { offer } = await openOrderOnNewOffer();
    const buyer = await makeAdvertiser();
    for (const c of cases) {
      const order = await makeOrder(buyer.actor, offer.id, { filters: { rules: [c.rule as never] } });
      expect(await skipReason(order, { fields: c.pass }), `${String(c.rule.op)} passes`).toBeNull();
      expect(await skipReason(order, { fields: c.skip }), `${String(c.rule.op)} skips`).toBe(c.reason);
    }
  });

  it("geo filters still skip a lead from another state or postal area", async () => {
    const { order } = await openOrderOnNewOffer({ filters: { states: ["CA"], postalCodePrefixes: ["941"] } });
    expect(await skipReason(order)).toBeNull();
    expect(await skipReason(order, { state: "TX" })).toBe("state TX not in CA");
    expect(await skipReason(order, { postalCode: "90001" })).toBe("postal code 90001 does not start with 941");
  });
});

describe("delivery schedule", () => {
  it("an order delivering Mon-Fri 09:00-17:00 in New York takes leads in office hours only", async () => {
    const { order } = await openOrderOnNewOffer({ timezone: "America/New_York", schedule: { days: [1, 2, 3, 4, 5], from: "09:00", to: "17:00" } });
    const outside = "outside delivery schedule: Mon-Fri 09:00-17:00 America/New_York";
    expect(await skipReason(order, {}, new Date("2025-03-03T14:00:00Z"))).toBeNull(); // Mon 09:00 EST
    expect(await skipReason(order, {}, new Date("2025-03-03T13:59:00Z"))).toBe(outside); // Mon 08:59
    expect(await skipReason(order, {}, new Date("2025-03-03T22:00:00Z"))).toBe(outside); // Mon 17:00
    expect(await skipReason(order, {}, new Date("2025-07-07T20:59:00Z"))).toBeNull(); // Mon 16:59 EDT
    expect(await skipReason(order, {}, new Date("2025-03-08T15:00:00Z"))).toBe(outside); // Sat 10:00
  });

  it("a night window crossing midnight covers the small hours of the next day", async () => {
    const { order } = await openOrderOnNewOffer({ timezone: "Asia/Tokyo", schedule: { days: [5], from: "22:00", to: "06:00" } });
    expect(await skipReason(order, {}, new Date("2025-03-07T13:30:00Z"))).toBeNull(); // Fri 22:30 JST
    expect(await skipReason(order, {}, new Date("2025-03-07T18:00:00Z"))).toBeNull(); // Sat 03:00 JST
    expect(await skipReason(order, {}, new Date("2025-03-07T21:00:00Z"))).toBe("outside delivery schedule: Fri 22:00-06:00 Asia/Tokyo"); // Sat 06:00
    expect(await skipReason(order, {}, new Date("2025-03-08T13:30:00Z"))).toBe("outside delivery schedule: Fri 22:00-06:00 Asia/Tokyo"); // Sat 22:30
  });
});

describe("caps in the buyer's time zone", () => {
  it("a daily cap counts the buyer's day: a sale at 23:30 in Los Angeles no longer counts at 00:05", async () => {
    const made = await openOrderOnNewOffer({ timezone: "America/Los_Angeles", dailyCap: 1 });
    expect(await skipReason(made.order, {}, new Date("2025-06-10T06:45:00Z"))).toBeNull();
    await saleAt(made, "2025-06-10T06:30:00Z"); // 23:30 PDT on June 9
    expect(await skipReason(made.order, {}, new Date("2025-06-10T06:45:00Z"))).toBe("daily cap of 1 reached"); // 23:45 PDT
    expect(await skipReason(made.order, {}, new Date("2025-06-10T07:05:00Z"))).toBeNull(); // 00:05 PDT June 10
  });

  it("an hourly cap counts the buyer's hour, even in a half-hour time zone", async () => {
    const made = await openOrderOnNewOffer({ timezone: "Asia/Kolkata", hourlyCap: 1 });
    await saleAt(made, "2025-06-10T04:40:00Z"); // 10:10 IST
    expect(await skipReason(made.order, {}, new Date("2025-06-10T05:20:00Z"))).toBe("hourly cap of 1 reached"); // 10:50 IST
    expect(await skipReason(made.order, {}, new Date("2025-06-10T05:31:00Z"))).toBeNull(); // 11:01 IST
  });

  it("a monthly cap counts the buyer's month: a sale just after midnight on Paris's first of the month counts", async () => {
    const made = await openOrderOnNewOffer({ timezone: "Europe/Paris", monthlyCap: 2 });
    await saleAt(made, "2025-01-31T23:30:00Z"); // 00:30 CET on February 1
    expect(await skipReason(made.order, {}, new Date("2025-02-20T12:00:00Z"))).toBeNull();
    await saleAt(made, "2025-02-10T12:00:00Z");
    expect(await skipReason(made.order, {}, new Date("2025-02-28T22:59:00Z"))).toBe("monthly cap of 2 reached"); // 23:59 CET Feb 28
    expect(await skipReason(made.order, {}, new Date("2025-02-28T23:01:00Z"))).toBeNull(); // 00:01 CET March 1
  });

  it("a daily spend cap refuses a sale that would cross it, and says when it is reached", async () => {
    const made = await openOrderOnNewOffer({ dailySpendCapCents: "100", priceCents: 3000 });
    const now = new Date("2025-06-10T18:00:00Z");
    await saleAt(made, "2025-06-10T10:00:00Z");
    await saleAt(made, "2025-06-10T11:00:00Z");
    expect(await skipReason(made.order, {}, now)).toBeNull(); // $60 spent + $30 = $90
    await saleAt(made, "2025-06-10T12:00:00Z");
    expect(await skipReason(made.order, {}, now)).toBe("daily spend cap $100.00 would be exceeded ($90.00 spent, this lead costs $30.00)");
    await saleAt(made, "2025-06-10T13:00:00Z", 1000);
    expect(await skipReason(made.order, {}, now)).toBe("daily spend cap $100.00 reached");
    expect(await skipReason(made.order, {}, new Date("2025-06-11T00:01:00Z"))).toBeNull(); // a new UTC day
  });

  it("hourly and monthly spend caps count the price this lead would pay", async () => {
    const made = await openOrderOnNewOffer({
      hourlySpendCapCents: "50",
      monthlySpendCapCents: "1000",
      priceCents: 3000,
      pricing: { temperature: { HOT: 4500 } },
    });
    await saleAt(made, "2025-06-10T10:05:00Z");
    const now = new Date("2025-06-10T10:30:00Z");
    expect(await skipReason(made.order, { temperature: "COLD" }, now)).toBe("hourly spend cap $50.00 would be exceeded ($30.00 spent, this lead costs $30.00)");
    expect(await skipReason(made.order, {}, new Date("2025-06-10T11:00:00Z"))).toBeNull();
    await saleAt(made, "2025-06-02T10:00:00Z", 95_000);
    expect(await skipReason(made.order, { temperature: "HOT" }, new Date("2025-06-20T10:00:00Z"))).toBe(
      "monthly spend cap $1,000.00 would be exceeded ($980.00 spent, this lead costs $45.00)",
    );
  });
});

describe("the buyer's suppression list", () => {
  it("skips an order whose advertiser suppressed the lead's email or phone, and only that advertiser's", async () => {
    const { offer, buyer, order } = await openOrderOnNewOffer();
    const other = await makeAdvertiser();
    const otherOrder = await makeOrder(other.actor, offer.id);
    await prisma.suppressionEntry.createMany({
      data: [
        { scope: `advertiser:${buyer.actor.companyId}`, advertiserId: buyer.actor.companyId, kind: "EMAIL", hash: "email-hash-1" },
        { scope: `advertiser:${buyer.actor.companyId}`, advertiserId: buyer.actor.companyId, kind: "PHONE", hash: "phone-hash-1" },
      ],
    });
    expect(await skipReason(order, { emailHash: "email-hash-1" })).toBe("email is on the buyer's suppression list");
    expect(await skipReason(order, { emailHash: "email-hash-2", phoneHash: "phone-hash-1" })).toBe("phone is on the buyer's suppression list");
    expect(await skipReason(order, { emailHash: "email-hash-2", phoneHash: "phone-hash-2" })).toBeNull();
    expect(await skipReason(otherOrder, { emailHash: "email-hash-1" })).toBeNull();
  });
});

describe("pricing on temperature and score", () => {
  it("an order pays its price for the lead's temperature plus a bonus above a score, within 0.01 and the price cap", async () => {
    const { order } = await openOrderOnNewOffer({
      priceCents: 3000,
      pricing: { temperature: { HOT: 4500, COLD: 2500 }, scoreBonus: { minScore: 80, extraCents: 500 } },
    });
    expect(orderPriceCents(order, candidate({ temperature: "HOT", qualityScore: 79 }))).toBe(4500);
    expect(orderPriceCents(order, candidate({ temperature: "HOT", qualityScore: 80 }))).toBe(5000);
    expect(orderPriceCents(order, candidate({ temperature: "COLD", qualityScore: 20 }))).toBe(2500);
    expect(orderPriceCents(order, candidate({ temperature: "WARM", qualityScore: 90 }))).toBe(3500);
    expect(orderPriceCents(order, candidate({ temperature: null, qualityScore: null }))).toBe(3000);
    const atCap = { ...order, priceCents: MAX_ORDER_PRICE_CENTS, pricing: { scoreBonus: { minScore: 0, extraCents: 500 } } };
    expect(orderPriceCents(atCap, candidate())).toBe(MAX_ORDER_PRICE_CENTS);
  });

  it("a hot, high-scoring lead is sold at the adjusted price in one balanced ledger entry", async () => {
    const made = await openOrderOnNewOffer({
      priceCents: 3000,
      pricing: { temperature: { HOT: 4500 }, scoreBonus: { minScore: 80, extraCents: 500 } },
    });
    await creditWallet(made.buyer, 10_000);
    const lead = await makeAcceptedLead(made.affiliate, made.offer.id, { temperature: "HOT", qualityScore: 90 });
    const offer = await prisma.offer.findUniqueOrThrow({ where: { id: made.offer.id } });
    expect(await prisma.$transaction((tx) => routeLead(tx, lead, offer, FEE_BPS))).toEqual({ sold: 1, outOfFunds: 0 });
    const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: lead.id } });
    expect(sale).toMatchObject({ priceCents: 5000, feeCents: 1000 });
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(made.buyer.actor.companyId, "usd"))).toBe(5_000n);
    expect(await balanceCents(prisma, ledgerAccounts.affiliateHeld(made.affiliate.actor.companyId, "usd"))).toBe(4_000n);
    expect(await findUnbalancedEntries(prisma)).toEqual([]);
    expect((await timelineOf(lead.id)).map((e) => e.message)).toContain(`Sold on order ${made.order.id} at $50.00`);
  });

  it("a price by temperature below the offer's price is refused naming that temperature", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { priceCents: 2500 });
    const buyer = await makeAdvertiser();
    await expect(makeOrder(buyer.actor, offer.id, { pricing: { temperature: { COLD: 2000 } } })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { "pricing.temperature.COLD": "The offer's price is $25.00; bid at least that" },
    });
  });
});

describe("distribution among an offer's orders", () => {
  const at = (iso: string) => new Date(iso);
  const orders: DistributableOrder[] = [
    { id: "cheap-old", priceCents: 3000, priority: 5, weight: 1, lastSoldAt: at("2025-01-03"), createdAt: at("2025-01-01") },
    { id: "rich-new", priceCents: 5000, priority: 1, weight: 1, lastSoldAt: null, createdAt: at("2025-01-05") },
    { id: "rich-old", priceCents: 5000, priority: 5, weight: 3, lastSoldAt: at("2025-01-02"), createdAt: at("2025-01-02") },
  ];
  const ids = (list: DistributableOrder[]) => list.map((o) => o.id);

  it("best price puts the highest price first, then the oldest order", () => {
    expect(ids(distributeOrders(orders, "BEST_PRICE", "lead-1"))).toEqual(["rich-old", "rich-new", "cheap-old"]);
  });

  it("priority puts the highest priority first, then the best price", () => {
    expect(ids(distributeOrders(orders, "PRIORITY", "lead-1"))).toEqual(["rich-old", "cheap-old", "rich-new"]);
  });

  it("round-robin offers the lead to the order that sold least recently, never-sold first", () => {
    expect(ids(distributeOrders(orders, "ROUND_ROBIN", "lead-1"))).toEqual(["rich-new", "rich-old", "cheap-old"]);
  });

  it("weighted gives each order its share of first places, and the same lead always routes the same way", () => {
    const two = orders.filter((o) => o.id !== "rich-new"); // weights 1 and 3
    const firsts = Array.from({ length: 4000 }, (_, i) => distributeOrders(two, "WEIGHTED", `lead-${i}`)[0].id);
    const heavyShare = firsts.filter((id) => id === "rich-old").length / firsts.length;
    expect(heavyShare).toBeGreaterThan(0.72);
    expect(heavyShare).toBeLessThan(0.78);
    expect(ids(distributeOrders(orders, "WEIGHTED", "lead-42"))).toEqual(ids(distributeOrders(orders, "WEIGHTED", "lead-42")));
  });
});

describe("routing an offer's leads", () => {
  async function offerWithOrders(distribution: "PRIORITY" | "ROUND_ROBIN" | "WEIGHTED", orderSettings: Array<Partial<CreateOrderInput>>) {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const routed = await prisma.offer.update({ where: { id: offer.id }, data: { distribution } });
    const placed = [];
    for (const settings of orderSettings) {
      const buyer = await makeAdvertiser();
      await creditWallet(buyer, 100_000);
      placed.push(await makeOrder(buyer.actor, offer.id, settings));
    }
    const route = async (leadOverrides: Parameters<typeof makeAcceptedLead>[2] = {}) => {
      const lead = await makeAcceptedLead(affiliate, offer.id, leadOverrides);
      await prisma.$transaction((tx) => routeLead(tx, lead, routed, FEE_BPS));
      const sale = await prisma.leadSale.findFirst({ where: { leadId: lead.id } });
      return { lead, buyerOrderId: sale?.orderId, timeline: (await timelineOf(lead.id)).map((e) => e.message) };
    };
    return { placed, route };
  }

  it("priority sells to the highest-priority order even when another pays more, and the summary says so", async () => {
    const { placed, route } = await offerWithOrders("PRIORITY", [
      { priceCents: 5000, priority: 1 },
      { priceCents: 3000, priority: 9 },
    ]);
    const { buyerOrderId, timeline } = await route();
    expect(buyerOrderId).toBe(placed[1].id);
    expect(timeline).toContain(`Order ${placed[0].id} skipped: exclusive lead already sold`);
    expect(timeline).toContain("Routed by priority (exclusive): sold to 1 of 2 open orders");
  });

  it("round-robin takes turns between the orders", async () => {
    const { placed, route } = await offerWithOrders("ROUND_ROBIN", [{ priceCents: 5000 }, { priceCents: 3000 }, { priceCents: 4000 }]);
    const buyers = [];
    for (let i = 0; i < 6; i++) buyers.push((await route()).buyerOrderId);
    const [a, b, c] = placed.map((o) => o.id);
    expect(buyers).toEqual([a, b, c, a, b, c]);
    expect((await route()).timeline.at(-1)).toBe("Routed by round-robin (exclusive): sold to 1 of 3 open orders");
  });

  it("round-robin still takes turns when leads are routed at the same moment", async () => {
    const { placed, route } = await offerWithOrders("ROUND_ROBIN", [{ priceCents: 5000 }, { priceCents: 3000 }, { priceCents: 4000 }]);
    const buyers = await Promise.all(Array.from({ length: 6 }, () => route().then((r) => r.buyerOrderId)));
    const salesPerOrder = placed.map((o) => buyers.filter((id) => id === o.id).length);
    expect(salesPerOrder).toEqual([2, 2, 2]);
  });

  it("weighted sells to the heavier order most of the time and names the distribution", async () => {
    const { placed, route } = await offerWithOrders("WEIGHTED", [{ weight: 1 }, { weight: 9 }]);
    const buyers = [];
    for (let i = 0; i < 20; i++) buyers.push((await route()).buyerOrderId);
    expect(buyers.filter((id) => id === placed[1].id).length).toBeGreaterThan(buyers.filter((id) => id === placed[0].id).length);
    expect((await route()).timeline.at(-1)).toBe("Routed by weighted (exclusive): sold to 1 of 2 open orders");
  });

  it("a buyer's suppression list skips their order on the lead's timeline and the lead goes to the next buyer", async () => {
    const { placed, route } = await offerWithOrders("PRIORITY", [{ priority: 9 }, { priority: 1 }]);
    const hash = "suppressed-email-hash";
    await prisma.suppressionEntry.create({
      data: { scope: `advertiser:${placed[0].advertiserId}`, advertiserId: placed[0].advertiserId, kind: "EMAIL", hash },
    });
    const { buyerOrderId, timeline } = await route({ emailHash: hash });
    expect(timeline).toContain(`Order ${placed[0].id} skipped: email is on the buyer's suppression list`);
    expect(buyerOrderId).toBe(placed[1].id);
  });
});
