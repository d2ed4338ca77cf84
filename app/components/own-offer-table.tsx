import { Link } from "@remix-run/react";
import { DataTable } from "./data-table";
import { humanize } from "./format";
import { OfferPayout, type OfferPayoutData } from "./offer-payout";
import { EmptyState } from "./portal-shell";
import { StatusBadge } from "./status-badge";

// The affiliate's offers: status, asking price with the fee and payout, recent leads, open orders.

export interface OwnOfferRow {
  id: string;
  title: string;
  vertical: string;
  pricingModel: string;
  status: string;
  unlisted: boolean;
  payout: OfferPayoutData;
  leadCount: number;
  leadsLast30Days: number;
  openOrderCount: number;
}

/** `filtered`: the list is narrowed by a search or filter, so an empty one says that rather than "no offers yet". */
export function OwnOfferTable({ offers, filtered = false }: { offers: readonly OwnOfferRow[]; filtered?: boolean }) {
  return (
    <DataTable
      rows={offers}
      stackOnPhone
      testId="own-offers"
      empty={
        filtered ? (
          <EmptyState title="No offers match these filters" />
        ) : (
          <EmptyState title="No offers yet">
            <Link to="/affiliate/offers/new">Create your first offer</Link>, then <Link to="/affiliate/send-leads">send leads</Link> to it.
          </EmptyState>
        )
      }
      head={
        <>
          <th>Offer</th>
          <th>Status</th>
          <th>Price, fee and payout</th>
          <th className="num">Leads (30 days)</th>
          <th className="num">Leads (all)</th>
          <th className="num">Open orders</th>
        </>
      }
      row={(o) => (
        <tr key={o.id}>
          <td data-label="Offer">
            <Link to={`/affiliate/offers/${o.id}`}>{o.title}</Link>
            <div className="muted small">
              {humanize(o.vertical)} · <span className="tag">{o.pricingModel}</span>
            </div>
          </td>
          <td data-label="Status">
            <StatusBadge status={o.status} />
            {o.unlisted ? <span className="badge badge-danger">unlisted</span> : null}
          </td>
          <td data-label="Price">
            <OfferPayout payout={o.payout} compact />
          </td>
          <td className="num" data-label="Leads (30 days)">
            {o.leadsLast30Days}
          </td>
          <td className="num" data-label="Leads (all)">
            {o.leadCount}
          </td>
          <td className="num" data-label="Open orders">
            {o.openOrderCount}
          </td>
        </tr>
      )}
    />
  );
}
