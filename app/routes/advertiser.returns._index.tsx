import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { DisputeStatusBadge } from "~/components/dispute-history";
import { Field, FormError, SubmitButton } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { ReturnResults } from "~/components/return-results";
import { advertiserReturnListView } from "~/modules/disputes/advertiser-disputes.server";
import { MAX_RETURN_CSV_BYTES, openReturns, readReturnCsvUpload } from "~/modules/disputes/advertiser-returns.server";
import { refuseOversizedUpload } from "~/modules/disputes/dispute-forms.server";
import { DISPUTE_STATUS_LABELS, DISPUTE_STATUSES } from "~/modules/disputes/disputes.constants";
import { returnListFilterSchema } from "~/modules/disputes/return-list.schema";
import { MAX_RETURNS_AT_ONCE, RETURN_CSV_COLUMNS } from "~/modules/disputes/return-list.constants";
import { formatMoney } from "~/utils/money";
import { formFailure, formFailureFrom, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import { DateRangeFields, FilterButtons, OfferFilterField } from "~/components/filter-bar";

export const meta: MetaFunction = () => [{ title: "Returns · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const filter = returnListFilterSchema.parse(params);
  return advertiserReturnListView(actor, filter);
}

/** A CSV of returns (lead_id, reason, note, evidence_url): each row asked, with its result. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  try {
    refuseOversizedUpload(request, MAX_RETURN_CSV_BYTES, "file");
    const read = await readReturnCsvUpload(await readForm(request));
    if (!read.ok) return formFailure({ file: read.message }, read.message, 422);
    return { results: await openReturns(actor, read.items) };
  } catch (error) {
    return formFailureFrom(error);
  }
}

/** The filters as a query string, with a cursor (or none: the newest page). */
function queryOf(filter: Record<string, string | undefined>, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value && key !== "cursor") params.set(key, value);
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return query ? `?${query}` : "";
}

export default function AdvertiserReturns() {
  const { returns, next, offers, filter } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const location = useLocation();
  const failure = answer && "errors" in answer ? answer : null;
  const filtered = Boolean(filter.status || filter.offerId || filter.from || filter.to);
  return (
    <>
      <PageHeader
        title="Returns"
        description="Leads you asked to return, newest first: what the platform found, the seller's answer and the decision."
        actions={
          <>
            <a href={`/advertiser/returns.csv${queryOf(filter)}`} className="button button-ghost" download>
              Export CSV
            </a>
            <a href="/advertiser/returns/template.csv" className="button button-ghost" download>
              CSV template
            </a>
          </>
        }
      />
      {answer && "results" in answer ? <ReturnResults results={answer.results} indexLabel="Row" /> : null}
      <section className="card">
        <h2>Return leads from a CSV</h2>
        <Form method="post" encType="multipart/form-data" className="form" key={location.key}>
          <FormError error={failure?.formError} />
          <Field
            name="file"
            label="CSV file"
            type="file"
            accept=".csv,text/csv"
            required
            error={failure?.formError ? undefined : failure?.errors.file}
            hint={
              <>
                Columns: <code>{RETURN_CSV_COLUMNS.join(",")}</code> (lead_id and reason required); up to {MAX_RETURNS_AT_ONCE} rows. Each row is asked on its
                own: the result of every row shows here.
              </>
            }
          />
          <SubmitButton>Upload and return</SubmitButton>
        </Form>
      </section>
      <Form method="get" className="filter-bar card">
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" name="status" defaultValue={filter.status ?? ""}>
            <option value="">Any status</option>
            {DISPUTE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {DISPUTE_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <OfferFilterField offers={offers} value={filter.offerId} />
        <DateRangeFields fromLabel="Asked from" from={filter.from} to={filter.to} />
        <FilterButtons clearTo="/advertiser/returns" filtered={filtered} />
      </Form>
      <section className="card">
        <DataTable
          rows={returns}
          testId="returns"
          stackOnPhone
          empty={
            filtered ? (
              <EmptyState title="No returns match these filters" />
            ) : (
              <EmptyState title="No returns yet">
                Return a lead from its page, select several in <Link to="/advertiser/leads">your leads</Link>, or upload a CSV above.
              </EmptyState>
            )
          }
          head={
            <>
              <th>Asked</th>
              <th>Lead</th>
              <th>Offer</th>
              <th>Reason</th>
              <th>Status</th>
              <th>Platform found</th>
              <th>Decision</th>
              <th className="num">Credited</th>
            </>
          }
          row={(r) => (
            <tr key={r.id} data-return={r.id}>
              <td className="nowrap" data-label="Asked">
                <Link to={`/advertiser/disputes/${r.id}`}>{formatDateTime(r.createdAt)}</Link>
              </td>
              <td data-label="Lead">
                <Link to={`/advertiser/leads/${r.leadId}`}>
                  <code>{r.leadId}</code>
                </Link>
              </td>
              <td data-label="Offer">{r.offerTitle}</td>
              <td data-label="Reason">{r.reasonLabel}</td>
              <td data-label="Status">
                <DisputeStatusBadge status={r.status} />
                {r.status === "AWAITING_RESPONSE" && r.responseDueAt ? (
                  <span className="muted small block">seller answers by {formatDateTime(r.responseDueAt)}</span>
                ) : null}
              </td>
              <td data-label="Platform found" className="small">
                {r.finding?.summary ?? "—"}
              </td>
              <td data-label="Decision" className="small">
                {r.decisionReason ?? (r.response ? `Seller: ${r.response}` : "—")}
              </td>
              <td className="num" data-label="Credited">
                {r.creditedCents === null ? "—" : formatMoney(r.creditedCents, r.currency)}
              </td>
            </tr>
          )}
        />
        <nav className="pager" aria-label="Return pages">
          {filter.cursor ? <Link to={`/advertiser/returns${queryOf(filter)}`}>Newest</Link> : null}
          {next ? <Link to={`/advertiser/returns${queryOf(filter, next)}`}>Older returns</Link> : null}
        </nav>
      </section>
    </>
  );
}
