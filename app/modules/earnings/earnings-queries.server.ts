import { balancesCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { DEFAULT_CURRENCY } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";

// What an affiliate reads of its own money: held, available and paid (from the ledger and its
// payouts), when each held amount becomes available, and a statement of every movement.

export interface EarningsSummary {
  currency: string;
  heldCents: bigint;
  availableCents: bigint;
  paidCents: bigint;
  /** Held earnings by the day they become available, soonest first. */
  heldSchedule: Array<{ availableAt: Date; amountCents: number; lines: number }>;
}

export async function getEarningsSummary(actor: Actor, currency = DEFAULT_CURRENCY): Promise<EarningsSummary> {
  requirePermission(actor, "read:earning:own");
  const held = ledgerAccounts.affiliateHeld(actor.companyId, currency);
  const available = ledgerAccounts.affiliateAvailable(actor.companyId, currency);
  const [balances, paid, schedule] = await Promise.all([
    balancesCents(prisma, [held, available]),
    prisma.payout.aggregate({ where: { affiliateId: actor.companyId, currency, status: "PAID" }, _sum: { amountCents: true } }),
    prisma.$queryRaw<Array<{ day: Date; cents: bigint; lines: bigint }>>`
      SELECT date_trunc('day', "availableAt") AS day, SUM("amountCents")::bigint AS cents, COUNT(*)::bigint AS lines
      FROM "Earning" WHERE "affiliateId" = ${actor.companyId} AND currency = ${currency}
        AND "releasedAt" IS NULL AND "reversedAt" IS NULL AND "amountCents" > 0
      GROUP BY 1 ORDER BY 1 LIMIT 60`,
  ]);
  return {
    currency,
    heldCents: balances.get(held.code) ?? 0n,
    availableCents: balances.get(available.code) ?? 0n,
    paidCents: BigInt(paid._sum.amountCents ?? 0),
    heldSchedule: schedule.map((r) => ({ availableAt: r.day, amountCents: Number(r.cents), lines: Number(r.lines) })),
  };
}

export const STATEMENT_PAGE = 50;

/**
 * Every movement on the affiliate's held and available earnings, newest first: what happened,
 * on which balance, the amount (positive = more for the affiliate) and the lead behind it.
 * `before` is the cursor of the last row of the previous page.
 */
export async function listEarningsStatement(actor: Actor, opts: { before?: string; currency?: string } = {}) {
  requirePermission(actor, "read:earning:own");
  const currency = opts.currency ?? DEFAULT_CURRENCY;
  const held = ledgerAccounts.affiliateHeld(actor.companyId, currency);
  const available = ledgerAccounts.affiliateAvailable(actor.companyId, currency);
  const postings = await prisma.posting.findMany({
    where: { account: { code: { in: [held.code, available.code] } }, ...(opts.before ? { id: { lt: opts.before } } : {}) },
    orderBy: { id: "desc" },
    take: STATEMENT_PAGE + 1,
    select: {
      id: true,
      amountCents: true,
      account: { select: { code: true } },
      entry: {
        select: {
          id: true,
          kind: true,
          description: true,
          createdAt: true,
          sale: { select: { leadId: true } },
          reverses: { select: { sale: { select: { leadId: true } } } },
        },
      },
    },
  });
  const page = postings.slice(0, STATEMENT_PAGE);
  const clawbacks = await prisma.earning.findMany({
    where: { affiliateId: actor.companyId, entryId: { in: page.map((p) => p.entry.id) }, leadId: { not: null } },
    select: { entryId: true, leadId: true },
  });
  const leadByEntry = new Map(clawbacks.map((c) => [c.entryId, c.leadId]));
  return {
    rows: page.map((p) => ({
      id: p.id,
      at: p.entry.createdAt,
      kind: p.entry.kind,
      description: statementLine(p.entry.kind, p.entry.description),
      balance: p.account.code === held.code ? ("held" as const) : ("available" as const),
      // Liability accounts: a credit (negative posting) is money for the affiliate.
      amountCents: -Number(p.amountCents),
      currency,
      leadId: p.entry.sale?.leadId ?? p.entry.reverses?.sale?.leadId ?? leadByEntry.get(p.entry.id) ?? null,
    })),
    nextBefore: postings.length > STATEMENT_PAGE ? page[page.length - 1].id : null,
  };
}

/** The entry in the affiliate's words: a sale's own description names the buyer's order, which is not theirs to see. */
function statementLine(kind: string, description: string): string {
  return kind === "LEAD_SALE" ? "Lead sold: earning held until its return window passes" : description;
}
