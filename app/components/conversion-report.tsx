import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import type { ConversionReportRow } from "~/modules/conversions/conversion-reports.schema";
import { formatMoney } from "~/utils/money";
import { DataTable } from "./data-table";
import { OfferFilterField, ReportButtons, ReportPeriodFields, SubIdField } from "./filter-bar";

// The conversion status report as every portal shows it: the filters (a GET form, so the page
// and its CSV link share one URL), then a table of groups and totals. Money is the viewer's:
// payout for advertisers and admins, earnings for affiliates.

export type ReportRowView = ConversionReportRow;

export interface ReportView {
  group: string;
  groups: readonly string[];
  subId: string;
  period: { fromDay: string; toDay: string; problems: Partial<Record<"from" | "to", string>> };
  offerId: string | null;
  measure: "payout" | "earning";
  showsSales: boolean;
  rows: ReportRowView[];
  totals: ReportRowView[];
  groupCount: number;
}

const GROUP_LABELS: Record<string, string> = { offer: "Offer", affiliate: "Affiliate", advertiser: "Advertiser", sub_id: "Sub-id" };

export function formatPercent(rate: number | null): string {
  if (rate === null) return "—";
  const value = rate * 100;
  return `${Math.abs(value) >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(1)}%`;
}

/** The report's filters: period, grouping (and sub-id), offer, plus the page's own (`children`). */
export function ReportFilters({
  report,
  offers,
  action,
  csvHref,
  clearHref,
  children,
}: {
  report: ReportView;
  offers: ReadonlyArray<{ id: string; title: string }>;
  action: string;
  csvHref: string;
  clearHref: string;
  children?: ReactNode;
}) {
  return (
    <Form method="get" action={action} className="filter-bar card" aria-label="Report filters">
      <ReportPeriodFields from={report.period.fromDay} to={report.period.toDay} errors={report.period.problems} />
      <div className="field">
        <label htmlFor="f-group">Group by</label>
        <select id="f-group" name="group" defaultValue={report.group}>
          {report.groups.map((g) => (
            <option key={g} value={g}>
              {GROUP_LABELS[g] ?? g}
            </option>
          ))}
        </select>
      </div>
      {report.groups.includes("sub_id") ? <SubIdField name="subId" value={report.subId} /> : null}
      <OfferFilterField offers={offers} value={report.offerId} />
      {children}
      <ReportButtons resetTo={clearHref} />
      <a href={csvHref} className="button button-ghost" download>
        Download CSV
      </a>
    </Form>
  );
}

function Figure({ count, cents, currency }: { count: number; cents: number; currency: string }) {
  return (
    <>
      {count.toLocaleString("en-US")}
      <span className="muted small block">{formatMoney(cents, currency)}</span>
    </>
  );
}

function ReportCells({ r, showsSales }: { r: ReportRowView; showsSales: boolean }) {
  return (
    <>
      <td className="num" data-label="Gross">
        <Figure count={r.grossCount} cents={r.grossCents} currency={r.currency} />
      </td>
      <td className="num" data-label="Approved">
        <Figure count={r.approvedCount} cents={r.approvedCents} currency={r.currency} />
      </td>
      <td className="num" data-label="Pending">
        <Figure count={r.pendingCount} cents={r.pendingCents} currency={r.currency} />
      </td>
      <td className="num" data-label="Rejected">
        <Figure count={r.rejectedCount} cents={r.rejectedCents} currency={r.currency} />
      </td>
      <td className="num" data-label="Reversed">
        <Figure count={r.reversedCount} cents={r.reversedCents} currency={r.currency} />
      </td>
      <td className="num" data-label="Adjustments">
        <Figure count={r.adjustmentsCount} cents={r.adjustmentsCents} currency={r.currency} />
      </td>
      <td className="num" data-label="Net">
        <strong>{formatMoney(r.netCents, r.currency)}</strong>
      </td>
      <td className="num" data-label="Approval rate">
        {formatPercent(r.approvalRate)}
      </td>
      {showsSales ? (
        <>
          <td className="num" data-label="Per action">
            {r.costPerActionCents === null ? "—" : formatMoney(r.costPerActionCents, r.currency)}
          </td>
          <td className="num" data-label="Sales">
            {r.salesCents === null ? (
              <span className="muted" title="No sale amounts reported">
                —
              </span>
            ) : (
              <>
                {formatMoney(r.salesCents, r.currency)}
                {r.salesCount < r.paidCount ? <span className="muted small block">{`${r.salesCount} of ${r.paidCount} with an amount`}</span> : null}
              </>
            )}
          </td>
          <td className="num" data-label="ROI">
            {r.roi === null ? (
              <span className="muted" title="ROI needs the sale amounts: CPA conversions reported without an amount have none">
                —
              </span>
            ) : (
              <span className={r.roi < 0 ? "negative" : undefined}>{formatPercent(r.roi)}</span>
            )}
          </td>
        </>
      ) : null}
    </>
  );
}

/** The groups, largest first, then one totals row per currency. */
export function ConversionReportTable({ report, empty }: { report: ReportView; empty: ReactNode }) {
  const groupLabel = report.group === "sub_id" ? `Sub-id ${report.subId}` : (GROUP_LABELS[report.group] ?? report.group);
  const money = report.measure === "payout" ? "payout" : "earnings";
  const rows = [...report.rows, ...report.totals];
  return (
    <>
      <DataTable
        rows={report.rows.length > 0 ? rows : []}
        testId="conversion-report"
        stackOnPhone
        empty={empty}
        head={
          <>
            <th>{groupLabel}</th>
            <th className="num">Gross</th>
            <th className="num">Approved</th>
            <th className="num">Pending</th>
            <th className="num">Rejected</th>
            <th className="num">Reversed</th>
            <th className="num">Adjusted</th>
            <th className="num">{`Net ${money}`}</th>
            <th className="num">Approval</th>
            {report.showsSales ? (
              <>
                <th className="num">Per action</th>
                <th className="num">Sales</th>
                <th className="num">ROI</th>
              </>
            ) : null}
          </>
        }
        row={(r) => (
          <tr key={`${r.key ?? "total"}-${r.currency}`} className={r.key === null ? "report-total" : undefined} data-group={r.key ?? "total"}>
            <td data-label={groupLabel}>{r.key === null ? <strong>{`Total (${r.currency.toUpperCase()})`}</strong> : r.label}</td>
            <ReportCells r={r} showsSales={report.showsSales} />
          </tr>
        )}
      />
      {report.groupCount > report.rows.length ? (
        <p className="muted small">{`Showing the ${report.rows.length} largest of ${report.groupCount.toLocaleString("en-US")} groups; the totals and the CSV cover them all.`}</p>
      ) : null}
      {report.rows.length > 0 ? (
        <p className="muted small">
          {`Counts above ${money}. Gross: every conversion at its price. Approved and pending: less what was reversed. Reversed: in full (count) and all money taken back. Adjusted: amount changes, true-ups and corrections after the lock. Net: what stands ${report.measure === "payout" ? "charged" : "earned"}. Approval: approved of those decided (approved, rejected, reversed).`}
          {report.showsSales
            ? " Per action: net ÷ conversions paid. ROI: (sales − net) ÷ net; — where no sale amount was reported (CPA conversions send none unless you add amount)."
            : ""}
        </p>
      ) : null}
    </>
  );
}
