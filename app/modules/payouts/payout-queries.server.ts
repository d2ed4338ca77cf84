import { randomUUID } from "node:crypto";
import type { Prisma } from "~/generated/prisma/client";
import { recordAudit, recordAuditNow } from "~/modules/audit/audit.server";
import { enqueueScheduledTask } from "~/queues/scheduled-work.queue.server";
import { toCsv } from "~/modules/deliveries/csv";
import { prisma } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { decodeKeysetCursor, keysetAfter, keysetPage, newestFirst } from "~/utils/keyset-cursor.server";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import { describeRequirements } from "./connect-accounts.server";
import type { AdminPayoutFilter } from "./payouts.schema";

// What the payout pages read: the affiliate's own account status, payouts and why it was not
// paid; the admin's view of every affiliate's payouts, with the hold switch.

export const PAYOUT_PAGE = 50;

export async function getOwnPayoutAccount(actor: Actor) {
  requirePermission(actor, "read:earning:own");
  const company = await prisma.company.findUniqueOrThrow({ where: { id: actor.companyId } });
  const lastSkip = await prisma.payoutSkip.findFirst({ where: { affiliateId: actor.companyId }, orderBy: { createdAt: "desc" }, include: { run: true } });
  const lastPayout = await prisma.payout.findFirst({ where: { affiliateId: actor.companyId }, orderBy: { createdAt: "desc" }, select: { createdAt: true } });
  return {
    connected: company.stripeAccountId !== null,
    payoutsEnabled: company.payoutsEnabled,
    requirementsDue: describeRequirements(company.stripeRequirementsDue),
    disabledReason: company.stripeDisabledReason,
    heldByAdmin: company.payoutsHeldAt !== null,
    // The last run's "why not", unless a payout was made since.
    lastSkip: lastSkip && (!lastPayout || lastPayout.createdAt < lastSkip.createdAt) ? { reason: lastSkip.reason, at: lastSkip.createdAt } : null,
  };
}

/** The affiliate's own payouts, newest first, a page at a time from `cursor`. */
export async function listOwnPayouts(actor: Actor, cursor?: string, pageSize = PAYOUT_PAGE) {
  requirePermission(actor, "read:earning:own");
  const rows = await prisma.payout.findMany({
    where: { affiliateId: actor.companyId, ...keysetAfter("createdAt", decodeKeysetCursor(cursor)) },
    orderBy: newestFirst("createdAt"),
    take: pageSize + 1,
    include: { _count: { select: { earnings: true } } },
  });
  return keysetPage(rows, pageSize, (p) => p.createdAt);
}

/**
 * A payout's statement as CSV: every earning line it paid (lead sales, clawbacks netted as their
 * own negative lines, money returned from an earlier payout), summing to the payout's amount.
 */
export async function payoutStatementCsv(actor: Actor, payoutId: string): Promise<{ filename: string; csv: string }> {
  const scope = actor.role === "ADMIN" ? {} : { affiliateId: actor.companyId };
  if (actor.role === "ADMIN") requirePermission(actor, "read:payout:any");
  else requirePermission(actor, "read:earning:own");
  const payout = await prisma.payout.findFirst({
    where: { id: payoutId, ...scope },
    include: { earnings: { orderBy: { createdAt: "asc" } } },
  });
  if (!payout) throw new NotFoundError("Payout");
  const rows = payout.earnings.map((e) => [
    e.createdAt.toISOString(),
    e.kind.toLowerCase(),
    e.leadId ?? "",
    e.description,
    e.releasedAt?.toISOString() ?? "",
    (e.amountCents / 100).toFixed(2),
    e.currency.toUpperCase(),
  ]);
  rows.push([
    "",
    "total",
    "",
    `Payout ${payout.id} (${payout.status.toLowerCase()})`,
    payout.paidAt?.toISOString() ?? "",
    (payout.amountCents / 100).toFixed(2),
    payout.currency.toUpperCase(),
  ]);
  return {
    filename: `leadex-payout-${payout.id}.csv`,
    csv: toCsv(["date", "kind", "lead_id", "description", "available_at", "amount", "currency"], rows),
  };
}

/**
 * Every affiliate's payout standing, for the admin's payouts page: the affiliates (by name) with
 * their hold switch, the payouts newest first a page at a time, and the latest runs. `q` narrows
 * both lists to affiliates whose name contains it.
 */
export async function listAffiliatePayoutStanding(actor: Actor, filter: AdminPayoutFilter, pageSize = PAYOUT_PAGE) {
  requirePermission(actor, "read:payout:any");
  const named: Prisma.CompanyWhereInput = filter.q ? { name: { contains: filter.q, mode: "insensitive" } } : {};
  const payoutWhere: Prisma.PayoutWhereInput = {
    AND: [filter.q ? { affiliate: named } : {}, filter.status ? { status: filter.status } : {}, keysetAfter("createdAt", decodeKeysetCursor(filter.cursor))],
  };
  const [affiliates, payouts, runs] = await Promise.all([
    prisma.company.findMany({
      where: { kind: "AFFILIATE", ...named },
      orderBy: { name: "asc" },
      take: 200,
      select: { id: true, name: true, stripeAccountId: true, payoutsEnabled: true, payoutsHeldAt: true, payoutsHeldReason: true },
    }),
    prisma.payout.findMany({ where: payoutWhere, orderBy: newestFirst("createdAt"), take: pageSize + 1, include: { affiliate: { select: { name: true } } } }),
    prisma.payoutRun.findMany({ orderBy: { startedAt: "desc" }, take: 10, include: { _count: { select: { payouts: true, skips: true } } } }),
  ]);
  const page = keysetPage(payouts, pageSize, (p) => p.createdAt);
  return { affiliates, payouts: page.rows, nextCursor: page.nextCursor, runs };
}

/** Holds or releases an affiliate's payouts; written to the audit log in the same transaction. */
export async function setPayoutHold(actor: Actor, affiliateId: string, hold: { held: true; reason: string } | { held: false }) {
  requirePermission(actor, "write:payout:any");
  if (hold.held && hold.reason.trim().length === 0) throw new ValidationError({ reason: "Say why the payouts are held" }, "Say why the payouts are held", 400);
  return prisma.$transaction(async (tx) => {
    const company = await tx.company.findFirst({ where: { id: affiliateId, kind: "AFFILIATE" } });
    if (!company) throw new NotFoundError("Affiliate");
    await tx.company.update({
      where: { id: affiliateId },
      data: hold.held ? { payoutsHeldAt: new Date(), payoutsHeldReason: hold.reason.trim() } : { payoutsHeldAt: null, payoutsHeldReason: null },
    });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: hold.held ? "payouts.held" : "payouts.released",
      targetType: "company",
      targetId: affiliateId,
      data: hold.held ? { reason: hold.reason.trim() } : {},
    });
    return company.name;
  });
}

/** An admin's "Run payouts now": a run with its own key, done by the worker. */
export async function requestPayoutRun(actor: Actor): Promise<void> {
  requirePermission(actor, "write:payout:any");
  const runKey = `admin:${randomUUID()}`;
  await enqueueScheduledTask("payout-run", runKey, actor.userId ?? undefined);
  await recordAuditNow({ actorId: actor.userId, action: "payouts.run.requested", targetType: "PayoutRun", targetId: runKey, data: {} });
}
