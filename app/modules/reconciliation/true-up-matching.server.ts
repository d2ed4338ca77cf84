import type { ConversionStatus } from "~/generated/prisma/client";
import { checkWhen } from "~/modules/conversions/conversion-intake.server";
import { ConversionRefusedError } from "~/modules/conversions/conversion-errors";
import { conversionPrice, conversionTermsOf, type ConversionTerms, type TermsOffer } from "~/modules/conversions/conversion-terms";
import { markOutboxProcessed } from "~/modules/outbox/outbox.server";
import { TRUE_UP_QUEUE, trueUpJobKey } from "~/queues/true-up.queue.server";
import { prisma, type Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { DEFAULT_CURRENCY, formatMoney, proportionOfCents } from "~/utils/money";
import type { LeadexSide, TrueUpAction, TrueUpReasonCode, TrueUpRowOutcome, TrueUpSummary } from "./true-up.schema";

// Matching a true-up (the worker): the advertiser's list against the conversions Leadex recorded
// for it, in bulk. A fixed number of statements whatever the size of the list: duplicates are
// marked with a window function, every row is joined to its conversion by (advertiser, id) in
// one UPDATE, rows that agree are marked matched in one more, and the conversions of the period
// missing from the list are inserted by one INSERT … SELECT. Only the rows that differ (and the
// late ones) are read into Node, judged by the conversions' own terms, and written back with
// one UPDATE … FROM unnest(…) per 10,000 rows. Everything runs in one transaction: a retried job
// finds the true-up either untouched or reconciled.

const WRITE_CHUNK = 10_000;
/** A 200,000-row list is matched in one transaction: give it time. */
const RECONCILE_TIMEOUT_MS = 600_000;

/** The statuses of a conversion Leadex counts as recorded (billed, or about to be). */
const LIVE_STATUSES: ConversionStatus[] = ["RECEIVED", "HELD", "PENDING", "APPROVED", "LOCKED"];
const LIVE_SQL = LIVE_STATUSES.map((s) => `'${s}'`).join(", ");

interface Verdict {
  id: string;
  outcome: TrueUpRowOutcome;
  action: TrueUpAction;
  payoutDeltaCents: number;
  reasonCode: TrueUpReasonCode | null;
  reason: string | null;
  leadex: LeadexSide | null;
}

export type ReconcileOutcome = "reconciled" | "nothing_to_do";

/** Matches one true-up; safe to run again (a reconciled true-up is left as it is). */
export async function reconcileTrueUp(trueUpId: string, now: Date = new Date()): Promise<ReconcileOutcome> {
  try {
    return await prisma.$transaction((tx) => reconcileLocked(tx, trueUpId, now), { timeout: RECONCILE_TIMEOUT_MS, maxWait: 10_000 });
  } catch (error) {
    // A list that cannot be matched is marked so (an admin reads why); the job still fails, and
    // a retry that succeeds clears it.
    await prisma.trueUp.updateMany({ where: { id: trueUpId, status: "UPLOADED" }, data: { error: (error as Error).message.slice(0, 1000) } });
    throw error;
  }
}

async function reconcileLocked(tx: Tx, trueUpId: string, now: Date): Promise<ReconcileOutcome> {
  const [head] = await tx.$queryRaw<Array<{ status: string; advertiserId: string; periodStart: Date; periodEnd: Date }>>`
    SELECT status::text, "advertiserId", "periodStart", "periodEnd" FROM "TrueUp" WHERE id = ${trueUpId} FOR UPDATE`;
  await markOutboxProcessed(tx, TRUE_UP_QUEUE, trueUpJobKey(trueUpId, "reconcile"));
  if (!head || head.status !== "UPLOADED") return "nothing_to_do";
  const { advertiserId, periodStart, periodEnd } = head;

  // 1. A conversion id listed twice: the first row counts, the others are refused.
  await tx.$executeRawUnsafe(
    `UPDATE "TrueUpRow" r SET outcome = 'REFUSED', action = 'refuse', "reasonCode" = 'duplicate_row',
       reason = 'Conversion ' || r."externalId" || ' is listed again: first on row ' || d.first
     FROM (SELECT id, min("rowNumber") OVER (PARTITION BY "externalId") AS first,
                  row_number() OVER (PARTITION BY "externalId" ORDER BY "rowNumber") AS n
           FROM "TrueUpRow" WHERE "trueUpId" = $1 AND outcome = 'PENDING') d
     WHERE r.id = d.id AND d.n > 1`,
    trueUpId,
  );
  // 2. Each row to the conversion Leadex recorded under the same id, whatever its date.
  await tx.$executeRawUnsafe(
    `UPDATE "TrueUpRow" r SET "conversionId" = c.id FROM "Conversion" c
     WHERE r."trueUpId" = $1 AND r.outcome = 'PENDING' AND c."advertiserId" = $2 AND c."externalId" = r."externalId"`,
    trueUpId,
    advertiserId,
  );
  // 3. Rows that agree with their conversion (a field the list leaves empty agrees).
  await tx.$executeRawUnsafe(
    `UPDATE "TrueUpRow" r SET outcome = 'MATCHED', action = 'none' FROM "Conversion" c
     WHERE r."trueUpId" = $1 AND r.outcome = 'PENDING' AND c.id = r."conversionId" AND c.status IN (${LIVE_SQL})
       AND (r."leadId" IS NULL OR r."leadId" = c."leadId") AND (r.currency IS NULL OR r.currency = c.currency)
       AND CASE WHEN c.kind = 'ACTION' THEN r.event IS NULL OR r.event = c.event
                ELSE r."saleAmountCents" IS NULL OR r."saleAmountCents" = c."saleAmountCents" - c."reversedSaleCents" END`,
    trueUpId,
  );
  // 4. Rows that differ from their conversion.
  const differing = await tx.$queryRawUnsafe<LinkedRow[]>(
    `SELECT r.id, r."leadId" AS "rowLeadId", r.event AS "rowEvent", r."saleAmountCents" AS "rowAmountCents", r.currency AS "rowCurrency",
            c."externalId", c."leadId", c.kind::text, c.status::text, c.event, c."saleAmountCents", c."reversedSaleCents", c."payoutCents",
            c."reversedPayoutCents", c.currency, c.terms, c."lockAt", c."occurredAt"
     FROM "TrueUpRow" r JOIN "Conversion" c ON c.id = r."conversionId"
     WHERE r."trueUpId" = $1 AND r.outcome = 'PENDING'`,
    trueUpId,
  );
  await writeVerdicts(
    tx,
    differing.map((row) => judgeDiffering(row, now)),
  );
  // 5. Rows Leadex has no conversion for: late postbacks, recorded if they still could be.
  const late = await tx.$queryRawUnsafe<LateRow[]>(
    `SELECT r.id, r."externalId", r."leadId", r.event, r."saleAmountCents", r.currency, r."occurredAt",
            (l.id IS NOT NULL) AS "leadExists", s."soldAt", s."pricingModel"::text AS "salePricingModel",
            o."pricingModel"::text AS "pricingModel", o.currency AS "offerCurrency", o."conversionEvents", o."salePercentBps", o."priceCents",
            o."saleMinCents", o."saleMaxCents", o."attributionWindowDays", o."lockPeriodDays", o."allowsLockedAdjustments"
     FROM "TrueUpRow" r
     LEFT JOIN "Lead" l ON l.id = r."leadId"
     LEFT JOIN LATERAL (SELECT ls."soldAt", ls."pricingModel", ls."orderId" FROM "LeadSale" ls
                        WHERE ls."leadId" = r."leadId" AND ls."advertiserId" = $2 ORDER BY ls."soldAt" LIMIT 1) s ON true
     LEFT JOIN "Order" ord ON ord.id = s."orderId"
     LEFT JOIN "Offer" o ON o.id = ord."offerId"
     WHERE r."trueUpId" = $1 AND r.outcome = 'PENDING' AND r."conversionId" IS NULL`,
    trueUpId,
    advertiserId,
  );
  const feeBps = getEnv().PLATFORM_FEE_BPS;
  await writeVerdicts(
    tx,
    late.map((row) => judgeLate(row, { periodStart, periodEnd }, feeBps, now)),
  );
  // 6. Conversions of the period the list does not have: reversed if still open, else disputed.
  await tx.$executeRawUnsafe(
    `INSERT INTO "TrueUpRow" (id, "trueUpId", "rowNumber", "externalId", "leadId", event, "saleAmountCents", currency, "occurredAt",
                              outcome, "conversionId", action, "payoutDeltaCents", "reasonCode", reason, proposal)
     SELECT 'tu' || md5(c.id || $1), $1, NULL, c."externalId", c."leadId", NULL, NULL, NULL, NULL, 'ONLY_LEADEX', c.id,
            CASE WHEN locked THEN 'dispute' ELSE 'reverse' END,
            -(c."payoutCents" - c."reversedPayoutCents"),
            CASE WHEN locked THEN 'conversion_locked' END,
            CASE WHEN locked THEN 'Locked since ' || to_char(COALESCE(c."lockedAt", c."lockAt"), 'YYYY-MM-DD') || ': it can no longer be reversed; a dispute settles it'
                 ELSE 'Not in the advertiser''s list: reversed if approved' END,
            json_build_object('status', lower(c.status::text), 'event', c.event, 'saleAmountCents', c."saleAmountCents" - c."reversedSaleCents",
                              'payoutCents', c."payoutCents" - c."reversedPayoutCents", 'locked', locked,
                              'occurredAt', to_char(c."occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
     FROM (SELECT *, (status = 'LOCKED' OR "lockAt" <= $5) AS locked FROM "Conversion"
           WHERE "advertiserId" = $2 AND "occurredAt" >= $3 AND "occurredAt" < $4 AND status IN (${LIVE_SQL})) c
     WHERE NOT EXISTS (SELECT 1 FROM "TrueUpRow" r WHERE r."trueUpId" = $1 AND r."externalId" = c."externalId")`,
    trueUpId,
    advertiserId,
    periodStart,
    periodEnd,
    now,
  );
  const summary = await summarise(tx, trueUpId, advertiserId, periodStart, periodEnd);
  await tx.trueUp.update({ where: { id: trueUpId }, data: { status: "RECONCILED", reconciledAt: now, summary, error: null } });
  return "reconciled";
}

// ---- judging the rows that differ ---------------------------------------------------------------

interface LinkedRow {
  id: string;
  rowLeadId: string | null;
  rowEvent: string | null;
  rowAmountCents: number | null;
  rowCurrency: string | null;
  externalId: string;
  leadId: string;
  kind: "ACTION" | "SALE";
  status: ConversionStatus;
  event: string | null;
  saleAmountCents: number | null;
  reversedSaleCents: number;
  payoutCents: number;
  reversedPayoutCents: number;
  currency: string;
  terms: ConversionTerms;
  lockAt: Date | null;
  occurredAt: Date;
}

const CLOSED = new Set<ConversionStatus>(["REJECTED", "REVERSED", "FRAUD"]);

function leadexSideOfRow(row: LinkedRow, locked: boolean): LeadexSide {
  return {
    status: row.status.toLowerCase(),
    event: row.event,
    saleAmountCents: row.saleAmountCents === null ? null : row.saleAmountCents - row.reversedSaleCents,
    payoutCents: CLOSED.has(row.status) ? 0 : row.payoutCents - row.reversedPayoutCents,
    locked,
    occurredAt: row.occurredAt.toISOString(),
  };
}

/** What a differing row means: a proposal (adjust, reverse), a dispute, or a refusal, with the payout difference. */
export function judgeDiffering(row: LinkedRow, now: Date): Verdict {
  const locked = row.status === "LOCKED" || (row.lockAt !== null && row.lockAt <= now);
  const leadex = leadexSideOfRow(row, locked);
  const verdict = (
    outcome: TrueUpRowOutcome,
    action: TrueUpAction,
    payoutDeltaCents: number,
    reasonCode: TrueUpReasonCode | null,
    reason: string | null,
  ): Verdict => ({
    id: row.id,
    outcome,
    action,
    payoutDeltaCents,
    reasonCode,
    reason,
    leadex,
  });
  if (row.rowLeadId !== null && row.rowLeadId !== row.leadId) {
    return verdict("REFUSED", "refuse", 0, "lead_differs", `Leadex has conversion ${row.externalId} on lead ${row.leadId}, not ${row.rowLeadId}`);
  }
  if (row.rowCurrency !== null && row.rowCurrency !== row.currency) {
    return verdict(
      "REFUSED",
      "refuse",
      0,
      "currency_mismatch",
      `Conversion ${row.externalId} is paid in ${row.currency.toUpperCase()}, not ${row.rowCurrency.toUpperCase()}`,
    );
  }
  const terms = row.terms;
  const money = (cents: number) => formatMoney(cents, row.currency);
  const current = leadex.payoutCents;
  // What the conversion would pay as the list has it.
  let listed: number;
  let what: string;
  let listedAmount: number | null = null;
  if (row.kind === "ACTION") {
    const event = row.rowEvent ?? row.event;
    const price = conversionPrice(terms, event, null);
    if (!price) {
      const paid = terms.events.map((e) => e.code).join(", ");
      return verdict("REFUSED", "refuse", 0, "unknown_event", `The offer pays for ${paid || "no events"}, not ${event}`);
    }
    listed = price.payoutCents;
    what = `event ${event} (Leadex: ${row.event})`;
  } else {
    const amount = row.rowAmountCents ?? leadex.saleAmountCents ?? 0;
    listedAmount = amount;
    listed = amount === 0 ? 0 : conversionPrice(terms, null, amount)!.payoutCents;
    what = `sale of ${money(amount)} (Leadex: ${money(leadex.saleAmountCents ?? 0)})`;
  }
  if (CLOSED.has(row.status)) {
    return verdict(
      "AMOUNT_DIFFERS",
      "dispute",
      listed,
      "conversion_closed",
      `Leadex has it ${leadex.status}: a closed conversion is not reopened; a dispute settles it`,
    );
  }
  if (locked && !terms.allowsLockedAdjustments) {
    return verdict(
      "AMOUNT_DIFFERS",
      "dispute",
      listed - current,
      "conversion_locked",
      `Listed as ${what}; locked, and the offer allows no adjustment after the lock: a dispute settles it`,
    );
  }
  if (listedAmount === 0) {
    return verdict("AMOUNT_DIFFERS", "reverse", -current, null, `Listed with a sale amount of 0: reversed if approved`);
  }
  if (row.kind === "SALE" && row.reversedSaleCents > 0) {
    const net = (row.saleAmountCents ?? 0) - row.reversedSaleCents;
    const amount = row.rowAmountCents ?? net;
    if (amount > net || locked) {
      return verdict(
        "AMOUNT_DIFFERS",
        "dispute",
        listed - current,
        "partly_reversed",
        `Listed as ${what}; the sale was partly reversed already: a dispute settles it`,
      );
    }
    // A further part reversed, in proportion to the whole sale (as every partial reversal).
    const sale = row.saleAmountCents ?? 0;
    const remainingPayout = row.payoutCents - proportionOfCents(row.payoutCents, sale - amount, sale);
    return verdict("AMOUNT_DIFFERS", "adjust", remainingPayout - current, null, `Listed as ${what}: ${money(net - amount)} more reversed if approved`);
  }
  return verdict("AMOUNT_DIFFERS", "adjust", listed - current, null, `Listed as ${what}: payout ${money(current)} → ${money(listed)} if approved`);
}

// ---- judging late rows ----------------------------------------------------------------------------

interface LateRow {
  id: string;
  externalId: string;
  leadId: string | null;
  event: string | null;
  saleAmountCents: number | null;
  currency: string | null;
  occurredAt: Date | null;
  leadExists: boolean;
  soldAt: Date | null;
  salePricingModel: string | null;
  pricingModel: TermsOffer["pricingModel"] | null;
  offerCurrency: string | null;
  conversionEvents: unknown;
  salePercentBps: number | null;
  priceCents: number | null;
  saleMinCents: number | null;
  saleMaxCents: number | null;
  attributionWindowDays: number | null;
  lockPeriodDays: number | null;
  allowsLockedAdjustments: boolean | null;
}

/** A row Leadex has no conversion for: proposed to be recorded when the intake would take it, else refused with why. */
export function judgeLate(row: LateRow, period: { periodStart: Date; periodEnd: Date }, feeBps: number, now: Date): Verdict {
  const refuse = (reasonCode: TrueUpReasonCode, reason: string): Verdict => ({
    id: row.id,
    outcome: "ONLY_ADVERTISER",
    action: "refuse",
    payoutDeltaCents: 0,
    reasonCode,
    reason,
    leadex: null,
  });
  if (!row.leadId) return refuse("invalid_fields", "lead_id: Leadex has no such conversion; send the Leadex lead id to have it recorded");
  if (!row.occurredAt) return refuse("invalid_fields", "occurred_at: say when it happened; a late conversion is recorded with its own date");
  if (row.occurredAt < period.periodStart || row.occurredAt >= period.periodEnd) {
    return refuse("outside_period", `Dated ${row.occurredAt.toISOString()}, outside the true-up's period`);
  }
  if (!row.leadExists) return refuse("unknown_lead", `No lead ${row.leadId} exists at Leadex`);
  if (!row.soldAt || !row.pricingModel) return refuse("lead_not_bought", `You did not buy lead ${row.leadId}`);
  if (row.salePricingModel === "CPL" || row.pricingModel === "CPL") {
    return refuse("not_billed_on_conversions", `Lead ${row.leadId} was bought on CPL terms: it was paid when bought`);
  }
  const terms = conversionTermsOf(
    {
      pricingModel: row.pricingModel,
      currency: row.offerCurrency ?? DEFAULT_CURRENCY,
      conversionEvents: row.conversionEvents as TermsOffer["conversionEvents"],
      salePercentBps: row.salePercentBps,
      priceCents: row.priceCents ?? 0,
      saleMinCents: row.saleMinCents,
      saleMaxCents: row.saleMaxCents,
      attributionWindowDays: row.attributionWindowDays ?? 30,
      lockPeriodDays: row.lockPeriodDays ?? 14,
      allowsLockedAdjustments: row.allowsLockedAdjustments ?? false,
    },
    feeBps,
  );
  if (row.currency !== null && row.currency !== terms.currency) {
    return refuse("currency_mismatch", `This offer is paid in ${terms.currency.toUpperCase()}, not ${row.currency.toUpperCase()}`);
  }
  try {
    checkWhen(row.occurredAt, row.soldAt, terms, now);
  } catch (error) {
    if (!(error instanceof ConversionRefusedError)) throw error;
    return refuse(error.reasonCode as TrueUpReasonCode, error.message);
  }
  if (terms.pricingModel === "CPA" && !row.event) return refuse("invalid_fields", "event: send the event, e.g. funded");
  if (terms.pricingModel === "CPS" && !row.saleAmountCents) return refuse("invalid_amount", "amount: send the sale amount (more than 0)");
  const price = conversionPrice(terms, row.event, row.saleAmountCents);
  if (!price) return refuse("unknown_event", `This offer pays for ${terms.events.map((e) => e.code).join(", ") || "no events"}, not ${row.event}`);
  return {
    id: row.id,
    outcome: "ONLY_ADVERTISER",
    action: "record",
    payoutDeltaCents: price.payoutCents,
    reasonCode: null,
    reason: `Not reported to Leadex: recorded (${formatMoney(price.payoutCents, terms.currency)}) if approved`,
    leadex: null,
  };
}

// ---- writing back and summing up ------------------------------------------------------------------

async function writeVerdicts(tx: Tx, verdicts: Verdict[]): Promise<void> {
  for (let i = 0; i < verdicts.length; i += WRITE_CHUNK) {
    const chunk = verdicts.slice(i, i + WRITE_CHUNK);
    await tx.$executeRawUnsafe(
      `UPDATE "TrueUpRow" r SET outcome = v.outcome::"TrueUpOutcome", action = v.action, "payoutDeltaCents" = v.delta,
              "reasonCode" = v.code, reason = v.reason, proposal = v.proposal::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[]) AS v(id, outcome, action, delta, code, reason, proposal)
       WHERE r.id = v.id`,
      chunk.map((v) => v.id),
      chunk.map((v) => v.outcome),
      chunk.map((v) => v.action),
      chunk.map((v) => v.payoutDeltaCents),
      chunk.map((v) => v.reasonCode),
      chunk.map((v) => v.reason),
      chunk.map((v) => (v.leadex ? JSON.stringify(v.leadex) : null)),
    );
  }
}

async function summarise(tx: Tx, trueUpId: string, advertiserId: string, periodStart: Date, periodEnd: Date): Promise<TrueUpSummary> {
  const groups = await tx.$queryRawUnsafe<Array<{ outcome: string; action: string; count: number; listed: number; cents: bigint }>>(
    `SELECT outcome::text, action, count(*)::int AS count, count("rowNumber")::int AS listed, COALESCE(sum("payoutDeltaCents"), 0)::bigint AS cents
     FROM "TrueUpRow" WHERE "trueUpId" = $1 GROUP BY 1, 2`,
    trueUpId,
  );
  const [leadex] = await tx.$queryRawUnsafe<Array<{ count: number; cents: bigint }>>(
    `SELECT count(*)::int AS count, COALESCE(sum("payoutCents" - "reversedPayoutCents"), 0)::bigint AS cents FROM "Conversion"
     WHERE "advertiserId" = $1 AND "occurredAt" >= $2 AND "occurredAt" < $3 AND status IN (${LIVE_SQL})`,
    advertiserId,
    periodStart,
    periodEnd,
  );
  const count = (f: (g: (typeof groups)[number]) => boolean) => groups.filter(f).reduce((n, g) => n + g.count, 0);
  const cents = (f: (g: (typeof groups)[number]) => boolean) => groups.filter(f).reduce((n, g) => n + Number(g.cents), 0);
  const byAction = (action: TrueUpAction) => ({ count: count((g) => g.action === action), cents: cents((g) => g.action === action) });
  const proposed = { record: byAction("record"), adjust: byAction("adjust"), reverse: byAction("reverse") };
  return {
    currency: DEFAULT_CURRENCY,
    listRows: groups.reduce((n, g) => n + g.listed, 0),
    leadexConversions: leadex.count,
    matched: count((g) => g.outcome === "MATCHED"),
    amountDiffers: count((g) => g.outcome === "AMOUNT_DIFFERS"),
    onlyAdvertiser: count((g) => g.outcome === "ONLY_ADVERTISER"),
    onlyLeadex: count((g) => g.outcome === "ONLY_LEADEX"),
    refusedRows: count((g) => g.outcome === "REFUSED"),
    leadexPayoutCents: Number(leadex.cents),
    proposed,
    proposedPayoutDeltaCents: proposed.record.cents + proposed.adjust.cents + proposed.reverse.cents,
    disputes: byAction("dispute"),
    notRecordable: count((g) => g.outcome === "ONLY_ADVERTISER" && g.action === "refuse"),
  };
}
