import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { decodeKeysetCursor, keysetAfter, keysetPage, newestFirst } from "~/utils/keyset-cursor.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import type { AuditLogFilter } from "./audit-log.schema";
import { auditActionWords, auditTargetHref } from "./audit-words";

// The audit log as admins read it: newest first, 50 a page, filtered by who, what, on what and when.

export const AUDIT_PAGE = 50;

function auditWhere(filter: AuditLogFilter): Prisma.AuditLogWhereInput {
  const where: Prisma.AuditLogWhereInput[] = [];
  if (filter.actor) {
    where.push({
      OR: [
        { actorId: filter.actor },
        { actor: { email: { contains: filter.actor, mode: "insensitive" } } },
        { actor: { name: { contains: filter.actor, mode: "insensitive" } } },
      ],
    });
  }
  if (filter.action) where.push({ action: { startsWith: filter.action } });
  if (filter.targetType) where.push({ targetType: { equals: filter.targetType, mode: "insensitive" } });
  if (filter.targetId) where.push({ targetId: filter.targetId });
  if (filter.from) where.push({ createdAt: { gte: new Date(`${filter.from}T00:00:00Z`) } });
  if (filter.to) where.push({ createdAt: { lt: new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000) } });
  return { AND: where };
}

export async function listAuditLog(actor: Actor, filter: AuditLogFilter) {
  requirePermission(actor, "read:audit:any");
  const rows = await prisma.auditLog.findMany({
    where: { AND: [auditWhere(filter), keysetAfter("createdAt", decodeKeysetCursor(filter.cursor))] },
    orderBy: newestFirst("createdAt"),
    take: AUDIT_PAGE + 1,
    include: { actor: { select: { name: true, email: true } } },
  });
  const page = keysetPage(rows, AUDIT_PAGE, (r) => r.createdAt);
  return {
    nextCursor: page.nextCursor,
    rows: page.rows.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      actor: r.actor ? `${r.actor.name} (${r.actor.email})` : "Leadex (automatic)",
      action: r.action,
      actionWords: auditActionWords(r.action),
      targetType: r.targetType,
      targetId: r.targetId,
      targetHref: auditTargetHref(r.targetType, r.targetId),
      data: r.data === null ? "" : JSON.stringify(r.data),
    })),
  };
}
