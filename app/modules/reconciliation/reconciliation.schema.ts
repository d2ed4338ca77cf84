import { z } from "zod";
import { LEDGER_ITEM_KINDS } from "./reconciliation.constants";
export * from "./reconciliation.constants";

// The stored report of a conversion reconciliation run (ReconciliationRun.report, kind
// "conversions"): the under-reporting watch's flags with the figures behind each, and the stuck
// states counted with a sample. Read through `conversionRunReportOf`, written from these types.

export const RECONCILIATION_KIND_CONVERSIONS = "conversions";

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

/** The "Run … now" button of the finance and reconciliation pages. */
export const runNowFormSchema = z.object({ intent: z.literal("run", "Choose what to do") });
