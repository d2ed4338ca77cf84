import { Link } from "@remix-run/react";
import { formatDateTime } from "./format";
import { QualityBadges } from "./quality-badges";

// The first columns of every admin lead table (all leads, review queue): when, which lead, whose, how good.

export interface AdminLeadRow {
  id: string;
  externalId: string;
  receivedAt: string | Date;
  offerTitle: string;
  affiliateName: string;
  qualityScore: number | null;
  temperature: string | null;
}

export function AdminLeadHeadCells() {
  return (
    <>
      <th>Received</th>
      <th>Lead</th>
      <th>Offer</th>
      <th>Affiliate</th>
      <th>Quality</th>
    </>
  );
}

export function AdminLeadCells({ lead }: { lead: AdminLeadRow }) {
  return (
    <>
      <td data-label="Received" className="nowrap">
        {formatDateTime(lead.receivedAt)}
      </td>
      <td data-label="Lead">
        <Link to={`/admin/leads/${lead.id}`}>
          <code>{lead.externalId}</code>
        </Link>
      </td>
      <td data-label="Offer">{lead.offerTitle}</td>
      <td data-label="Affiliate">{lead.affiliateName}</td>
      <td data-label="Quality">
        <QualityBadges score={lead.qualityScore} temperature={lead.temperature} />
      </td>
    </>
  );
}
