import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { humanize } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { getAffiliatePendingEarningsCents } from "~/modules/billing/balances.server";
import { listOwnOffers } from "~/modules/offers/offers.server";
import { formatMoney } from "~/utils/money";
import { centsToNumber } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const [pendingCents, offers] = await Promise.all([getAffiliatePendingEarningsCents(actor), listOwnOffers(actor)]);
  return {
    pendingEarningsCents: centsToNumber(pendingCents),
    offers: offers.map((o) => ({
      id: o.id,
      title: o.title,
      vertical: o.vertical,
      pricingModel: o.pricingModel,
      priceCents: o.priceCents,
      currency: o.currency,
      status: o.status,
      leadCount: o._count.leads,
      openOrderCount: o._count.orders,
    })),
  };
}

export default function AffiliateDashboard() {
  const { pendingEarningsCents, offers } = useLoaderData<typeof loader>();
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
        <div className="card stat">
          <p className="stat-label">Pending earnings</p>
          <p className="stat-value" data-testid="pending-earnings">
            {formatMoney(pendingEarningsCents, "usd")}
          </p>
          <p className="muted small">Earned from sold leads, not yet paid out.</p>
        </div>
        <div className="card stat">
          <p className="stat-label">Offers</p>
          <p className="stat-value">{offers.length}</p>
        </div>
        <div className="card stat">
          <p className="stat-label">Leads received</p>
          <p className="stat-value">{leads}</p>
        </div>
      </div>
      <section className="card">
        <h2>Your offers</h2>
        {offers.length === 0 ? (
          <EmptyState title="No offers yet">
            <Link to="/affiliate/offers/new">Create your first offer</Link>, then post leads to it with an{" "}
            <Link to="/affiliate/api-keys">API key</Link>.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Offer</th>
                  <th>Vertical</th>
                  <th>Price</th>
                  <th>Status</th>
                  <th className="num">Leads</th>
                  <th className="num">Open orders</th>
                </tr>
              </thead>
              <tbody>
                {offers.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <Link to={`/affiliate/offers/${o.id}`}>{o.title}</Link>
                    </td>
                    <td>{humanize(o.vertical)}</td>
                    <td>
                      {o.pricingModel} {formatMoney(o.priceCents, o.currency)}
                    </td>
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                    <td className="num">{o.leadCount}</td>
                    <td className="num">{o.openOrderCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
