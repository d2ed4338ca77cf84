import { prisma } from "~/utils/db.server";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";

/** The affiliate dashboard's three first steps, each done or not; the guide hides once all are. */
export async function getFirstRunGuide(actor: Actor) {
  requirePermission(actor, "read:offer:own");
  const [keys, company, realLead] = await Promise.all([
    prisma.apiKey.count({ where: { companyId: actor.companyId } }),
    prisma.company.findUniqueOrThrow({ where: { id: actor.companyId }, select: { firstTestLeadAt: true } }),
    prisma.lead.findFirst({ where: { affiliateId: actor.companyId }, select: { id: true } }),
  ]);
  // A real lead received shows the affiliate can post: the test step counts as done then too.
  const steps = { apiKey: keys > 0, testLead: company.firstTestLeadAt !== null || realLead !== null, realLead: realLead !== null };
  return { ...steps, done: steps.apiKey && steps.testLead && steps.realLead };
}
