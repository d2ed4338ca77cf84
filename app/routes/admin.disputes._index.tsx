import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { Pager, withParam } from "~/components/pager";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { DisputeStatusBadge } from "~/components/dispute-history";
import { parseDisputeQueueQuery } from "~/modules/disputes/admin-disputes.schema";
import { adminDisputeQueueView } from "~/modules/disputes/admin-disputes.server";
import { DISPUTE_KIND_LABELS, DISPUTE_KINDS, DISPUTE_STATUS_LABELS, DISPUTE_STATUSES } from "~/modules/disputes/disputes.constants";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";
import { DateRangeFields, FilterButtons } from "~/components/filter-bar";

export const meta: MetaFunction = () => [{ title: "Disputes · Admin · Leadex" }];

const PAGE = "/admin/disputes";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const url = new URL(request.url);
  const query = parseDisputeQueueQuery(url.searchParams);
  return { ...(await adminDisputeQueueView(actor, query)), search: url.search };
}

function Select({ name, label, value, options, any }: { name: string; label: string; value: string; options: { id: string; name: string }[]; any: string }) {
  return (
    <div className="field">
      <label htmlFor={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name} defaultValue={value}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export default function AdminDisputes() {
  const { query, queue, options, search } = useLoaderData<typeof loader>();
  const location = useLocation();
  const totalCount = Object.values(queue.statusCounts).reduce((a, b) => a + b, 0);
  const statusHref = (status: string) => withParam(withParam(search, "status", status), "page", null);
  return (
    <>
      <PageHeader
        title="Disputes"
        description="Returns and conversion disputes, oldest first. Those in admin review wait for your decision: open one to see both sides' evidence, the lead's checks and both companies' return history."
        actions={
          <>
            <Link to="/admin/disputes/flags" className="button button-ghost">
              Return-rate flags
            </Link>
            <a href={`${PAGE}.csv${search}`} className="button button-ghost" download>
              Export decisions (CSV)
            </a>
          </>
        }
      />
      <nav className="status-tabs" aria-label="Disputes by status">
        {DISPUTE_STATUSES.map((s) => (
          <Link key={s} to={statusHref(s)} aria-current={query.status === s ? "page" : undefined} data-testid={`count-${s}`}>
            {`${DISPUTE_STATUS_LABELS[s]} (${queue.statusCounts[s].toLocaleString("en-US")})`}
          </Link>
        ))}
        <Link to={statusHref("any")} aria-current={query.status === "any" ? "page" : undefined}>
          {`Any status (${totalCount.toLocaleString("en-US")})`}
        </Link>
      </nav>
      <Form method="get" className="filter-bar card">
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" name="status" defaultValue={query.status}>
            {DISPUTE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {DISPUTE_STATUS_LABELS[s]}
              </option>
            ))}
            <option value="any">Any status</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-kind">Kind</label>
          <select id="f-kind" name="kind" defaultValue={query.kind ?? ""}>
            <option value="">Every kind</option>
            {DISPUTE_KINDS.map((k) => (
              <option key={k} value={k}>
                {DISPUTE_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <Select name="offer" label="Offer" value={query.offer ?? ""} options={options.offers} any="Every offer" />
        <Select name="buyer" label="Buyer" value={query.buyer ?? ""} options={options.buyers} any="Every buyer" />
        <Select name="seller" label="Seller" value={query.seller ?? ""} options={options.sellers} any="Every seller" />
        <DateRangeFields fromLabel="Opened from" from={query.from} to={query.to} />
        <FilterButtons clearTo={PAGE} />
      </Form>
      <section className="card">
        <DataTable
          rows={queue.rows}
          testId="dispute-queue"
          stackOnPhone
          empty={
            <EmptyState title={query.status === "IN_REVIEW" ? "No dispute waits for an admin" : "No disputes match these filters"}>
              Contested returns and unanswered inquiries appear here, oldest first.
            </EmptyState>
          }
          head={
            <>
              <th>Dispute</th>
              <th>Opened</th>
              <th>Reason</th>
              <th>Lead</th>
              <th>Offer</th>
              <th>Buyer</th>
              <th>Seller</th>
              <th className="num">Price</th>
              <th>Status</th>
            </>
          }
          row={(d) => (
            <tr key={d.id} data-dispute={d.id}>
              <td data-label="Dispute">
                <Link to={`/admin/disputes/${d.id}`}>{DISPUTE_KIND_LABELS[d.kind]}</Link>
                <div className="small muted">
                  <code>{d.id}</code>
                </div>
              </td>
              <td className="nowrap" data-label="Opened">
                {formatDateTime(d.createdAt)}
              </td>
              <td data-label="Reason">{d.reason}</td>
              <td data-label="Lead">
                <Link to={`/admin/leads/${d.leadId}`}>
                  <code>{d.leadExternalId}</code>
                </Link>
              </td>
              <td data-label="Offer">
                <Link to={withParam(withParam(search, "offer", d.offerId), "page", null)}>{d.offerTitle}</Link>
              </td>
              <td data-label="Buyer">
                <Link to={withParam(withParam(search, "buyer", d.buyerId), "page", null)}>{d.buyerName}</Link>
              </td>
              <td data-label="Seller">
                <Link to={withParam(withParam(search, "seller", d.sellerId), "page", null)}>{d.sellerName}</Link>
              </td>
              <td className="num" data-label="Price">
                {formatMoney(d.priceCents, d.currency)}
              </td>
              <td data-label="Status">
                <DisputeStatusBadge status={d.status} />
                {d.responseDueAt ? <div className="small muted">Answer due {formatDateTime(d.responseDueAt)}</div> : null}
                {d.decidedAt ? <div className="small muted">Decided {formatDateTime(d.decidedAt)}</div> : null}
              </td>
            </tr>
          )}
        />
        <Pager page={queue.page} pageSize={queue.pageSize} total={queue.total} label="Dispute pages" hrefFor={(p) => withParam(location.search, "page", p)} />
      </section>
    </>
  );
}
