import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { humanize } from "~/components/format";
import { offerPriceText } from "~/components/offer-terms";
import { EmptyState, PageHeader, StatCard } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { offerEvents } from "~/modules/conversions/conversion-terms";
import { getEarningsSummary } from "~/modules/earnings/earnings-queries.server";
import { listOwnOffers } from "~/modules/offers/offers.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { centsToNumber } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const [earnings, offers] = await Promise.all([getEarningsSummary(actor), listOwnOffers(actor)]);
  return {
    heldCents: centsToNumber(earnings.heldCents),
    availableCents: centsToNumber(earnings.availableCents),
    paidCents: centsToNumber(earnings.paidCents),
    offers: offers.map((o) => ({
      id: o.id,
      title: o.title,
      vertical: o.vertical,
      pricingModel: o.pricingModel,
      price: offerPriceText({ ...o, conversionEvents: offerEvents(o) }),
      status: o.status,
      leadCount: o._count.leads,
      openOrderCount: o._count.orders,
    })),
  };
}

export default function AffiliateDashboard() {
  const { heldCents, availableCents, paidCents, offers } = useLoaderData<typeof loader>();
  const leads = offers.reduce((n, o) => n + o.leadCount, 0);
  return (
    <>
      <PageHeader
        title="Dashboard"
        actions={
          <Link to="/affiliate/offers/new" className="button">
            New offer
          </Link>
        }
      />
      <div className="stats">
        <StatCard label="Held earnings" value={formatMoney(heldCents, DEFAULT_CURRENCY)} testId="held-earnings">
          <p className="muted small">
            Buyers may still return these leads. <Link to="/affiliate/earnings">When they become available</Link>
          </p>
        </StatCard>
        <StatCard label="Available" value={formatMoney(availableCents, DEFAULT_CURRENCY)} testId="available-earnings">
          <p className="muted small">Paid out in the next payout run.</p>
        </StatCard>
        <StatCard label="Paid" value={formatMoney(paidCents, DEFAULT_CURRENCY)} testId="paid-earnings">
          <p className="muted small">
            <Link to="/affiliate/payouts">Payouts</Link>
          </p>
        </StatCard>
        <StatCard label="Offers" value={offers.length} />
        <StatCard label="Leads received" value={leads} />
      </div>
      <section className="card">
        <h2>Your offers</h2>
        <DataTable
          stackOnPhone
          rows={offers}
          empty={
            <EmptyState title="No offers yet">
              <Link to="/affiliate/offers/new">Create your first offer</Link>, then post leads to it with an <Link to="/affiliate/api-keys">API key</Link>.
            </EmptyState>
          }
          head={
            <>
              <th>Offer</th>
              <th>Vertical</th>
              <th>Price</th>
              <th>Status</th>
              <th className="num">Leads</th>
              <th className="num">Open orders</th>
            </>
          }
          row={(o) => (
            <tr key={o.id}>
              <td data-label="Offer">
                <Link to={`/affiliate/offers/${o.id}`}>{o.title}</Link>
              </td>
              <td data-label="Vertical">{humanize(o.vertical)}</td>
              <td data-label="Price">
                <span className="tag">{o.pricingModel}</span> {o.price}
              </td>
              <td data-label="Status">
                <StatusBadge status={o.status} />
              </td>
              <td data-label="Leads" className="num">
                {o.leadCount}
              </td>
              <td data-label="Open orders" className="num">
                {o.openOrderCount}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
