import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { offerPriceText } from "~/components/offer-terms";
import { EmptyState, PageHeader, StatCard } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { getAdvertiserBalanceCents } from "~/modules/billing/balances.server";
import { listBoughtLeads } from "~/modules/leads/lead-queries.server";
import { offerEvents } from "~/modules/conversions/conversion-terms";
import { listOwnOrders } from "~/modules/orders/orders.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { centsToNumber } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

const LATEST = 5;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const [balanceCents, orders, leads] = await Promise.all([getAdvertiserBalanceCents(actor), listOwnOrders(actor), listBoughtLeads(actor)]);
  return {
    balanceCents: centsToNumber(balanceCents),
    openOrders: orders
      .filter((o) => o.status === "OPEN")
      .map((o) => ({
        id: o.id,
        offerTitle: o.offer.title,
        pricingModel: o.offer.pricingModel,
        // CPA/CPS orders pay the offer's terms per conversion, not a price per lead.
        price: o.offer.pricingModel === "CPL" ? formatMoney(o.priceCents, o.currency) : offerPriceText({ ...o.offer, conversionEvents: offerEvents(o.offer) }),
        dailyCap: o.dailyCap,
        bought: o._count.sales,
      })),
    latestLeads: leads.slice(0, LATEST).map((l) => ({
      leadId: l.leadId,
      name: [l.fields.first_name, l.fields.last_name].filter(Boolean).join(" "),
      email: l.fields.email ?? null,
      offerTitle: l.offerTitle,
      priceCents: l.priceCents,
      currency: l.currency,
      soldAt: l.soldAt,
    })),
    boughtCount: leads.length,
  };
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
                  <span className="tag">{o.pricingModel}</span> {o.price}
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
