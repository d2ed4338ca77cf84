// A coloured pill for a status word: lead statuses (received, accepted, rejected, sold, unsold ...),
// order statuses (open, paused, closed), top-up statuses (pending, paid, expired) and delivery
// statuses (pending, delivered, failed), payout statuses (pending, paid, failed, reversed),
// conversion statuses (approved, locked, fraud ...) and upload progress (checking, posting, done).

const TONES: Record<string, string> = {
  received: "info",
  accepted: "success",
  rejected: "danger",
  held: "warning",
  sold: "success-strong",
  unsold: "muted",
  returned: "warning",
  open: "success",
  paused: "warning",
  closed: "muted",
  active: "success",
  pending: "warning",
  paid: "success",
  expired: "muted",
  revoked: "muted",
  delivered: "success",
  failed: "danger",
  reversed: "danger",
  approved: "success",
  locked: "success-strong",
  fraud: "danger",
  checking: "info",
  posting: "info",
  done: "success",
  overdue: "danger",
};

export function StatusBadge({ status }: { status: string }) {
  const key = status.toLowerCase();
  return <span className={`badge badge-${TONES[key] ?? "muted"}`}>{key}</span>;
}

/** A lead's status and the reasons for it, as the two adjacent cells of a lead table row. */
export function LeadOutcomeCells({ status, reasons }: { status: string; reasons: readonly string[] }) {
  return (
    <>
      <td data-label="Status">
        <StatusBadge status={status} />
      </td>
      <td data-label="Reasons" className="reasons">
        {reasons.length > 0 ? reasons.join("; ") : <span className="muted">—</span>}
      </td>
    </>
  );
}
