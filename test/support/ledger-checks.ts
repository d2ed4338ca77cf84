import { getStripe } from "~/modules/billing/stripe.server";
import { balanceCents, balancesCents, findUnbalancedEntries, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";

/**
 * The money invariants (PRODUCT.md) as a list of breaches, without a test runner: the tests'
 * expectLedgerInvariants() asserts it is empty, and `npm run chaos` prints it. Every entry
 * balances; no account is below its floor without a recorded cause; one entry per billable event;
 * and the affiliate's earning lines agree with its held and available balances.
 */
export async function ledgerInvariantBreaches(): Promise<string[]> {
  const breaches: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) breaches.push(what);
  };

  const unbalanced = await findUnbalancedEntries(prisma);
  check(unbalanced.length === 0, `every journal entry balances: ${unbalanced.length} do not (${JSON.stringify(unbalanced.slice(0, 3), bigints)})`);

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
    check(balance >= floor, `wallet of ${a.id} (${balance}) is not below its floor (${floor})${cause}`);
  }

  // The wallet sum the database keeps for routing (LedgerAccount.walletPostingsSum) is the postings' sum.
  const drifted = await prisma.$queryRaw<Array<{ code: string; kept: bigint | null; summed: bigint }>>`
    SELECT a.code, a."walletPostingsSum" AS kept, COALESCE(SUM(p."amountCents"), 0)::bigint AS summed
    FROM "LedgerAccount" a LEFT JOIN "Posting" p ON p."accountId" = a.id
    WHERE a.code LIKE 'advertiser:%:wallet:%' GROUP BY a.id
    HAVING COALESCE(a."walletPostingsSum", 0) <> COALESCE(SUM(p."amountCents"), 0)`;
  check(drifted.length === 0, `every wallet's kept postings sum is its postings' sum: ${JSON.stringify(drifted.slice(0, 3), bigints)}`);

  // Refunds: money reserved for refunds Stripe has not answered is in flight; every refund Stripe made posted once.
  const [inFlight, pendingRefunds, succeededRefunds, refundEntries, unposted] = await Promise.all([
    balancesCents(prisma, [ledgerAccounts.refundsInFlight("usd")]),
    prisma.stripeRefund.aggregate({ where: { status: "PENDING", reservationEntryId: { not: null } }, _sum: { amountCents: true } }),
    prisma.stripeRefund.count({ where: { status: "SUCCEEDED", journalEntryId: { not: null } } }),
    prisma.journalEntry.count({ where: { kind: "WALLET_REFUND" } }),
    prisma.stripeRefund.count({ where: { status: "SUCCEEDED", journalEntryId: null } }),
  ]);
  const inFlightCents = inFlight.get(ledgerAccounts.refundsInFlight("usd").code) ?? 0n;
  const pendingCents = BigInt(pendingRefunds._sum.amountCents ?? 0);
  check(inFlightCents === pendingCents, `refunds in flight (${inFlightCents}) are the pending refunds (${pendingCents})`);
  check(unposted === 0, `every refund Stripe made is posted: ${unposted} are not`);
  check(refundEntries === succeededRefunds, `one entry per Stripe refund: ${refundEntries} entries, ${succeededRefunds} refunds`);
  // Chargebacks: one debit per withdrawn dispute, one credit per reinstated one.
  const chargebackEntries = await prisma.journalEntry.count({ where: { kind: "CHARGEBACK" } });
  check(chargebackEntries === chargebacks.length, `one debit per chargeback: ${chargebackEntries} entries, ${chargebacks.length} chargebacks`);
  const [reinstatedEntries, reinstated] = await Promise.all([
    prisma.journalEntry.count({ where: { kind: "CHARGEBACK_REINSTATED" } }),
    prisma.stripeChargeDispute.count({ where: { reinstatedEntryId: { not: null } } }),
  ]);
  check(reinstatedEntries === reinstated, `one credit per won chargeback: ${reinstatedEntries} entries, ${reinstated} won`);

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
    const heldSum = BigInt(heldLines._sum.amountCents ?? 0);
    const unpaidSum = BigInt(unpaidLines._sum.amountCents ?? 0);
    check(held === heldSum, `held earnings of ${a.id} (${held}) equal its unreleased lines (${heldSum})`);
    check(held >= 0n, `held earnings of ${a.id} (${held}) are not negative`);
    check(available === unpaidSum, `available earnings of ${a.id} (${available}) equal its released, unpaid lines (${unpaidSum})`);
    if (available < 0n) check(clawbacks > 0, `negative available of ${a.id} is explained by a clawback`);
  }

  // One entry per billable event: every charged sale has its own entry and one earning line.
  const charged = await prisma.leadSale.findMany({ where: { journalEntryId: { not: null } }, select: { id: true, journalEntryId: true } });
  const distinctEntries = new Set(charged.map((s) => s.journalEntryId)).size;
  check(distinctEntries === charged.length, `every charged sale has its own entry: ${charged.length} sales share ${distinctEntries} entries`);
  const saleEntries = await prisma.journalEntry.count({ where: { kind: "LEAD_SALE" } });
  check(saleEntries === charged.length, `one LEAD_SALE entry per charged sale: ${saleEntries} entries, ${charged.length} sales`);
  const earningLines = await prisma.earning.groupBy({ by: ["saleId"], where: { kind: "LEAD_SALE" }, _count: true });
  for (const line of earningLines) check(line._count === 1, `sale ${line.saleId} has one earning line, not ${line._count}`);
  // One entry per approved return (its reversal, or its credit at the platform's cost); none for any other outcome.
  const returns = await prisma.dispute.findMany({
    where: { kind: "LEAD_RETURN", journalEntryId: { not: null } },
    select: { status: true, journalEntryId: true },
  });
  check(
    returns.every((r) => r.status === "APPROVED"),
    "only approved returns moved money",
  );
  check(new Set(returns.map((r) => r.journalEntryId)).size === returns.length, "every approved return has its own entry");
  const approvedWithout = await prisma.dispute.count({ where: { kind: "LEAD_RETURN", status: "APPROVED", journalEntryId: null } });
  check(approvedWithout === 0, `every approved return moved money: ${approvedWithout} did not`);
  const payouts = await prisma.payout.findMany({ where: { journalEntryId: { not: null } }, select: { journalEntryId: true } });
  const payoutEntries = await prisma.journalEntry.count({ where: { kind: "PAYOUT" } });
  check(payoutEntries === payouts.length, `one entry per payout: ${payoutEntries} entries, ${payouts.length} payouts`);
  return breaches;
}

/** Ledger cash and the platform's Stripe balance (available + pending), as the SDK reads it. */
export async function cashAndStripeBalance(currency = "usd"): Promise<{ cashCents: bigint; stripeCents: bigint }> {
  const balance = await getStripe().balance.retrieve();
  const stripeCents = [...balance.available, ...balance.pending].filter((b) => b.currency === currency).reduce((sum, b) => sum + b.amount, 0);
  const cashCents = await balanceCents(prisma, ledgerAccounts.stripeCash(currency));
  return { cashCents, stripeCents: BigInt(stripeCents) };
}

function bigints(_key: string, value: unknown) {
  return typeof value === "bigint" ? value.toString() : value;
}
