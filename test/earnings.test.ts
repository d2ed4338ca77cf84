import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { releaseDueEarnings, reverseLeadSale } from "~/modules/earnings/earnings.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { enqueueScheduledTask } from "~/queues/scheduled-work.queue.server";
import { closeQueues } from "~/queues/queue.server";
import { prisma } from "~/utils/db.server";
import { startWorkers } from "../scripts/stack/processes";
import { getPage, signIn, useTestStack } from "./support/app";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { makeMarket, postAndSettle } from "./support/selling";
import { waitFor } from "./support/wait";

const stack = useTestStack();
const DAY = 86_400_000;

const held = (affiliateId: string) => balanceCents(prisma, ledgerAccounts.affiliateHeld(affiliateId, "usd"));
const available = (affiliateId: string) => balanceCents(prisma, ledgerAccounts.affiliateAvailable(affiliateId, "usd"));

/** A market (7-day return window, $32 price, 20% fee: the affiliate earns $25.60 a lead) and `count` sold leads. */
async function soldLeads(count: number) {
  const market = await makeMarket(stack());
  const leads = [];
  for (let i = 0; i < count; i++) {
    const lead = await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id);
    expect(lead.status).toBe("SOLD");
    leads.push(lead);
  }
  const sales = await prisma.leadSale.findMany({ where: { leadId: { in: leads.map((l) => l.id) } }, orderBy: { soldAt: "asc" } });
  return { ...market, leads, sales, affiliateId: market.affiliate.actor.companyId };
}

