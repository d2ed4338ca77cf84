import { forgetCompanyApiKeys } from "~/modules/accounts/api-keys.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { heldForCardDispute } from "~/modules/billing/chargebacks.server";
import { heldForOverdueInvoice } from "~/modules/billing/postpaid-invoices.server";
import { recordCompanyNotice } from "~/modules/notices/notices.server";
import { prisma, type Tx } from "~/utils/db.server";
import { ConflictError, ForbiddenError, NotFoundError } from "~/utils/errors";
import { requirePermission, type Actor } from "~/utils/permissions.server";

// Admins acting on the same row wait for each other on its lock: more time than Prisma's 5 s default.
const MODERATION_TX = { timeout: 20_000, maxWait: 10_000 };

// What an admin does to a company, each audited in the transaction of the change: suspend and
// reinstate, and notes. A suspended company's users cannot sign in (accounts.server.ts) and lose
// their sessions now; its API keys are refused (api-keys.server.ts); an advertiser's open orders
// are paused with the reason COMPANY_SUSPENDED, which routing never reads (it buys only on OPEN
// orders), and reinstating resumes exactly those.

function adminOf(actor: Actor): string {
  if (!actor.userId) throw new ForbiddenError("Only a signed-in admin may do this");
  return actor.userId;
}

async function lockedCompany(tx: Tx, companyId: string) {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Company" WHERE id = ${companyId} FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError("Company");
  return tx.company.findUniqueOrThrow({ where: { id: companyId } });
}

/** Suspends a company with the reason its users are told; 409 when already suspended or for Leadex itself. */
export async function suspendCompany(actor: Actor, companyId: string, reason: string): Promise<{ name: string; ordersPaused: number }> {
  requirePermission(actor, "write:company:any");
  const adminId = adminOf(actor);
  const done = await prisma.$transaction(async (tx) => {
    const company = await lockedCompany(tx, companyId);
    if (company.kind === "PLATFORM") throw new ConflictError("Leadex's own company cannot be suspended");
    if (company.suspendedAt) throw new ConflictError(`${company.name} is already suspended`);
    await tx.company.update({ where: { id: companyId }, data: { suspendedAt: new Date(), suspendedReason: reason } });
    const { count: ordersPaused } = await tx.order.updateMany({
      where: { advertiserId: companyId, status: "OPEN" },
      data: { status: "PAUSED", pauseReason: "COMPANY_SUSPENDED" },
    });
    const { count: sessionsEnded } = await tx.session.deleteMany({ where: { user: { companyId } } });
    await recordAudit(tx, {
      actorId: adminId,
      action: "company.suspended",
      targetType: "Company",
      targetId: companyId,
      data: { reason, ordersPaused, sessionsEnded },
    });
    await recordCompanyNotice(tx, companyId, {
      kind: "MODERATION",
      data: {
        message: `Leadex suspended ${company.name}: ${reason}. Sign-in, API keys${ordersPaused > 0 ? " and your open orders" : ""} are stopped until Leadex reinstates the account.`,
        targetType: "Company",
        targetId: companyId,
        href: null,
      },
    });
    return { name: company.name, ordersPaused };
  }, MODERATION_TX);
  forgetCompanyApiKeys(companyId);
  return done;
}

/**
 * Lifts a suspension: the orders it paused are open again, unless a card dispute or an overdue
 * invoice holds the advertiser now (then they stay paused for that reason instead).
 */
export async function reinstateCompany(actor: Actor, companyId: string): Promise<{ name: string; ordersResumed: number }> {
  requirePermission(actor, "write:company:any");
  const adminId = adminOf(actor);
  return prisma.$transaction(async (tx) => {
    const company = await lockedCompany(tx, companyId);
    if (!company.suspendedAt) throw new ConflictError(`${company.name} is not suspended`);
    await tx.company.update({ where: { id: companyId }, data: { suspendedAt: null, suspendedReason: null } });
    const stillHeld = (await heldForCardDispute(tx, companyId)) ? "CARD_DISPUTE" : (await heldForOverdueInvoice(tx, companyId)) ? "INVOICE_OVERDUE" : null;
    const suspendedOrders = { advertiserId: companyId, status: "PAUSED" as const, pauseReason: "COMPANY_SUSPENDED" as const };
    const { count } = stillHeld
      ? await tx.order.updateMany({ where: suspendedOrders, data: { pauseReason: stillHeld } })
      : await tx.order.updateMany({ where: suspendedOrders, data: { status: "OPEN", pauseReason: null } });
    const ordersResumed = stillHeld ? 0 : count;
    await recordAudit(tx, {
      actorId: adminId,
      action: "company.reinstated",
      targetType: "Company",
      targetId: companyId,
      data: { ordersResumed, ...(stillHeld ? { ordersStillPausedFor: stillHeld } : {}) },
    });
    await recordCompanyNotice(tx, companyId, {
      kind: "MODERATION",
      data: {
        message: `Leadex reinstated ${company.name}: you can sign in and use your API keys again${ordersResumed > 0 ? `, and ${ordersResumed} paused order(s) are open again` : ""}.`,
        targetType: "Company",
        targetId: companyId,
        href: null,
      },
    });
    return { name: company.name, ordersResumed };
  }, MODERATION_TX);
}

/** Adds an admin's note to a company (never edited, only added). */
export async function addCompanyNote(actor: Actor, companyId: string, body: string): Promise<void> {
  requirePermission(actor, "write:company:any");
  const adminId = adminOf(actor);
  await prisma.$transaction(async (tx) => {
    const company = await tx.company.findUnique({ where: { id: companyId }, select: { id: true } });
    if (!company) throw new NotFoundError("Company");
    const note = await tx.companyNote.create({ data: { companyId, authorId: adminId, body } });
    await recordAudit(tx, { actorId: adminId, action: "company.note.added", targetType: "Company", targetId: companyId, data: { noteId: note.id, body } });
  }, MODERATION_TX);
}
