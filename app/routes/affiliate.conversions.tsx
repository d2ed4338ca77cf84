import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ConversionReportTable, ReportFilters } from "~/components/conversion-report";
import { DataTable } from "~/components/data-table";
import { formatDate, formatDateTime, humanize } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { type AffiliateConversionRow } from "~/modules/conversions/affiliate-conversions.server";
import { conversionListFilterSchema } from "~/modules/conversions/conversion-list.schema";
import { CONVERSION_STATUSES } from "~/modules/conversions/conversion-list.constants";
import { affiliateConversionsView } from "~/modules/conversions/conversion-report-views.server";
import { conversionReportQuerySchema } from "~/modules/conversions/conversion-reports.schema";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Conversions · Leadex" }];

const PAGE = "/affiliate/conversions";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const url = new URL(request.url);
  const params = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ""));
  const query = conversionReportQuerySchema.parse(params);
  const { status, cursor } = conversionListFilterSchema.parse(params);
  return { ...(await affiliateConversionsView(actor, query, { status, cursor })), search: url.search };
}

/** This page's URL with the same filters and another cursor (none: the newest conversions). */
function pageHref(search: string, cursor?: string): string {
  const params = new URLSearchParams(search);
  params.delete("cursor");
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return `${PAGE}${query ? `?${query}` : ""}`;
}

const REASON_WORDS: Record<string, string> = {
  awaiting_funds: "Waiting for the buyer's funds",
  held_by_rule: "Held by the buyer's rule",
  rejected_by_rule: "Rejected by the buyer's rule",
  rejected_by_advertiser: "Rejected by the buyer",
  fraud: "Marked as fraud",
};

function What({ c }: { c: AffiliateConversionRow }) {
  if (c.kind === "ACTION") {
    return (
      <>
        {c.eventLabel && c.eventLabel !== c.event ? `${c.eventLabel} ` : ""}
        <code>{c.event}</code>
      </>
    );
  }
  return (
    <>
      {`Sale of ${formatMoney(c.saleAmountCents ?? 0, c.currency)}`}
      {c.reversedSaleCents > 0 ? <span className="muted small block">{`${formatMoney(c.reversedSaleCents, c.currency)} refunded`}</span> : null}
    </>
  );
}

function Status({ c }: { c: AffiliateConversionRow }) {
  const why = c.reasonCode ? (REASON_WORDS[c.reasonCode] ?? humanize(c.reasonCode)) : null;
  const words = [why, c.reason && c.reason !== why ? c.reason : null].filter(Boolean).join(": ");
  return (
    <>
      <StatusBadge status={c.status} />
      {words ? <span className="muted small block">{words}</span> : null}
      {c.status === "HELD" && c.holdUntil ? <span className="muted small block">{`until ${formatDateTime(c.holdUntil)}`}</span> : null}
    </>
  );
}

function Dates({ c }: { c: AffiliateConversionRow }) {
  const lines: Array<[string, string | Date | null]> = [
    ["Occurred", c.occurredAt],
    ["Reported", c.receivedAt],
    ["Billed", c.billedAt],
    ["Approved", c.approvedAt],
    [c.lockedAt ? "Locked" : "Locks on", c.lockedAt ?? c.lockAt],
    ["Reversed", c.reversedAt],
  ];
  return (
    <span className="date-stack">
      {lines
        .filter(([label, at]) => at || label === "Occurred")
        .map(([label, at], i) => (
          <span key={label} className={i === 0 ? undefined : "muted"}>{`${label} ${formatDate(at)}`}</span>
        ))}
    </span>
  );
}

export default function AffiliateConversions() {
  const { report, offers, list, status, cursor, search } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Conversions"
        description="Actions and sales buyers reported on your leads, with what you earn on each. Pending earnings become available when the conversion locks."
      />
      <ReportFilters report={report} offers={offers} action={PAGE} csvHref={`${PAGE}.csv${search}`} clearHref={PAGE}>
        <div className="field">
          <label htmlFor="f-status">Status (list)</label>
          <select id="f-status" name="status" defaultValue={status ?? ""}>
            <option value="">Any status</option>
            {CONVERSION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
      </ReportFilters>
      <section className="card">
        <h2>{`Report: ${report.period.fromDay} to ${report.period.toDay}`}</h2>
        <ConversionReportTable
          report={report}
          empty={<EmptyState title="No conversions in this period">They show here when a buyer reports an action or a sale on one of your leads.</EmptyState>}
        />
      </section>
      <section className="card">
        <h2>Each conversion</h2>
        <DataTable
          rows={list.rows}
          testId="affiliate-conversions"
          stackOnPhone
          empty={<EmptyState title={status ? `No ${status.toLowerCase()} conversions in this period` : "No conversions in this period"} />}
          head={
            <>
              <th>Your lead</th>
              <th>Offer</th>
              <th>Action or sale</th>
              <th className="num">You earn</th>
              <th>Status</th>
              <th>Dates</th>
            </>
          }
          row={(c) => (
            <tr key={c.id} data-conversion={c.id}>
              <td data-label="Your lead">
                <code>{c.leadExternalId}</code>
              </td>
              <td data-label="Offer">{c.offerTitle}</td>
              <td data-label="What">
                <What c={c} />
              </td>
              <td className="num" data-label="You earn">
                {c.status === "REJECTED" || c.status === "FRAUD" ? <span className="muted">not paid</span> : formatMoney(c.earningCents, c.currency)}
                {c.reversedEarningCents > 0 ? (
                  <span className="muted small block">{`−${formatMoney(c.reversedEarningCents, c.currency)} reversed`}</span>
                ) : null}
              </td>
              <td data-label="Status">
                <Status c={c} />
              </td>
              <td data-label="Dates">
                <Dates c={c} />
              </td>
            </tr>
          )}
        />
        <nav className="pager" aria-label="Conversion pages">
          {cursor ? <Link to={pageHref(search)}>Newest</Link> : null}
          {list.next ? <Link to={pageHref(search, list.next)}>Older conversions</Link> : null}
        </nav>
      </section>
    </>
  );
}
