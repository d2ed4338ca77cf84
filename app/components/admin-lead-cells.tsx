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
      <td className="nowrap">{formatDateTime(lead.receivedAt)}</td>
      <td>
        <Link to={`/admin/leads/${lead.id}`}>
          <code>{lead.externalId}</code>
        </Link>
      </td>
      <td>{lead.offerTitle}</td>
      <td>{lead.affiliateName}</td>
      <td>
        <QualityBadges score={lead.qualityScore} temperature={lead.temperature} />
      </td>
    </>
  );
}
