import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ConversionReportTable, formatPercent, ReportFilters } from "~/components/conversion-report";
import { EmptyState, PageHeader, StatCard } from "~/components/portal-shell";
import { conversionReportView } from "~/modules/conversions/conversion-report-views.server";
import { conversionReportQuerySchema } from "~/modules/conversions/conversion-reports.schema";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Conversions · Admin · Leadex" }];

const PAGE = "/admin/conversions";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const url = new URL(request.url);
  const query = conversionReportQuerySchema.parse(Object.fromEntries(url.searchParams));
  return { ...(await conversionReportView(actor, query)), search: url.search };
}

export default function AdminConversions() {
  const { report, offers, search } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Conversions"
        description="Every conversion on the platform by the day it happened: by offer, affiliate, advertiser or sub-id, with what was approved, rejected, reversed and charged."
      />
      <ReportFilters report={report} offers={offers} action={PAGE} csvHref={`${PAGE}.csv${search}`} clearHref={PAGE} />
      {report.totals.map((total) => (
        <div className="stats" key={total.currency}>
          <StatCard
            label={`Gross (${total.currency.toUpperCase()})`}
            value={total.grossCount.toLocaleString("en-US")}
            testId={`report-gross-${total.currency}`}
          >
            <p className="muted small">{formatMoney(total.grossCents, total.currency)}</p>
          </StatCard>
          <StatCard label="Net payout" value={formatMoney(total.netCents, total.currency)} testId={`report-net-${total.currency}`}>
            <p className="muted small">{`Approval rate ${formatPercent(total.approvalRate)}`}</p>
          </StatCard>
          <StatCard label="Pending" value={total.pendingCount.toLocaleString("en-US")}>
            <p className="muted small">{formatMoney(total.pendingCents, total.currency)}</p>
          </StatCard>
        </div>
      ))}
      <section className="card">
        <h2>{`${report.period.fromDay} to ${report.period.toDay}`}</h2>
        <ConversionReportTable report={report} empty={<EmptyState title="No conversions in this period" />} />
      </section>
    </>
  );
}
