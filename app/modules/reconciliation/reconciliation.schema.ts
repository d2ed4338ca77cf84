import { z } from "zod";

// The stored report of a conversion reconciliation run (ReconciliationRun.report, kind
// "conversions"): the under-reporting watch's flags with the figures behind each, and the stuck
// states counted with a sample. Read through `conversionRunReportOf`, written from these types.

export const RECONCILIATION_KIND_CONVERSIONS = "conversions";

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

/** How stale a state must be before it counts as stuck. */
export const STUCK_RULES = {
  /** A reversal kept for a conversion that has not come for this long. */
  reversalWaitingDays: 1,
  /** Deliveries whose attribution window closed in this many days are listed (older ones are history). */
  closedWindowLookbackDays: 30,
} as const;

const orderRef = z.object({
  orderId: z.string(),
  offerId: z.string(),
  offerTitle: z.string(),
  advertiserId: z.string(),
  advertiserName: z.string(),
  affiliateId: z.string(),
  affiliateName: z.string(),
});

export const lowRateFlagSchema = orderRef.extend({
  kind: z.literal("low_rate"),
  delivered: z.number().int(),
  converted: z.number().int(),
  ratePct: z.number(),
  baselineRatePct: z.number(),
  baseline: z.enum(["peers", "offer_history"]),
  /** Peers' figures (baseline "peers") or the offer's previous cohort (baseline "offer_history"). */
  peers: z.array(z.object({ orderId: z.string(), advertiserName: z.string(), delivered: z.number().int(), converted: z.number().int() })),
  history: z.object({ delivered: z.number().int(), converted: z.number().int() }).nullable(),
  expectedConversions: z.number(),
  pValue: z.number(),
  cohort: z.object({ from: z.string(), to: z.string() }),
});

export const streamStoppedFlagSchema = orderRef.extend({
  kind: z.literal("stream_stopped"),
  activeDays: z.number().int(),
  baselineDays: z.number().int(),
  baselineConversions: z.number().int(),
  lastConversionAt: z.string().nullable(),
  quietDays: z.number().int(),
  leadsWhileQuiet: z.number().int(),
  expectedWhileQuiet: z.number(),
});

export const watchFlagSchema = z.discriminatedUnion("kind", [lowRateFlagSchema, streamStoppedFlagSchema]);
export type WatchFlag = z.infer<typeof watchFlagSchema>;
export type LowRateFlag = z.infer<typeof lowRateFlagSchema>;
export type StreamStoppedFlag = z.infer<typeof streamStoppedFlagSchema>;

export const affiliateRateSchema = z.object({
  affiliateId: z.string(),
  affiliateName: z.string(),
  orders: z.number().int(),
  delivered: z.number().int(),
  converted: z.number().int(),
  ratePct: z.number(),
  flaggedOrders: z.number().int(),
});
export type AffiliateRate = z.infer<typeof affiliateRateSchema>;

export const STUCK_KINDS = ["pending_past_lock", "waiting_reversals", "unconverted_deliveries"] as const;
export type StuckKind = (typeof STUCK_KINDS)[number];

export const STUCK_LABELS: Record<StuckKind, string> = {
  pending_past_lock: "Conversions pending past their lock",
  waiting_reversals: "Reversals waiting for a conversion that never came",
  unconverted_deliveries: "CPA/CPS leads with no conversion after the attribution window",
};

/** One stuck item as the report and the page show it. */
export const stuckItemSchema = z.object({
  id: z.string(),
  advertiserName: z.string(),
  what: z.string(),
  since: z.string(),
  leadId: z.string().nullable(),
  amountCents: z.number().int().nullable(),
});
export type StuckItem = z.infer<typeof stuckItemSchema>;

/** A stuck state: how many, and the oldest few (the page lists them all, page by page). */
const stuckSectionSchema = z.object({ count: z.number().int(), sample: z.array(stuckItemSchema) });

