import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDate, formatDateTime } from "~/components/format";
import { Pager, withParam } from "~/components/pager";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { chargebackListQuerySchema } from "~/modules/billing/chargebacks.schema";
import { CHARGEBACK_STATUS_FILTERS } from "~/modules/billing/chargebacks.constants";
import { listChargebacks } from "~/modules/billing/chargebacks.server";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Card disputes · Admin · Leadex" }];

const FILTER_LABELS: Record<(typeof CHARGEBACK_STATUS_FILTERS)[number], string> = {
  open: "Open",
  needs_response: "Needs evidence",
  under_review: "Under review",
  won: "Won",
  lost: "Lost",
  all: "All",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const url = new URL(request.url);
  const query = chargebackListQuerySchema.parse({ status: url.searchParams.get("status") ?? "open", page: url.searchParams.get("page") ?? 1 });
  return { query, search: url.search, ...(await listChargebacks(actor, query)) };
}

export default function AdminChargebacks() {
  const { query, search, rows, total, pageSize } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Card disputes"
        description="Chargebacks of advertisers' top-ups. Each takes the disputed amount and Stripe's fee from the wallet and pauses the advertiser's orders; submit evidence before the deadline, and resume the orders once the bank decides."
      />
      <nav className="status-tabs" aria-label="Card disputes by status">
        {CHARGEBACK_STATUS_FILTERS.map((s) => (
          <Link key={s} to={withParam(withParam(search, "status", s), "page", null)} aria-current={query.status === s ? "page" : undefined}>
            {FILTER_LABELS[s]}
          </Link>
        ))}
      </nav>
      <section className="card">
        <DataTable
          rows={rows}
          stackOnPhone
          testId="chargebacks"
          empty={<EmptyState title="No card disputes here" />}
          head={
            <>
              <th>Opened</th>
              <th>Advertiser</th>
              <th className="num">Disputed</th>
              <th>Reason</th>
              <th>Status</th>
              <th>Evidence due</th>
            </>
          }
          row={(c) => (
            <tr key={c.id}>
              <td data-label="Opened" className="nowrap">
                <Link to={`/admin/chargebacks/${c.id}`}>{formatDateTime(c.createdAt)}</Link>
              </td>
              <td data-label="Advertiser">
                <Link to={`/admin/billing/${c.advertiser.id}`}>{c.advertiser.name}</Link>
              </td>
              <td data-label="Disputed" className="num">
                {formatMoney(c.amountCents, c.currency)}
              </td>
              <td data-label="Reason">{c.reason.replaceAll("_", " ")}</td>
              <td data-label="Status">{c.status.replaceAll("_", " ")}</td>
              <td data-label="Evidence due" className="nowrap">
                {c.evidenceSubmittedAt ? "submitted" : formatDate(c.evidenceDueBy)}
              </td>
            </tr>
          )}
        />
        <Pager page={query.page} pageSize={pageSize} total={total} hrefFor={(p) => withParam(search, "page", p)} label="Card dispute pages" />
      </section>
    </>
  );
}
