/**
 * The watch's rules (docs/operations.md, "Conversion reconciliation"). An order is judged on the
 * leads delivered to it in the cohort (the `cohortDays` days that ended `maturityDays` ago), each
 * counted as converted when a conversion of it occurred within `maturityDays` of delivery, so
 * every lead had the same time to convert and orders, peers and history compare fairly.
 */
export const WATCH_RULES = {
  cohortDays: 30,
  maturityDays: 7,
  /** An order (and each peer) is judged from this many delivered leads. */
  minDelivered: 30,
  /** Peers: the other orders on the same offer; fewer than this and the offer's previous cohort is the baseline. */
  minPeers: 2,
  /** Flagged below this share of the baseline rate ... */
  lowRateFactor: 1 / 3,
  /** ... when so few conversions would happen by chance less often than this (binomial lower tail). */
  maxPValue: 0.01,
  /** A stream stops: conversions on `minActiveDays` of the `baselineDays` before the last `quietDays`, none since, while `minLeadsWhileQuiet` leads came. */
  baselineDays: 28,
  minActiveDays: 14,
  quietDays: 3,
  minLeadsWhileQuiet: 3,
} as const;

export const STUCK_KINDS = ["pending_past_lock", "waiting_reversals", "unconverted_deliveries"] as const;
export type StuckKind = (typeof STUCK_KINDS)[number];

export const STUCK_LABELS: Record<StuckKind, string> = {
  pending_past_lock: "Conversions pending past their lock",
  waiting_reversals: "Reversals waiting for a conversion that never came",
  unconverted_deliveries: "CPA/CPS leads with no conversion after the attribution window",
};

export const LEDGER_ITEM_LABELS: Record<LedgerItemKind, string> = {
  missing_in_ledger: "Missing in the ledger",
  missing_at_stripe: "Missing at Stripe",
  amount_differs: "Amount differs",
  unnamed_in_ledger: "Ledger cash naming no Stripe object",
};

export const LEDGER_ITEM_KINDS = ["missing_in_ledger", "missing_at_stripe", "amount_differs", "unnamed_in_ledger"] as const;
export type LedgerItemKind = (typeof LEDGER_ITEM_KINDS)[number];