export const conversionRunReportSchema = z.object({
  generatedAt: z.string(),
  trigger: z.enum(["schedule", "admin"]),
  watch: z.object({ flags: z.array(watchFlagSchema), affiliates: z.array(affiliateRateSchema), ordersJudged: z.number().int() }),
  stuck: z.object({ pending_past_lock: stuckSectionSchema, waiting_reversals: stuckSectionSchema, unconverted_deliveries: stuckSectionSchema }),
  trueUpsAwaitingApproval: z.number().int(),
});
export type ConversionRunReport = z.infer<typeof conversionRunReportSchema>;

export function conversionRunReportOf(json: unknown): ConversionRunReport | null {
  const parsed = conversionRunReportSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

// The stored report of a ledger reconciliation run (ReconciliationRun.report, kind "ledger"): what
// the ledger and Stripe disagree on, per Stripe object, and whether the ledger's own invariants
// hold. Read through `ledgerRunReportOf`, written from these types. Amounts are integer cents
// (signed: money into Stripe positive), `differenceCents` = Stripe − ledger.

export const RECONCILIATION_KIND_LEDGER = "ledger";

export const LEDGER_ITEM_KINDS = ["missing_in_ledger", "missing_at_stripe", "amount_differs", "unnamed_in_ledger"] as const;
export type LedgerItemKind = (typeof LEDGER_ITEM_KINDS)[number];

export const LEDGER_ITEM_LABELS: Record<LedgerItemKind, string> = {
  missing_in_ledger: "Missing in the ledger",
  missing_at_stripe: "Missing at Stripe",
  amount_differs: "Amount differs",
  unnamed_in_ledger: "Ledger cash naming no Stripe object",
};

export const ledgerItemSchema = z.object({
  kind: z.enum(LEDGER_ITEM_KINDS),
  /** The balance transactions' `source` (ch_, re_, du_, tr_, trr_ ...); null for Stripe adjustments without one, or ledger entries naming none. */
  sourceId: z.string().nullable(),
  currency: z.string(),
  /** Stripe's balance transaction types for this source, or the ledger entries' kinds when Stripe has none. */
  types: z.array(z.string()),
  stripeCents: z.number().int().nullable(),
  ledgerCents: z.number().int().nullable(),
  differenceCents: z.number().int(),
  /** How many journal entries book this source. */
  entries: z.number().int(),
});
export type LedgerItem = z.infer<typeof ledgerItemSchema>;

export const floorBreachSchema = z.object({
  accountCode: z.string(),
  companyId: z.string().nullable(),
  companyName: z.string().nullable(),
  balanceCents: z.number().int(),
  floorCents: z.number().int(),
  /** What recorded chargebacks (wallets) explain of the shortfall; a clawback explains any negative available balance. */
  explainedCents: z.number().int(),
});
export type FloorBreach = z.infer<typeof floorBreachSchema>;

export const cashCheckSchema = z.object({
  currency: z.string(),
  ledgerCents: z.number().int(),
  /** Stripe's available + pending balance. */
  stripeCents: z.number().int(),
  differenceCents: z.number().int(),
});
export type CashCheck = z.infer<typeof cashCheckSchema>;

/** Stored items are capped (the count is kept): a run that finds this much has found enough. */
export const LEDGER_ITEMS_STORED = 1000;

export const ledgerRunReportSchema = z.object({
  generatedAt: z.string(),
  trigger: z.enum(["schedule", "admin"]),
  stripe: z.object({ balanceTransactions: z.number().int(), sources: z.number().int() }),
  ledger: z.object({ namedSources: z.number().int() }),
  items: z.array(ledgerItemSchema),
  itemCount: z.number().int(),
  unbalancedEntries: z.array(z.object({ entryId: z.string(), sumCents: z.number().int() })),
  belowFloor: z.array(floorBreachSchema),
  /** Accounts below their floor that a recorded chargeback or clawback explains (not findings). */
  explainedBelowFloor: z.number().int(),
  cash: z.array(cashCheckSchema),
});
export type LedgerRunReport = z.infer<typeof ledgerRunReportSchema>;

export function ledgerRunReportOf(json: unknown): LedgerRunReport | null {
  const parsed = ledgerRunReportSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
