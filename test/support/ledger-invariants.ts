import { expect } from "vitest";
import { getStripe } from "~/modules/billing/stripe.server";
import { balanceCents, balancesCents, findUnbalancedEntries, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";

/**
 * The money invariants every money test ends with (PRODUCT.md): every entry balances; no account
 * is below its floor without a recorded cause; one entry per billable event; and the affiliate's
 * earning lines agree with its held and available balances.
 */
export async function expectLedgerInvariants(): Promise<void> {
  expect(await findUnbalancedEntries(prisma), "every journal entry balances").toEqual([]);

  const advertisers = await prisma.company.findMany({ where: { kind: "ADVERTISER" }, select: { id: true, creditLimitCents: true } });
  const wallets = await balancesCents(
    prisma,
    advertisers.map((a) => ledgerAccounts.advertiserWallet(a.id, "usd")),
  );
  // A card dispute takes its amount and Stripe's fee from the wallet with no floor (Stripe has the
  // money already): a wallet may be below its floor by at most what its recorded chargebacks took and did not give back.
  const chargebacks = await prisma.stripeChargeDispute.findMany({
    where: { withdrawnEntryId: { not: null } },
    select: { advertiserId: true, amountCents: true, feeCents: true, reinstatedCents: true },
  });
  for (const a of advertisers) {
    const balance = wallets.get(ledgerAccounts.advertiserWallet(a.id, "usd").code) ?? 0n;
    const chargedBack = chargebacks.filter((c) => c.advertiserId === a.id).reduce((sum, c) => sum + c.amountCents + c.feeCents - c.reinstatedCents, 0);
    const floor = -BigInt(a.creditLimitCents) - BigInt(chargedBack);
    const cause = chargedBack > 0 ? ` less ${chargedBack} its recorded chargebacks took` : "";
    expect(balance >= floor, `wallet of ${a.id} (${balance}) is not below its floor${cause}`).toBe(true);
  }

  // Refunds: money reserved for refunds Stripe has not answered is in flight; every refund Stripe made posted once.
  const [inFlight, pendingRefunds, succeededRefunds, refundEntries] = await Promise.all([
    balancesCents(prisma, [ledgerAccounts.refundsInFlight("usd")]),
    prisma.stripeRefund.aggregate({ where: { status: "PENDING", reservationEntryId: { not: null } }, _sum: { amountCents: true } }),
    prisma.stripeRefund.count({ where: { status: "SUCCEEDED", journalEntryId: { not: null } } }),
    prisma.journalEntry.count({ where: { kind: "WALLET_REFUND" } }),
  ]);
  expect(inFlight.get(ledgerAccounts.refundsInFlight("usd").code) ?? 0n, "refunds in flight are the pending refunds").toBe(
    BigInt(pendingRefunds._sum.amountCents ?? 0),
  );
  expect(await prisma.stripeRefund.count({ where: { status: "SUCCEEDED", journalEntryId: null } }), "every refund Stripe made is posted").toBe(0);
  expect(refundEntries, "one entry per Stripe refund").toBe(succeededRefunds);
  // Chargebacks: one debit per withdrawn dispute, one credit per reinstated one.
  expect(await prisma.journalEntry.count({ where: { kind: "CHARGEBACK" } }), "one debit per chargeback").toBe(chargebacks.length);
  expect(await prisma.journalEntry.count({ where: { kind: "CHARGEBACK_REINSTATED" } }), "one credit per won chargeback").toBe(
    await prisma.stripeChargeDispute.count({ where: { reinstatedEntryId: { not: null } } }),
  );

  const affiliates = await prisma.company.findMany({ where: { kind: "AFFILIATE" }, select: { id: true } });
  const specs = affiliates.flatMap((a) => [ledgerAccounts.affiliateHeld(a.id, "usd"), ledgerAccounts.affiliateAvailable(a.id, "usd")]);
  const balances = await balancesCents(prisma, specs);
  for (const a of affiliates) {
    const held = balances.get(ledgerAccounts.affiliateHeld(a.id, "usd").code) ?? 0n;
    const available = balances.get(ledgerAccounts.affiliateAvailable(a.id, "usd").code) ?? 0n;
    const [heldLines, unpaidLines, clawbacks] = await Promise.all([
      prisma.earning.aggregate({ where: { affiliateId: a.id, releasedAt: null, reversedAt: null }, _sum: { amountCents: true } }),
      prisma.earning.aggregate({ where: { affiliateId: a.id, releasedAt: { not: null }, payoutId: null }, _sum: { amountCents: true } }),
      prisma.earning.count({ where: { affiliateId: a.id, kind: "CLAWBACK" } }),
    ]);
    expect(held, `held earnings of ${a.id} equal its unreleased lines`).toBe(BigInt(heldLines._sum.amountCents ?? 0));
    expect(held >= 0n, `held earnings of ${a.id} are not negative`).toBe(true);
    expect(available, `available earnings of ${a.id} equal its released, unpaid lines`).toBe(BigInt(unpaidLines._sum.amountCents ?? 0));
    if (available < 0n) expect(clawbacks, `negative available of ${a.id} is explained by a clawback`).toBeGreaterThan(0);
  }

  // One entry per billable event: every charged sale has its own entry and one earning line.
  const charged = await prisma.leadSale.findMany({ where: { journalEntryId: { not: null } }, select: { id: true, journalEntryId: true } });
  expect(new Set(charged.map((s) => s.journalEntryId)).size).toBe(charged.length);
  expect(await prisma.journalEntry.count({ where: { kind: "LEAD_SALE" } })).toBe(charged.length);
  const earningLines = await prisma.earning.groupBy({ by: ["saleId"], where: { kind: "LEAD_SALE" }, _count: true });
  for (const line of earningLines) expect(line._count, `sale ${line.saleId} has one earning line`).toBe(1);
  // One entry per approved return (its reversal, or its credit at the platform's cost); none for any other outcome.
  const returns = await prisma.dispute.findMany({
    where: { kind: "LEAD_RETURN", journalEntryId: { not: null } },
    select: { status: true, journalEntryId: true },
  });
  expect(
    returns.every((r) => r.status === "APPROVED"),
    "only approved returns moved money",
  ).toBe(true);
  expect(new Set(returns.map((r) => r.journalEntryId)).size).toBe(returns.length);
  expect(await prisma.dispute.count({ where: { kind: "LEAD_RETURN", status: "APPROVED", journalEntryId: null } }), "every approved return moved money").toBe(0);
  const payouts = await prisma.payout.findMany({ where: { journalEntryId: { not: null } }, select: { journalEntryId: true } });
  expect(await prisma.journalEntry.count({ where: { kind: "PAYOUT" } })).toBe(payouts.length);
}

/**
 * Ledger cash equals the platform's Stripe balance (available + pending), as the SDK reads it from
 * the test stack's emulator: true when every movement of Stripe money was booked, fees included.
 * Only for test files where cash moves only through Stripe (no entries posted to cash by hand).
 */
export async function expectCashEqualsStripe(currency = "usd"): Promise<void> {
  const balance = await getStripe().balance.retrieve();
  const stripeCents = [...balance.available, ...balance.pending].filter((b) => b.currency === currency).reduce((sum, b) => sum + b.amount, 0);
  const cashCents = await balanceCents(prisma, ledgerAccounts.stripeCash(currency));
  expect(cashCents, `ledger cash (${cashCents}) equals Stripe's available + pending balance (${stripeCents})`).toBe(BigInt(stripeCents));
}
