import { formatDate, formatDateTime } from "./format";
import { StatusBadge } from "./status-badge";
import { formatMoney } from "~/utils/money";

// How a conversion reads in the advertiser's portal: what it was, what it costs, its state and
// dates, and whether the affiliate was told (its `converted` postback).

export interface ConversionView {
  kind: "ACTION" | "SALE";
  event: string | null;
  eventLabel: string | null;
  saleAmountCents: number | null;
  reversedSaleCents: number;
  currency: string;
  payoutCents: number;
  reversedPayoutCents: number;
  status: string;
  reasonCode: string | null;
  reason: string | null;
  occurredAt: Date | string;
  billedAt: Date | string | null;
  holdUntil: Date | string | null;
  lockAt: Date | string | null;
  lockedAt: Date | string | null;
  affiliateNotice: { status: string; at: Date | string | null } | null;
}

/** "Loan funded (funded)" or "Sale of $125.50", with what was refunded of a sale. */
export function ConversionWhat({ c }: { c: ConversionView }) {
  if (c.kind === "ACTION") {
    return (
      <>
        {c.eventLabel && c.eventLabel !== c.event ? `${c.eventLabel} ` : ""}
        <code>{c.event}</code>
      </>
    );
  }
  return (
    <>
      {`Sale of ${formatMoney(c.saleAmountCents ?? 0, c.currency)}`}
      {c.reversedSaleCents > 0 ? <span className="muted small block">{`${formatMoney(c.reversedSaleCents, c.currency)} refunded`}</span> : null}
    </>
  );
}

/** What it costs now, and what was reversed of it. */
export function ConversionPayout({ c }: { c: ConversionView }) {
  return (
    <>
      {formatMoney(c.payoutCents, c.currency)}
      {c.reversedPayoutCents > 0 ? <span className="muted small block">{`−${formatMoney(c.reversedPayoutCents, c.currency)} reversed`}</span> : null}
    </>
  );
}

const REASON_WORDS: Record<string, string> = {
  awaiting_funds: "Waiting for funds",
  held_by_rule: "Held by your rule",
  rejected_by_rule: "Rejected by your rule",
  rejected_by_advertiser: "Rejected by you",
  fraud: "Marked as fraud",
};

/** The status pill and, below it, why (the reason code in words, then the reason). */
export function ConversionStatus({ c }: { c: ConversionView }) {
  const why = c.reasonCode ? (REASON_WORDS[c.reasonCode] ?? c.reasonCode) : null;
  const words = [why, c.reason && c.reason !== why ? c.reason : null].filter(Boolean).join(": ");
  return (
    <>
      <StatusBadge status={c.status} />
      {words ? <span className="muted small block">{words}</span> : null}
      {c.status === "HELD" && c.holdUntil ? <span className="muted small block">{`until ${formatDateTime(c.holdUntil)}`}</span> : null}
    </>
  );
}

/** Occurred, billed and lock dates stacked in one cell. */
export function ConversionDates({ c }: { c: ConversionView }) {
  return (
    <span className="date-stack">
      <span>Occurred {formatDate(c.occurredAt)}</span>
      <span className="muted">Billed {c.billedAt ? formatDate(c.billedAt) : "—"}</span>
      <span className="muted">
        {c.lockedAt ? "Locked" : "Locks on"} {formatDate(c.lockedAt ?? c.lockAt)}
      </span>
    </span>
  );
}

/** Whether the affiliate's `converted` postback went out. */
export function AffiliateNotice({ c }: { c: ConversionView }) {
  const notice = c.affiliateNotice;
  if (!notice) return <span className="muted">—</span>;
  if (notice.status === "DELIVERED") return <span className="notice-ok">{`Affiliate notified ${formatDateTime(notice.at)}`}</span>;
  if (notice.status === "FAILED") return <span className="notice-failed">Postback failed</span>;
  return <span className="muted">Notifying…</span>;
}
