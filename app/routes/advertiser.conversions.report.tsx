import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ConversionReportTable, formatPercent, ReportFilters } from "~/components/conversion-report";
import { EmptyState, PageHeader, StatCard } from "~/components/portal-shell";
import { conversionReportView } from "~/modules/conversions/conversion-reports.server";
import { conversionReportQuerySchema } from "~/modules/conversions/conversion-reports.schema";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Conversion report · Leadex" }];

const PAGE = "/advertiser/conversions/report";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const url = new URL(request.url);
  const query = conversionReportQuerySchema.parse(Object.fromEntries(url.searchParams));
  return { ...(await conversionReportView(actor, query)), search: url.search };
}

export default function AdvertiserConversionReport() {
  const { report, offers, search } = useLoaderData<typeof loader>();
  const total = report.totals.length === 1 ? report.totals[0] : null;
  return (
    <>
      <PageHeader
        title="Conversion report"
        description="What your conversions cost, by offer or by affiliate: approved, pending, rejected and reversed, the cost per action and the return on what you paid."
        actions={
          <>
            <Link to="/advertiser/conversions" className="button button-ghost">
              Conversions
            </Link>
            <Link to="/advertiser/conversions/rules" className="button button-ghost">
              Rules
            </Link>
          </>
        }
      />
      <ReportFilters report={report} offers={offers} action={PAGE} csvHref={`${PAGE}.csv${search}`} clearHref={PAGE} />
      {total ? (
        <div className="stats">
          <StatCard label="Net payout" value={formatMoney(total.netCents, total.currency)} testId="report-net">
            <p className="muted small">{`${total.paidCount.toLocaleString("en-US")} conversions paid; approval rate ${formatPercent(total.approvalRate)}`}</p>
          </StatCard>
          <StatCard
            label="Cost per action"
            value={total.costPerActionCents === null ? "—" : formatMoney(total.costPerActionCents, total.currency)}
            testId="report-cpa"
          />
          <StatCard label="ROI" value={formatPercent(total.roi)} testId="report-roi">
            {total.roi === null ? (
              <p className="muted small">Needs sale amounts: send amount with your conversions (CPA offers report none by default).</p>
            ) : (
              <p className="muted small">{`On ${formatMoney(total.salesCents ?? 0, total.currency)} of sales`}</p>
            )}
          </StatCard>
        </div>
      ) : null}
      <section className="card">
        <h2>{`${report.period.fromDay} to ${report.period.toDay}`}</h2>
        <ConversionReportTable
          report={report}
          empty={
            <EmptyState title="No conversions in this period">
              Conversions show here by the day they happened. Report them by API or <Link to="/advertiser/conversions/upload">upload a CSV</Link>.
            </EmptyState>
          }
        />
      </section>
    </>
  );
}
