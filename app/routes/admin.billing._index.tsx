import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { Pager, withParam } from "~/components/pager";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { listAdvertiserBilling } from "~/modules/billing/admin-billing.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";
import { advertiserBillingQuerySchema } from "~/modules/billing/billing.schema";

export const meta: MetaFunction = () => [{ title: "Billing · Admin · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const url = new URL(request.url);
  const query = advertiserBillingQuerySchema.parse({ q: url.searchParams.get("q") ?? "", page: url.searchParams.get("page") ?? 1 });
  return { query, search: url.search, ...(await listAdvertiserBilling(actor, query)) };
}

export default function AdminBilling() {
  const { query, search, rows, total, pageSize } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Billing"
        description="Advertisers' wallets, what they topped up and what can be refunded to their cards. Open one to refund unused balance."
        actions={
          <Link to="/admin/chargebacks" className="button button-ghost">
            Card disputes
          </Link>
        }
      />
      <Form method="get" className="filter-bar card">
        <div className="field">
          <label htmlFor="f-q">Advertiser</label>
          <input id="f-q" name="q" defaultValue={query.q} placeholder="Name contains" maxLength={200} />
        </div>
        <button type="submit" className="button">
          Filter
        </button>
      </Form>
      <section className="card">
        <DataTable
          rows={rows}
          stackOnPhone
          testId="advertiser-billing"
          empty={<EmptyState title="No advertisers match" />}
          head={
            <>
              <th>Advertiser</th>
              <th className="num">Wallet</th>
              <th className="num">Top-ups</th>
              <th className="num">Refundable</th>
              <th>Card dispute</th>
            </>
          }
          row={(r) => (
            <tr key={r.id}>
              <td data-label="Advertiser">
                <Link to={`/admin/billing/${r.id}`}>{r.name}</Link>
              </td>
              <td data-label="Wallet" className="num">
                {formatMoney(r.walletCents, DEFAULT_CURRENCY)}
              </td>
              <td data-label="Top-ups" className="num">
                {`${formatMoney(r.toppedUpCents, DEFAULT_CURRENCY)} (${r.topUpCount})`}
              </td>
              <td data-label="Refundable" className="num">
                {formatMoney(r.refundableCents, DEFAULT_CURRENCY)}
              </td>
              <td data-label="Card dispute">{r.chargebackHold ? <span className="tag">orders held</span> : "—"}</td>
            </tr>
          )}
        />
        <Pager page={query.page} pageSize={pageSize} total={total} hrefFor={(p) => withParam(search, "page", p)} label="Advertisers pages" />
      </section>
    </>
  );
}
