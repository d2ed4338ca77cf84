import { isStorableDate } from "~/modules/deliveries/deliveries.schema";
import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";

// What the dispute reads of every reader share: the cursor of a newest-first list, and a
// dispute's history (its audit rows) for each reader to name who did each step its own way.

export interface DisputeCursor {
  createdAt: Date;
  id: string;
}

/** A cursor is the last row's (createdAt, id): disputes opened in the same millisecond still page exactly. */
export function encodeDisputeCursor(row: DisputeCursor): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`, "utf8").toString("base64url");
}

/** The cursor's row, or null when it is no cursor a list gave. */
export function decodeDisputeCursor(cursor: string): DisputeCursor | null {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  // A forged date outside the years the database compares (+275760-09-13) is no cursor either.
  if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id) || !isStorableDate(createdAt)) return null;
  return { createdAt, id };
}

/** The rows after the cursor's, newest first. */
export function afterCursor(after: DisputeCursor | null): Prisma.DisputeWhereInput {
  return after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {};
}

/** A dispute's steps, oldest first, each with the message recordDisputeStep wrote and who did it (null: the platform). */
export async function disputeHistoryRows(disputeId: string) {
  const audits = await prisma.auditLog.findMany({
    where: { targetType: "Dispute", targetId: disputeId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, action: true, createdAt: true, data: true, actor: { select: { name: true, role: true, companyId: true } } },
  });
  return audits.map((a) => {
    const data = (a.data ?? {}) as Record<string, unknown>;
    return { id: a.id, action: a.action, at: a.createdAt, actor: a.actor, message: typeof data.message === "string" ? data.message : a.action };
  });
}
