import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { offerPriceText } from "~/components/offer-terms";
import { EmptyState, PageHeader, StatCard } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { advertiserHomeView } from "~/modules/orders/order-list-views.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return advertiserHomeView(actor);
}

export default function AdvertiserDashboard() {
  const { balanceCents, openOrders, latestLeads, boughtCount } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Dashboard"
        actions={
          <Link to="/advertiser/marketplace" className="button">
            Browse the marketplace
          </Link>
        }
      />
      <div className="stats">
        <StatCard label="Wallet balance" value={formatMoney(balanceCents, DEFAULT_CURRENCY)}>
          <Link to="/advertiser/billing" className="small">
            Top up
          </Link>
        </StatCard>
        <StatCard label="Open orders" value={openOrders.length} />
        <StatCard label="Leads bought" value={boughtCount} />
      </div>
      {balanceCents <= 0 && openOrders.length > 0 ? (
        <div className="alert alert-warning">
          Your wallet is empty, so your open orders cannot buy leads. <Link to="/advertiser/billing">Top up</Link>.
        </div>
      ) : null}
      <div className="grid-2">
        <section className="card">
          <h2>Open orders</h2>
          <DataTable
            stackOnPhone
            rows={openOrders}
            empty={
              <EmptyState title="No open orders">
                Find an offer in the <Link to="/advertiser/marketplace">marketplace</Link> and open an order.
              </EmptyState>
            }
            head={
              <>
                <th>Offer</th>
                <th className="num">Price or terms</th>
                <th className="num">Daily cap</th>
                <th className="num">Bought</th>
              </>
            }
            row={(o) => (
              <tr key={o.id}>
                <td data-label="Offer">{o.offerTitle}</td>
                <td data-label="Price or terms" className="num">
                  <span className="tag">{o.pricingModel}</span> {o.offerTerms ? offerPriceText(o.offerTerms) : formatMoney(o.priceCents, o.currency)}
                </td>
                <td data-label="Daily cap" className="num">
                  {o.dailyCap ?? "—"}
                </td>
                <td data-label="Bought" className="num">
                  {o.bought}
                </td>
              </tr>
            )}
          />
          <p>
            <Link to="/advertiser/orders">All orders →</Link>
          </p>
        </section>
        <section className="card">
          <h2>Latest leads</h2>
          {latestLeads.length === 0 ? (
            <EmptyState title="No leads bought yet">Leads that match your open orders appear here as they are sold.</EmptyState>
          ) : (
            <ul className="lead-list">
              {latestLeads.map((l) => (
                <li key={l.leadId}>
                  <Link to={`/advertiser/leads/${l.leadId}`}>
                    <strong>{l.name || l.email || "Lead"}</strong>
                  </Link>
                  <span className="muted small">
                    {l.offerTitle} · {formatMoney(l.priceCents, l.currency)} · {formatDateTime(l.soldAt)}
                  </span>
                  <StatusBadge status="sold" />
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link to="/advertiser/leads">All leads →</Link>
          </p>
        </section>
      </div>
    </>
  );
}
