import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FirstRunGuide } from "~/components/first-run-guide";
import { OwnOfferTable } from "~/components/own-offer-table";
import { PageHeader, StatCard } from "~/components/portal-shell";
import { affiliateDashboardView } from "~/modules/earnings/earnings-views.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return affiliateDashboardView(actor);
}

export default function AffiliateDashboard() {
  const { heldCents, availableCents, paidCents, offers, guide } = useLoaderData<typeof loader>();
  const leads = offers.reduce((n, o) => n + o.leadCount, 0);
  return (
    <>
      <PageHeader
        title="Dashboard"
        actions={
          <>
            <Link to="/affiliate/send-leads" className="button button-ghost">
              Send leads
            </Link>
            <Link to="/affiliate/offers/new" className="button">
              New offer
            </Link>
          </>
        }
      />
      {guide.done ? null : <FirstRunGuide steps={guide} />}
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
        <StatCard label="Offers" value={offers.length}>
          <p className="muted small">
            <Link to="/affiliate/offers">All offers</Link>
          </p>
        </StatCard>
        <StatCard label="Leads received" value={leads} />
      </div>
      <section className="card">
        <h2>Your offers</h2>
        <OwnOfferTable offers={offers} />
      </section>
    </>
  );
}
