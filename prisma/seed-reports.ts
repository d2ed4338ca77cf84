import { FULL_ROLLUP_DAYS, refreshReportRollups } from "~/modules/reports/report-rollups.server";
import { prisma } from "~/utils/db.server";

// The reports' demo: the advertisers' first few bought leads marked contacted (as their teams
// would from the lead page), a few minutes after each lead came in, so speed to lead shows; then
// the rollups are computed, so every demo login's reports show the seeded leads at once (the
// worker's schedule refreshes them afterwards). Safe to run again: it marks only sales not
// marked yet and the rollup recomputes the same rows.

export async function seedReportDemo(opts: { log: (line: string) => void; advertiserEmails: string[] }): Promise<void> {
  const users = await prisma.user.findMany({ where: { email: { in: opts.advertiserEmails } }, select: { id: true, companyId: true } });
  let marked = 0;
  for (const user of users) {
    if (!user.companyId) continue;
    const sales = await prisma.leadSale.findMany({
      where: { advertiserId: user.companyId, contactedAt: null },
      orderBy: { soldAt: "asc" },
      take: 3,
      include: { lead: { select: { receivedAt: true } } },
    });
    for (const [i, sale] of sales.entries()) {
      const contactedAt = new Date(sale.lead.receivedAt.getTime() + (2 + i * 7) * 60_000);
      await prisma.leadSale.update({ where: { id: sale.id }, data: { contactedAt, contactedById: user.id } });
      marked++;
    }
  }
  const refresh = await refreshReportRollups({ days: FULL_ROLLUP_DAYS });
  opts.log(`reports: ${marked} bought leads marked contacted; rollups computed for the last ${FULL_ROLLUP_DAYS} days in ${refresh.ms} ms`);
}
