import { Form, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import type { LeadexSide, TrueUpSummary } from "~/modules/reconciliation/true-up.schema";
import { formatDate, formatDateTime } from "./format";
import { Pager, withParam } from "./pager";
import { EmptyState, StatCard } from "./portal-shell";
import { DataTable } from "./data-table";
import { formatMoney } from "~/utils/money";

// A true-up's report as both sides read it (the advertiser's page and the admin's): where it
// stands, the counts and amounts, and the rows with what approving each would do.

/** A moment as the loader hands it over (a Date, or its ISO text). */
type Instant = Date | string;

export interface TrueUpView {
  id: string;
  periodStart: Instant;
  periodEnd: Instant;
  status: string;
  source: string;
  fileName: string | null;
  reference: string | null;
  totalRows: number;
  summary: TrueUpSummary | null;
  error: string | null;
  createdAt: Instant;
  reconciledAt: Instant | null;
  approvedAt: Instant | null;
  appliedAt: Instant | null;
  advertiser: { name: string };
}

export interface TrueUpRowView {
  id: string;
  rowNumber: number | null;
  externalId: string;
  leadId: string | null;
  event: string | null;
  saleAmountCents: number | null;
  outcome: string;
  action: string;
  payoutDeltaCents: number;
  reason: string | null;
  proposal: unknown;
  result: string | null;
  resultMessage: string | null;
}

const OUTCOMES: Record<string, string> = {
  PENDING: "not matched yet",
  MATCHED: "matched",
  AMOUNT_DIFFERS: "amount differs",
  ONLY_ADVERTISER: "only in the advertiser's list",
  ONLY_LEADEX: "only in Leadex",
  REFUSED: "refused",
};

const ACTIONS: Record<string, string> = {
  none: "—",
  record: "record it",
  adjust: "adjust it",
  reverse: "reverse it",
  dispute: "dispute",
  refuse: "refused",
};

const FILTERS = [
  ["", "All rows"],
  ["PROPOSED", "Proposed changes"],
  ["DISPUTED", "Disputes"],
  ["MATCHED", "Matched"],
  ["AMOUNT_DIFFERS", "Amount differs"],
  ["ONLY_ADVERTISER", "Only in the advertiser's list"],
  ["ONLY_LEADEX", "Only in Leadex"],
  ["REFUSED", "Refused"],
] as const;

/** The period as people say it: "2026-11-01 to 2026-11-30" (the stored end is the instant after). */
export function periodText(start: Instant, end: Instant): string {
  return `${formatDate(start)} to ${formatDate(new Date(new Date(end).getTime() - 1))}`;
}

/** Where a true-up stands, in words. */
export function trueUpStage(t: Pick<TrueUpView, "status" | "appliedAt" | "error">): string {
  if (t.status === "UPLOADED") return t.error ? "matching failed, retrying" : "matching";
  if (t.status === "RECONCILED") return "awaiting approval";
  if (t.status === "APPROVED") return t.appliedAt ? "approved and applied" : "approved, applying";
  return t.status.toLowerCase();
}

function sideText(event: string | null, amountCents: number | null, currency: string): string {
  if (event) return event;
  if (amountCents !== null) return formatMoney(amountCents, currency);
  return "—";
}

function Money({ cents, currency, signed = false }: { cents: number; currency: string; signed?: boolean }) {
  return <span className={cents < 0 ? "negative" : undefined}>{`${signed && cents > 0 ? "+" : ""}${formatMoney(cents, currency)}`}</span>;
}

export function TrueUpSummaryCards({ summary }: { summary: TrueUpSummary }) {
  const c = summary.currency;
  return (
    <>
      <div className="stats" data-testid="true-up-counts">
        <StatCard label="Matched" value={summary.matched} />
        <StatCard label="Amount differs" value={summary.amountDiffers} />
        <StatCard label="Only in the advertiser's list" value={summary.onlyAdvertiser}>
          <p className="muted small">{summary.notRecordable} cannot be recorded</p>
        </StatCard>
        <StatCard label="Only in Leadex" value={summary.onlyLeadex} />
        <StatCard label="Refused rows" value={summary.refusedRows} />
      </div>
      <section className="card">
        <h2>Proposed changes</h2>
        <p className="muted">
          {summary.listRows.toLocaleString("en-US")} rows in the list; {summary.leadexConversions.toLocaleString("en-US")} conversions recorded by Leadex in the
          period, paying {formatMoney(summary.leadexPayoutCents, c)}.
        </p>
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Proposed changes">
          <table data-testid="true-up-proposals" className="stack-on-phone">
            <thead>
              <tr>
                <th>Change</th>
                <th className="num">Conversions</th>
                <th className="num">Payout change</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td data-label="Change">Record late conversions</td>
                <td className="num" data-label="Conversions">
                  {summary.proposed.record.count}
                </td>
                <td className="num" data-label="Difference">
                  <Money cents={summary.proposed.record.cents} currency={c} signed />
                </td>
              </tr>
              <tr>
                <td data-label="Change">Adjust amounts and events</td>
                <td className="num" data-label="Conversions">
                  {summary.proposed.adjust.count}
                </td>
                <td className="num" data-label="Difference">
                  <Money cents={summary.proposed.adjust.cents} currency={c} signed />
                </td>
              </tr>
              <tr>
                <td data-label="Change">Reverse conversions not in the list</td>
                <td className="num" data-label="Conversions">
                  {summary.proposed.reverse.count}
                </td>
                <td className="num" data-label="Difference">
                  <Money cents={summary.proposed.reverse.cents} currency={c} signed />
                </td>
              </tr>
              <tr>
                <td data-label="Change">
                  <strong>If approved</strong>
                </td>
                <td className="num" data-label="Conversions">
                  <strong>{summary.proposed.record.count + summary.proposed.adjust.count + summary.proposed.reverse.count}</strong>
                </td>
                <td className="num" data-testid="true-up-net" data-label="Difference">
                  <strong>
                    <Money cents={summary.proposedPayoutDeltaCents} currency={c} signed />
                  </strong>
                </td>
              </tr>
              <tr>
                <td data-label="Change">Locked or closed: left to a dispute</td>
                <td className="num" data-label="Conversions">
                  {summary.disputes.count}
                </td>
                <td className="num" data-label="Difference">
                  <Money cents={summary.disputes.cents} currency={c} signed />
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

export function TrueUpRows({
  rows,
  total,
  page,
  pageSize,
  currency,
}: {
  rows: TrueUpRowView[];
  total: number;
  page: number;
  pageSize: number;
  currency: string;
}) {
  const location = useLocation();
  const outcome = new URLSearchParams(location.search).get("outcome") ?? "";
  return (
    <section className="card">
      <h2>Rows</h2>
      <Form method="get" className="filter-bar">
        <div className="field">
          <label htmlFor="f-outcome">Show</label>
          <select id="f-outcome" name="outcome" defaultValue={outcome}>
            {FILTERS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Show
        </button>
      </Form>
      <DataTable
        rows={rows}
        testId="true-up-rows"
        stackOnPhone
        empty={<EmptyState title="No rows here" />}
        head={
          <>
            <th className="num">Row</th>
            <th>Conversion</th>
            <th>Outcome</th>
            <th>The list</th>
            <th>Leadex</th>
            <th>Proposed</th>
            <th className="num">Payout change</th>
            <th>Why</th>
            <th>Result</th>
          </>
        }
        row={(r) => {
          const leadex = r.proposal as LeadexSide | null;
          return (
            <tr key={r.id}>
              <td className="num" data-label="Row">
                {r.rowNumber ?? "—"}
              </td>
              <td data-label="Conversion">
                <code>{r.externalId || "—"}</code>
                {r.leadId ? <div className="muted small">lead {r.leadId}</div> : null}
              </td>
              <td className="nowrap" data-label="Outcome">
                {OUTCOMES[r.outcome] ?? r.outcome}
              </td>
              <td data-label="The list">{r.rowNumber === null ? "—" : sideText(r.event, r.saleAmountCents, currency)}</td>
              <td data-label="Leadex">{leadex ? `${sideText(leadex.event, leadex.saleAmountCents, currency)} (${leadex.status})` : "—"}</td>
              <td className="nowrap" data-label="Proposed">
                {ACTIONS[r.action] ?? r.action}
              </td>
              <td className="num" data-label="Difference">
                {r.payoutDeltaCents !== 0 ? <Money cents={r.payoutDeltaCents} currency={currency} signed /> : "—"}
              </td>
              <td className="reasons" data-label="Why">
                {r.reason ?? "—"}
              </td>
              <td data-label="Result">{r.result ? `${r.result}: ${r.resultMessage ?? ""}` : "—"}</td>
            </tr>
          );
        }}
      />
      <Pager page={page} pageSize={pageSize} total={total} label="Rows of the report" hrefFor={(p) => withParam(location.search, "page", p)} />
    </section>
  );
}

/** The head of a true-up: its period, where it came from and where it stands. */
export function TrueUpFacts({ trueUp, extra }: { trueUp: TrueUpView; extra?: ReactNode }) {
  return (
    <section className="card">
      <dl className="details">
        <dt>Advertiser</dt>
        <dd>{trueUp.advertiser.name}</dd>
        <dt>Period</dt>
        <dd>{periodText(trueUp.periodStart, trueUp.periodEnd)}</dd>
        <dt>Sent</dt>
        <dd>
          {formatDateTime(trueUp.createdAt)} by {trueUp.source === "api" ? "API" : `upload${trueUp.fileName ? ` (${trueUp.fileName})` : ""}`}
          {trueUp.reference ? `, reference ${trueUp.reference}` : ""}
        </dd>
        <dt>Stage</dt>
        <dd data-testid="true-up-stage">{trueUpStage(trueUp)}</dd>
        {trueUp.reconciledAt ? (
          <>
            <dt>Matched</dt>
            <dd>{formatDateTime(trueUp.reconciledAt)}</dd>
          </>
        ) : null}
        {trueUp.approvedAt ? (
          <>
            <dt>Approved</dt>
            <dd>
              {formatDateTime(trueUp.approvedAt)}
              {trueUp.appliedAt ? `; applied ${formatDateTime(trueUp.appliedAt)}` : "; applying"}
            </dd>
          </>
        ) : null}
        {trueUp.error ? (
          <>
            <dt>Problem</dt>
            <dd>{trueUp.error}</dd>
          </>
        ) : null}
      </dl>
      {extra}
    </section>
  );
}
