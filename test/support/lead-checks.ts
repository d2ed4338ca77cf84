import { prisma } from "~/utils/db.server";

/** Where a lead's processing ends (HELD waits for a person, not for the pipeline). */
export const DECIDED_STATUSES = ["SOLD", "UNSOLD", "REJECTED", "HELD"] as const;

/** Timeline steps a lead's one processing writes at most once: a second one means it was processed twice. */
export const ONCE_PER_LEAD_EVENTS = ["verified", "scored", "accepted", "held", "rejected", "routing", "unsold"] as const;

export interface LeadProcessingReport {
  leads: number;
  statuses: Record<string, number>;
  sales: number;
  breaches: string[];
}

/**
 * "Every lead decided exactly once", without a test runner (the two-workers test and `npm run chaos`):
 * an affiliate's leads are all decided, none wrote a processing step twice, none was sold twice
 * (exclusive offers), and sales and statuses agree.
 */
export async function leadProcessingReport(affiliateId: string): Promise<LeadProcessingReport> {
  const breaches: string[] = [];
  const grouped = await prisma.lead.groupBy({ by: ["status"], where: { affiliateId }, _count: true });
  const statuses = Object.fromEntries(grouped.map((g) => [g.status, g._count]));
  const leads = grouped.reduce((sum, g) => sum + g._count, 0);
  const undecided = grouped.filter((g) => !(DECIDED_STATUSES as readonly string[]).includes(g.status));
  for (const g of undecided) breaches.push(`${g._count} lead(s) still ${g.status}`);

  const twice = await prisma.$queryRawUnsafe<Array<{ leadId: string; type: string; n: bigint }>>(
    `SELECT e."leadId", e.type, count(*) AS n FROM "LeadEvent" e JOIN "Lead" l ON l.id = e."leadId"
     WHERE l."affiliateId" = $1 AND e.type = ANY($2::text[]) GROUP BY 1, 2 HAVING count(*) > 1`,
    affiliateId,
    [...ONCE_PER_LEAD_EVENTS],
  );
  if (twice.length > 0) {
    const sample = twice.slice(0, 5).map((r) => `${r.leadId} ${r.type}×${r.n}`);
    breaches.push(`${new Set(twice.map((r) => r.leadId)).size} lead(s) processed more than once (${sample.join(", ")})`);
  }

  const salesPerLead = await prisma.$queryRawUnsafe<Array<{ leadId: string; n: bigint; status: string }>>(
    `SELECT s."leadId", count(*) AS n, l.status::text AS status FROM "LeadSale" s JOIN "Lead" l ON l.id = s."leadId"
     WHERE l."affiliateId" = $1 GROUP BY s."leadId", l.status`,
    affiliateId,
  );
  const sales = salesPerLead.reduce((sum, r) => sum + Number(r.n), 0);
  const soldTwice = salesPerLead.filter((r) => r.n > 1n);
  if (soldTwice.length > 0) breaches.push(`${soldTwice.length} exclusive lead(s) sold more than once (${soldTwice[0].leadId} ×${soldTwice[0].n})`);
  const notSold = salesPerLead.filter((r) => r.status !== "SOLD" && r.status !== "RETURNED");
  if (notSold.length > 0) breaches.push(`${notSold.length} lead(s) with a sale are not SOLD (${notSold[0].leadId} is ${notSold[0].status})`);
  const soldLeads = statuses.SOLD ?? 0;
  const withSale = salesPerLead.filter((r) => r.status === "SOLD").length;
  if (withSale !== soldLeads) breaches.push(`${soldLeads} SOLD lead(s) but ${withSale} of them have a sale`);
  return { leads, statuses, sales, breaches };
}

/** Outbox messages not yet processed (each is a job Redis may have lost; the sweeper re-sends it). */
export async function unprocessedOutbox(): Promise<Array<{ queue: string; count: number }>> {
  const rows = await prisma.outboxMessage.groupBy({ by: ["queue"], where: { processedAt: null }, _count: true });
  return rows.map((r) => ({ queue: r.queue, count: r._count }));
}
