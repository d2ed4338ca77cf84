import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { Pager, withParam } from "~/components/pager";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { partyDisputeFilterOf } from "~/modules/disputes/conversion-disputes.schema";
import { DISPUTE_KIND_LABELS, DISPUTE_KINDS, DISPUTE_STATUS_LABELS, DISPUTE_STATUSES } from "~/modules/disputes/disputes.constants";
import { affiliateDisputeListView } from "~/modules/disputes/dispute-views.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Disputes · Leadex" }];

const PAGE = "/affiliate/disputes";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const url = new URL(request.url);
  return { ...(await affiliateDisputeListView(actor, partyDisputeFilterOf(url.searchParams))), search: url.search };
}

export default function AffiliateDisputes() {
  const { rows, total, page, pageSize, status, kind, search } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Disputes"
        description="Returns and conversion disputes buyers opened on your leads, and your own missing conversion inquiries. Those waiting for an answer come first."
        actions={
          <Link to="/affiliate/inquiries/new" className="button">
            Ask about a missing conversion
          </Link>
        }
      />
      <Form method="get" className="filter-bar card" aria-label="Filter disputes">
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" name="status" defaultValue={status.toLowerCase()}>
            <option value="">Any status</option>
            {DISPUTE_STATUSES.map((s) => (
              <option key={s} value={s.toLowerCase()}>
                {DISPUTE_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-kind">Kind</label>
          <select id="f-kind" name="kind" defaultValue={kind.toLowerCase()}>
            <option value="">Any kind</option>
            {DISPUTE_KINDS.map((k) => (
              <option key={k} value={k.toLowerCase()}>
                {DISPUTE_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="button">
            Filter
          </button>
          <Link to={PAGE} className="button button-ghost">
            Clear
          </Link>
        </div>
      </Form>
      <section className="card">
        <DataTable
          rows={rows}
          testId="affiliate-disputes"
          stackOnPhone
          empty={
            <EmptyState title={status || kind ? "No disputes match these filters" : "No disputes yet"}>
              Returns, conversion disputes and your inquiries show here.
            </EmptyState>
          }
          head={
            <>
              <th>Dispute</th>
              <th>Reason</th>
              <th>Your lead</th>
              <th>Status</th>
              <th>Answer by</th>
              <th>Opened</th>
            </>
          }
          row={(d) => (
            <tr key={d.id} data-dispute={d.id}>
              <td data-label="Dispute">
                <Link to={`${PAGE}/${d.id}`}>{DISPUTE_KIND_LABELS[d.kind]}</Link>
              </td>
              <td data-label="Reason">{d.reason}</td>
              <td data-label="Your lead">
                <code>{d.leadExternalId}</code>
              </td>
              <td data-label="Status">
                <StatusBadge status={DISPUTE_STATUS_LABELS[d.status]} />
                {d.yours ? <span className="small block">Waiting for your answer</span> : null}
              </td>
              <td data-label="Answer by">{d.responseDueAt ? formatDateTime(d.responseDueAt) : <span className="muted">—</span>}</td>
              <td data-label="Opened">{formatDateTime(d.createdAt)}</td>
            </tr>
          )}
        />
        <Pager page={page} pageSize={pageSize} total={total} hrefFor={(p) => `${PAGE}${withParam(search, "page", p)}`} label="Dispute pages" />
      </section>
    </>
  );
}
