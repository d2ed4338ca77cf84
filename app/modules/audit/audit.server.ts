import type { Prisma } from "~/generated/prisma/client";
import { prisma, type Tx } from "~/utils/db.server";

// The audit log: what an admin changed, by whom. PRODUCT.md: admins see everything, and what they
// change is written here.

export interface AuditEntry {
  /** The admin's user id (null for an actor without a user, e.g. an API key). */
  actorId: string | null;
  /** What was done, `<area>.<verb>`: "lead.review.approved", "suppression.added". */
  action: string;
  targetType: string;
  targetId: string;
  data: Prisma.InputJsonObject;
}

/** Writes one audit row, inside the transaction that makes the change (so neither exists without the other). */
export async function recordAudit(tx: Tx, entry: AuditEntry) {
  await tx.auditLog.create({ data: entry });
}

/** Audits an admin's request that starts work elsewhere (a "run now", a retry) rather than changing rows itself: written as it is made. */
export async function recordAuditNow(entry: AuditEntry) {
  await prisma.auditLog.create({ data: entry });
}
