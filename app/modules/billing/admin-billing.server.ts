import { balancesCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors";
import { DEFAULT_CURRENCY } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { getAdvertiserPostpaid } from "./postpaid-invoices.server";
import { refundableTopUps } from "./wallet-refunds.server";

// The admin's view of advertisers' money: wallets, top-ups, what can be refunded, refunds and card disputes.

const PAGE_SIZE = 25;

/** What can be refunded now: the wallet (less nothing in flight: reservations already left it) capped by its charges' unrefunded amounts. */
function refundableCents(walletCents: bigint, chargesCents: number): number {
  const wallet = walletCents > 0n ? Number(walletCents) : 0;
  return Math.min(wallet, chargesCents);
}

export async function listAdvertiserBilling(admin: Actor, query: { q: string; page: number }) {
  requirePermission(admin, "read:billing:any");
  const where = { kind: "ADVERTISER" as const, ...(query.q ? { name: { contains: query.q, mode: "insensitive" as const } } : {}) };
  const [companies, total] = await Promise.all([
    prisma.company.findMany({
      where,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: { id: true, name: true },
    }),
    prisma.company.count({ where }),
  ]);
  const wallets = await balancesCents(
    prisma,
    companies.map((c) => ledgerAccounts.advertiserWallet(c.id, DEFAULT_CURRENCY)),
  );
  const [paid, disputes] = await Promise.all([
    prisma.topUp.groupBy({
      by: ["advertiserId"],
      where: { advertiserId: { in: companies.map((c) => c.id) }, status: "PAID" },
      _sum: { amountCents: true },
      _count: true,
    }),
    prisma.stripeChargeDispute.groupBy({
      by: ["advertiserId"],
      where: { advertiserId: { in: companies.map((c) => c.id) }, ordersResumedAt: null },
      _count: true,
    }),
  ]);
  const rows = await Promise.all(
    companies.map(async (c) => {
      const walletCents = wallets.get(ledgerAccounts.advertiserWallet(c.id, DEFAULT_CURRENCY).code) ?? 0n;
      const topUps = await refundableTopUps(prisma, c.id);
      const paidRow = paid.find((p) => p.advertiserId === c.id);
      return {
        id: c.id,
        name: c.name,
        walletCents: Number(walletCents),
        topUpCount: paidRow?._count ?? 0,
        toppedUpCents: paidRow?._sum.amountCents ?? 0,
        refundableCents: refundableCents(
          walletCents,
          topUps.reduce((sum, t) => sum + t.refundableCents, 0),
        ),
        chargebackHold: (disputes.find((d) => d.advertiserId === c.id)?._count ?? 0) > 0,
      };
    }),
  );
  return { rows, total, pageSize: PAGE_SIZE };
}

export async function getAdvertiserBilling(admin: Actor, advertiserId: string) {
  requirePermission(admin, "read:billing:any");
  const advertiser = await prisma.company.findFirst({
    where: { id: advertiserId, kind: "ADVERTISER" },
    select: { id: true, name: true, creditLimitCents: true },
  });
  if (!advertiser) throw new NotFoundError("Advertiser");
  const wallet = ledgerAccounts.advertiserWallet(advertiserId, DEFAULT_CURRENCY);
  const [wallets, topUps, refunds, chargebacks] = await Promise.all([
    balancesCents(prisma, [wallet]),
    refundableTopUps(prisma, advertiserId),
    prisma.walletRefund.findMany({
      where: { advertiserId },
      orderBy: { createdAt: "desc" },
      take: 50,
      include: { refunds: { select: { id: true, amountCents: true, status: true, stripeRefundId: true, failureMessage: true } } },
    }),
    prisma.stripeChargeDispute.findMany({ where: { advertiserId }, orderBy: { createdAt: "desc" }, take: 50 }),
  ]);
  const walletCents = wallets.get(wallet.code) ?? 0n;
  const pendingRefunds = refunds.flatMap((r) => r.refunds).filter((r) => r.status === "PENDING").length;
  return {
    advertiser,
    walletCents: Number(walletCents),
    refundableCents: refundableCents(
      walletCents,
      topUps.reduce((sum, t) => sum + t.refundableCents, 0),
    ),
    topUps: topUps.slice(0, 50).map((t) => ({
      id: t.id,
      amountCents: t.amountCents,
      currency: t.currency,
      paidAt: t.paidAt,
      refundedCents: t.refundedCents,
      refundableCents: t.refundableCents,
      disputed: t.disputed,
    })),
    refunds,
    pendingRefunds,
    chargebacks,
  };
}

/** The admin's billing page of one advertiser: wallet, top-ups, refunds, card disputes, and its postpaid terms and invoices. */
export async function adminAdvertiserBillingView(admin: Actor, advertiserId: string) {
  const [billing, postpaid] = await Promise.all([getAdvertiserBilling(admin, advertiserId), getAdvertiserPostpaid(admin, advertiserId)]);
  return { ...billing, postpaid };
}
