import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDate, formatDateTime } from "~/components/format";
import { EmptyState, PageHeader, StatCard } from "~/components/portal-shell";
import { affiliateEarningsView } from "~/modules/earnings/earnings-views.server";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Earnings · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return affiliateEarningsView(actor, { before: new URL(request.url).searchParams.get("before") ?? undefined });
}

const BALANCE_LABEL = { held: "Held", available: "Available" } as const;

export default function AffiliateEarnings() {
  const data = useLoaderData<typeof loader>();
  const money = (cents: number) => formatMoney(cents, data.currency);
  return (
    <>
      <PageHeader
        title="Earnings"
        description="Earnings are held while buyers may still return the lead, then become available and are paid out through Stripe."
      />
      <div className="stats">
        <StatCard label="Held" value={money(data.heldCents)} testId="held-earnings" />
        <StatCard label="Available" value={money(data.availableCents)} testId="available-earnings">
          {data.availableCents < 0 ? <p className="muted small">You owe this after a clawback; it is recovered from your next earnings.</p> : null}
        </StatCard>
        <StatCard label="Paid" value={money(data.paidCents)} testId="paid-earnings">
          <p className="muted small">
            <Link to="/affiliate/payouts">Payouts</Link>
          </p>
        </StatCard>
      </div>
      <section className="card">
        <h2>When held earnings become available</h2>
        <DataTable
          stackOnPhone
          rows={data.heldSchedule}
          testId="held-schedule"
          empty={<p className="muted">Nothing is held right now.</p>}
          head={
            <>
              <th>Available from</th>
              <th className="num">Sales</th>
              <th className="num">Amount</th>
            </>
          }
          row={(r) => (
            <tr key={String(r.availableAt)}>
              <td data-label="Available from">{formatDate(r.availableAt)}</td>
              <td data-label="Sales" className="num">
                {r.lines}
              </td>
              <td data-label="Amount" className="num">
                {money(r.amountCents)}
              </td>
            </tr>
          )}
        />
      </section>
      <section className="card">
        <h2>Statement</h2>
        <DataTable
          stackOnPhone
          rows={data.statement}
          testId="earnings-statement"
          empty={<EmptyState title="No movements yet">Your earnings show here as soon as a lead of yours is sold.</EmptyState>}
          head={
            <>
              <th>When</th>
              <th>What happened</th>
              <th>Lead</th>
              <th>Balance</th>
              <th className="num">Amount</th>
            </>
          }
          row={(r) => (
            <tr key={r.id}>
              <td data-label="When" className="nowrap">
                {formatDateTime(r.at)}
              </td>
              <td data-label="What happened">{r.description}</td>
              <td data-label="Lead">{r.leadId ? <code>{r.leadId}</code> : <span className="muted">—</span>}</td>
              <td data-label="Balance">{BALANCE_LABEL[r.balance]}</td>
              <td data-label="Amount" className={`num ${r.amountCents < 0 ? "negative" : ""}`}>
                {money(r.amountCents)}
              </td>
            </tr>
          )}
        />
        <nav className="pager" aria-label="Statement pages">
          {!data.firstPage ? <Link to="/affiliate/earnings">Newest</Link> : null}
          {data.nextBefore ? <Link to={`/affiliate/earnings?before=${encodeURIComponent(data.nextBefore)}`}>Older movements</Link> : null}
        </nav>
      </section>
    </>
  );
}
