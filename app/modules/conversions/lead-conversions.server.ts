import { prisma } from "~/utils/db.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";

/** Every conversion reported on a lead, oldest first, with its corrections: for the admin's lead page. */
export async function listLeadConversions(actor: Actor, leadId: string) {
  requirePermission(actor, "read:conversion:any");
  return prisma.conversion.findMany({
    where: { leadId },
    orderBy: { receivedAt: "asc" },
    include: { advertiser: { select: { name: true } }, adjustments: { orderBy: { createdAt: "asc" } } },
  });
}
