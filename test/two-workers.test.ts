import fs from "node:fs";
import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { postLead } from "./factories/leads";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { useTestStack } from "./support/app";
import { leadProcessingReport, unprocessedOutbox } from "./support/lead-checks";
import { expectCashEqualsStripe, expectLedgerInvariants } from "./support/ledger-invariants";
import { waitFor } from "./support/wait";

// Two worker processes side by side (issue 13): a burst of leads with retries and duplicates is
// decided exactly once each, caps and round-robin turns stay exact, and both workers did some of it.

const stack = useTestStack({ workerCount: 2 });

const exchange = 200 + randomInt(600);
const person = (i: number) => ({
  first_name: "Ada",
  last_name: "Lovelace",
  email: `two-workers.${exchange}.${i}@example.com`,
  phone: `(415) ${exchange}-${String(1000 + i).padStart(4, "0")}`,
  state: "CA",
  postal_code: "94107",
});

describe("two worker processes", () => {
  it("decide a burst with retries and duplicates exactly once each, with exact caps and round-robin turns", async () => {
    expect(stack().workerCount).toBe(2);
    const affiliate = await makeAffiliate();
    const roundRobin = await makeOffer(affiliate.actor, { title: "Round-robin offer" });
    await prisma.offer.update({ where: { id: roundRobin.id }, data: { distribution: "ROUND_ROBIN" } });
    const bestPrice = await makeOffer(affiliate.actor, { title: "Best-price offer" });

    const turns = [];
    for (const price of [3000, 3200, 3400]) {
      const buyer = await makeAdvertiser();
      await fundWallet(buyer.actor, 100_000, stack().emulator);
      turns.push(await makeOrder(buyer.actor, roundRobin.id, { priceCents: price }));
    }
    const cappedBuyer = await makeAdvertiser();
    await fundWallet(cappedBuyer.actor, 100_000, stack().emulator);
    const capped = await makeOrder(cappedBuyer.actor, bestPrice.id, { priceCents: 4500, dailyCap: 4 });
    const smallBuyer = await makeAdvertiser();
    await fundWallet(smallBuyer.actor, 10_000, stack().emulator); // two leads at $35, then refused for funds
    const small = await makeOrder(smallBuyer.actor, bestPrice.id, { priceCents: 3500 });
    const richBuyer = await makeAdvertiser();
    await fundWallet(richBuyer.actor, 100_000, stack().emulator);
    const rich = await makeOrder(richBuyer.actor, bestPrice.id, { priceCents: 3000 });

    const post = (i: number, leadId: string, offerId: string, contactOf = i) =>
      postLead(stack().appUrl, affiliate.apiKey, { offer_id: offerId, lead_id: leadId, ...person(contactOf) });
    const offerOf = (i: number) => (i % 2 === 0 ? roundRobin.id : bestPrice.id);

    // Wave 1: 48 new people, every fifth posted twice at once (the affiliate's retry).
    const wave1 = Array.from({ length: 48 }, (_, i) => i);
    const answers1 = await Promise.all(wave1.flatMap((i) => (i % 5 === 0 ? [0, 1] : [0]).map(() => post(i, `tw-${i}`, offerOf(i)).then((a) => ({ i, a })))));
    await waitForDecisions(affiliate.actor.companyId, 48);

    // Wave 2: 12 of the same people again under new lead ids (duplicates), with retries of 6 wave-1 leads.
    const wave2 = Array.from({ length: 12 }, (_, k) => 48 + k);
    const answers2 = await Promise.all([
      ...wave2.map((i) => post(i, `tw-${i}`, offerOf(i - 48), i - 48).then((a) => ({ i, a }))),
      ...[1, 2, 3, 4, 6, 7].map((i) => post(i, `tw-${i}`, offerOf(i)).then((a) => ({ i, a }))),
    ]);
    await waitForDecisions(affiliate.actor.companyId, 60);

    // Every post was answered with its lead; a retry with the lead it repeats, never a second one.
    const idsByLeadId = new Map<number, Set<string>>();
    for (const { i, a } of [...answers1, ...answers2]) {
      expect([200, 201], JSON.stringify(a.body)).toContain(a.status);
      idsByLeadId.set(i, (idsByLeadId.get(i) ?? new Set()).add(a.body.lead_id as string));
    }
    expect([...idsByLeadId.values()].every((ids) => ids.size === 1)).toBe(true);
    expect([...answers1, ...answers2].filter(({ a }) => a.status === 201)).toHaveLength(60);

    const report = await leadProcessingReport(affiliate.actor.companyId);
    expect(report.breaches).toEqual([]);
    expect(report.leads).toBe(60);
    const leads = await prisma.lead.findMany({ where: { affiliateId: affiliate.actor.companyId }, select: { externalId: true, status: true, reasons: true } });
    const duplicates = leads.filter((l) => Number(l.externalId.slice(3)) >= 48);
    expect(duplicates.map((l) => l.status)).toEqual(duplicates.map(() => "REJECTED"));
    expect(leads.filter((l) => Number(l.externalId.slice(3)) < 48).map((l) => l.status)).toEqual(wave1.map(() => "SOLD"));

    // Round-robin: 24 sales in turns over three orders; best price: the cap and the small wallet exact.
    const salesOf = (orderId: string) => prisma.leadSale.count({ where: { orderId } });
    expect(await Promise.all(turns.map((o) => salesOf(o.id)))).toEqual([8, 8, 8]);
    expect(await salesOf(capped.id)).toBe(4);
    expect(await salesOf(small.id)).toBe(2);
    expect(await salesOf(rich.id)).toBe(24 - 4 - 2);
    expect(await unprocessedOutbox()).toEqual([]);
    await expectLedgerInvariants();
    await expectCashEqualsStripe();

    // Each worker says on stopping how many jobs it did: both took a share of the burst.
    await stack().stopWorkers();
    const log = fs.readFileSync(stack().logFile, "utf8");
    const share = (n: number) => Number(new RegExp(`\\[worker-${n}\\] .*jobs done: (\\d+) lead-processing`).exec(log)?.[1] ?? -1);
    expect(share(1), "worker 1 processed leads").toBeGreaterThan(0);
    expect(share(2), "worker 2 processed leads").toBeGreaterThan(0);
    expect(share(1) + share(2)).toBeGreaterThanOrEqual(60);
    await stack().startWorkers();
  });
});

function waitForDecisions(affiliateId: string, count: number) {
  return waitFor(
    `${count} leads to be decided`,
    async () => {
      const decided = await prisma.lead.count({ where: { affiliateId, status: { in: ["SOLD", "UNSOLD", "REJECTED", "HELD"] } } });
      return decided >= count;
    },
    { timeoutMs: 60_000 },
  );
}