describe("seller earnings that mature", () => {
  it("a sale's earning is held until the offer's return window has passed, then released once", async () => {
    const { affiliateId, sales } = await soldLeads(2);
    expect(await held(affiliateId)).toBe(5_120n);
    expect(await available(affiliateId)).toBe(0n);
    const lastSale = sales[1].soldAt.getTime();

    // Six days later the buyer may still return them: nothing moves.
    expect(await releaseDueEarnings(`run-${randomUUID()}`, new Date(lastSale + 6 * DAY))).toEqual({ affiliates: 0, releasedCents: 0 });
    expect(await held(affiliateId)).toBe(5_120n);

    // Past the window, two runs at once (two workers) and the same run retried release it once.
    const after = new Date(lastSale + 7 * DAY + 1000);
    const runKey = `run-${randomUUID()}`;
    await Promise.all([releaseDueEarnings(runKey, after), releaseDueEarnings(`run-${randomUUID()}`, after), releaseDueEarnings(runKey, after)]);
    expect(await held(affiliateId)).toBe(0n);
    expect(await available(affiliateId)).toBe(5_120n);
    const releases = await prisma.journalEntry.findMany({
      where: { kind: "EARNINGS_RELEASE", idempotencyKey: { startsWith: `earnings-release:${affiliateId}:` } },
    });
    expect(releases).toHaveLength(1);
    expect(releases[0].description).toBe("Earnings of 2 sales past their return window became available");
    await expectLedgerInvariants();
  });

  it("two worker processes running the scheduled release at the same moment release each earning once", async () => {
    const { affiliateId } = await soldLeads(1);
    await prisma.earning.updateMany({ where: { affiliateId }, data: { availableAt: new Date(Date.now() - 1000) } });
    const second = await startWorkers({ env: stack().env, output: { file: stack().logFile } });
    try {
      await Promise.all([enqueueScheduledTask("release-earnings", `a-${randomUUID()}`), enqueueScheduledTask("release-earnings", `b-${randomUUID()}`)]);
      await waitFor("the earning to be released", async () => (await available(affiliateId)) === 2_560n);
      // Give the other run time to finish: it must find nothing left to release.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await available(affiliateId)).toBe(2_560n);
      expect(await prisma.journalEntry.count({ where: { kind: "EARNINGS_RELEASE", idempotencyKey: { startsWith: `earnings-release:${affiliateId}:` } } })).toBe(
        1,
      );
    } finally {
      await second.stop();
      await closeQueues();
    }
    await expectLedgerInvariants();
  });

  it("a sale reversed while held voids the earning and gives the buyer back its money", async () => {
    const { affiliateId, sales, buyer } = await soldLeads(1);
    const wallet = ledgerAccounts.advertiserWallet(buyer.actor.companyId, "usd");
    const before = await balanceCents(prisma, wallet);
    const reverse = () => prisma.$transaction((tx) => reverseLeadSale(tx, sales[0].id, "invalid phone"));
    const [first, again] = await Promise.all([reverse(), reverse()]);
    expect(first.entryId).toBe(again.entryId);
    expect(first.clawback).toBe(false);
    expect(await held(affiliateId)).toBe(0n);
    expect(await balanceCents(prisma, wallet)).toBe(before + 3_200n);
    // Nothing becomes available later for a voided earning.
    await releaseDueEarnings(`run-${randomUUID()}`, new Date(Date.now() + 30 * DAY));
    expect(await available(affiliateId)).toBe(0n);
    await expectLedgerInvariants();
  });

  it("a sale reversed after release leaves the affiliate owing, recovered from its next earnings", async () => {
    const { affiliateId, affiliate, offer, sales } = await soldLeads(1);
    await releaseDueEarnings(`run-${randomUUID()}`, new Date(sales[0].soldAt.getTime() + 8 * DAY));
    expect(await available(affiliateId)).toBe(2_560n);
    // Paid out (by hand here: the payout tests cover Stripe), then the lead comes back.
    await prisma.$transaction(async (tx) => {
      const payout = await tx.payout.create({ data: { affiliateId, amountCents: 2_560, currency: "usd", status: "PAID" } });
      const { postJournalEntry } = await import("~/modules/ledger/ledger.server");
      const { entryId } = await postJournalEntry(tx, {
        idempotencyKey: `payout:${payout.id}`,
        kind: "PAYOUT",
        description: "test payout",
        postings: [
          { account: ledgerAccounts.affiliateAvailable(affiliateId, "usd"), amountCents: 2_560n },
          { account: ledgerAccounts.stripeCash("usd"), amountCents: -2_560n },
        ],
      });
      await tx.payout.update({ where: { id: payout.id }, data: { journalEntryId: entryId } });
      await tx.earning.updateMany({ where: { affiliateId }, data: { payoutId: payout.id } });
    });
    const reversal = await prisma.$transaction((tx) => reverseLeadSale(tx, sales[0].id, "wrong person"));
    expect(reversal.clawback).toBe(true);
    expect(await available(affiliateId)).toBe(-2_560n);
    await expectLedgerInvariants();

    // Its next two leads earn $51.20; once released, available is what is left after the debt.
    const next = [await postAndSettle(stack(), affiliate.apiKey, offer.id), await postAndSettle(stack(), affiliate.apiKey, offer.id)];
    expect(next.map((l) => l.status)).toEqual(["SOLD", "SOLD"]);
    await releaseDueEarnings(`run-${randomUUID()}`, new Date(Date.now() + 8 * DAY));
    expect(await available(affiliateId)).toBe(2_560n);
    await expectLedgerInvariants();
  });

  it("the affiliate sees held, available and paid, when held money becomes available, and every movement with its lead", async () => {
    const { affiliate, leads } = await soldLeads(2);
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const dashboard = await getPage(stack().appUrl, "/affiliate", cookie);
    expect(dashboard.text).toContain("Held earnings $51.20");
    expect(dashboard.text).toContain("Available $0.00");
    const earnings = await getPage(stack().appUrl, "/affiliate/earnings", cookie);
    expect(earnings.status).toBe(200);
    const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: leads[1].id } });
    expect(earnings.text).toContain(new Date(sale.soldAt.getTime() + 7 * DAY).toISOString().slice(0, 10));
    for (const lead of leads) expect(earnings.text).toContain(lead.id);
    expect(earnings.text).toContain("Lead sold: earning held until its return window passes");
    expect(earnings.text).not.toContain("on order");
    // Another affiliate's page shows none of it.
    const other = await makeMarket(stack());
    const otherCookie = await signIn(stack().appUrl, other.affiliate.email, other.affiliate.password);
    const theirs = await getPage(stack().appUrl, "/affiliate/earnings", otherCookie);
    for (const lead of leads) expect(theirs.text).not.toContain(lead.id);
  });
});
