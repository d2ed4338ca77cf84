import type { Conversion, ConversionSource, LeadSale } from "~/generated/prisma/client";
import { dispatchOutboxMessageSoon } from "~/modules/outbox/outbox.server";
import { CONVERSION_BILLING_QUEUE, conversionBillingKey } from "~/queues/conversion-billing.queue.server";
import { newRowId } from "~/modules/leads/lead-store.server";
import { hotPathQuery, prisma, type Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { ValidationError, zodFieldErrors } from "~/utils/errors";
import { centsToDecimal } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { applyReversal, changeSaleAmount, type ReversalRequest } from "./conversion-corrections.server";
import { ConversionRefusedError } from "./conversion-errors";
import { conversionPrice, conversionTermsOf, type ConversionPrice, type ConversionTerms, type TermsOffer } from "./conversion-terms";
import { ADVERTISER_FIELDS, conversionReportSchema, type ConversionReport, type ReportedConversion } from "./conversions.schema";

// Every way a conversion reaches Leadex (API, pixel, CSV, true-up, the advertiser's Stripe) ends
// here: the report is checked against the lead the advertiser bought and the offer's terms, and
// recorded once per (advertiser, conversion id) with a copy of those terms. The worker bills it.

/** A conversion may be dated this far in the future (clock skew between servers). */
const FUTURE_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What every answer about a conversion says (API JSON, CSV report, pixel log). */
export interface ConversionAnswer {
  httpStatus: 200 | 201 | 202;
  body: Record<string, unknown>;
  conversionId: string | null;
}

type AnsweredConversion = Pick<
  Conversion,
  | "id"
  | "externalId"
  | "leadId"
  | "status"
  | "reasonCode"
  | "reason"
  | "event"
  | "kind"
  | "saleAmountCents"
  | "currency"
  | "payoutCents"
  | "reversedPayoutCents"
  | "reversedSaleCents"
  | "occurredAt"
>;

export function conversionBody(c: AnsweredConversion, duplicate: boolean): Record<string, unknown> {
  return {
    conversion_id: c.externalId,
    leadex_conversion_id: c.id,
    lead_id: c.leadId,
    status: c.status.toLowerCase(),
    reason_code: c.reasonCode,
    reason: c.reason,
    event: c.event,
    amount: c.saleAmountCents === null ? null : centsToDecimal(c.saleAmountCents),
    currency: c.currency,
    payout: centsToDecimal(c.payoutCents - c.reversedPayoutCents),
    reversed_amount: c.kind === "SALE" ? centsToDecimal(c.reversedSaleCents) : null,
    occurred_at: c.occurredAt.toISOString(),
    duplicate_request: duplicate,
  };
}

/**
 * Takes one report from an advertiser: a conversion, a reversal or an amount change. Refusals are
 * ConversionRefusedError (a reason code and status); a field the schema refuses is a 422 naming it.
 */
export async function reportConversion(actor: Actor, record: Record<string, unknown>, source: ConversionSource): Promise<ConversionAnswer> {
  requirePermission(actor, "write:conversion:own");
  const advertiserId = actor.companyId;
  const parsed = conversionReportSchema.safeParse(record);
  if (!parsed.success) {
    const fields = zodFieldErrors(parsed.error.issues);
    // A bad amount (negative, absurd, not a number) has its own reason code.
    if (Object.keys(fields).length === 1 && fields.amount)
      throw new ConversionRefusedError("invalid_amount", `The amount is refused: ${fields.amount}`, fields);
    throw new ValidationError(fields);
  }
  const report = parsed.data;
  if (report.type === "reversal") return reverseReported(advertiserId, report);
  if (report.type === "amount_change") return changeReportedAmount(advertiserId, report);
  return recordConversion(advertiserId, report, source);
}

function advFieldsOf(report: ConversionReport): Record<string, string> {
  const adv: Record<string, string> = {};
  for (const name of ADVERTISER_FIELDS) if (report[name] !== undefined) adv[name] = report[name];
  return adv;
}

interface BillableSale {
  id: string;
  orderId: string;
  soldAt: Date;
  affiliateId: string;
  offerId: string;
  offer: TermsOffer;
}

/**
 * In one statement (the hot path, ADR 006): the id of a conversion already reported under this
 * id, and the sale the report is about with its offer's terms, or the refusal that says why
 * there is no sale to bill.
 */
async function lookUpReport(advertiserId: string, externalId: string, leadId: string): Promise<{ existingId: string | null; sale: BillableSale }> {
  const [row] = await hotPathQuery<{
    existing_id: string | null;
    lead_exists: boolean;
    sale: (Omit<BillableSale, "soldAt" | "offer"> & TermsOffer & { soldAt: string; salePricingModel: string }) | null;
  }>(
    `SELECT
       (SELECT id FROM "Conversion" WHERE "advertiserId" = $1 AND "externalId" = $2) AS existing_id,
       EXISTS (SELECT 1 FROM "Lead" WHERE id = $3) AS lead_exists,
       (SELECT json_build_object(
          'id', ls.id, 'orderId', ls."orderId", 'soldAt', ls."soldAt", 'salePricingModel', ls."pricingModel", 'affiliateId', l."affiliateId", 'offerId', l."offerId",
          'pricingModel', o."pricingModel", 'currency', o.currency, 'conversionEvents', o."conversionEvents", 'salePercentBps', o."salePercentBps",
          'priceCents', o."priceCents", 'saleMinCents', o."saleMinCents", 'saleMaxCents', o."saleMaxCents", 'attributionWindowDays', o."attributionWindowDays",
          'lockPeriodDays', o."lockPeriodDays", 'allowsLockedAdjustments', o."allowsLockedAdjustments")
        FROM "LeadSale" ls JOIN "Lead" l ON l.id = ls."leadId" JOIN "Order" ord ON ord.id = ls."orderId" JOIN "Offer" o ON o.id = ord."offerId"
        WHERE ls."leadId" = $3 AND ls."advertiserId" = $1 LIMIT 1) AS sale`,
    [advertiserId, externalId, leadId],
  );
  if (row.existing_id) return { existingId: row.existing_id, sale: null as unknown as BillableSale };
  if (!row.sale) {
    if (!row.lead_exists) throw new ConversionRefusedError("unknown_lead", `No lead ${leadId} exists at Leadex`, { lead_id: "Unknown lead id" });
    throw new ConversionRefusedError("lead_not_bought", `You did not buy lead ${leadId}`, { lead_id: "A lead you did not buy" });
  }
  if (row.sale.salePricingModel === "CPL") {
    throw new ConversionRefusedError("not_billed_on_conversions", `Lead ${leadId} was bought on CPL terms: it was paid when bought, not per conversion`);
  }
  const { id, orderId, soldAt, affiliateId, offerId, ...offer } = row.sale;
  // json_build_object renders timestamp(3) without a zone: it is UTC.
  return { existingId: null, sale: { id, orderId, soldAt: new Date(`${soldAt}Z`), affiliateId, offerId, offer } };
}

/** Refuses a conversion dated in the future, before delivery or after the attribution window (true-ups judge late rows with it). */
export function checkWhen(occurredAt: Date, soldAt: Date, terms: ConversionTerms, now: Date) {
  if (occurredAt.getTime() > now.getTime() + FUTURE_SKEW_MS) {
    throw new ConversionRefusedError("occurred_in_future", "The conversion is dated in the future", { occurred_at: "A date in the future" });
  }
  if (occurredAt < soldAt) {
    throw new ConversionRefusedError("before_delivery", `The conversion is dated before the lead was delivered (${soldAt.toISOString()})`, {
      occurred_at: "Before the lead was delivered",
    });
  }
  const windowEnd = new Date(soldAt.getTime() + terms.attributionWindowDays * DAY_MS);
  if (occurredAt > windowEnd) {
    throw new ConversionRefusedError(
      "outside_attribution_window",
      `The offer attributes conversions for ${terms.attributionWindowDays} days after delivery, until ${windowEnd.toISOString()}`,
      { occurred_at: "Outside the attribution window" },
    );
  }
}

/** What a conversion pays on these terms, or the refusal naming the missing or wrong field (the event of an action, the amount of a sale). */
export function priceOnTerms(terms: ConversionTerms, event: string | null, saleAmountCents: number | null): ConversionPrice {
  if (terms.pricingModel === "CPA") {
    if (!event) throw new ConversionRefusedError("invalid_fields", "Send the event this action is", { event: "Send the event, e.g. funded" });
  } else {
    if (saleAmountCents === null) throw new ConversionRefusedError("invalid_fields", "Send the sale amount", { amount: "Send the sale amount, e.g. 125.50" });
    if (saleAmountCents === 0) throw new ConversionRefusedError("invalid_amount", "A sale amount must be more than 0", { amount: "Must be more than 0" });
  }
  const price = conversionPrice(terms, event, saleAmountCents);
  if (!price) {
    const paid = terms.events.map((e) => e.code).join(", ");
    throw new ConversionRefusedError("unknown_event", `This offer pays for ${paid || "no events"}, not ${event}`, { event: `One of: ${paid}` });
  }
  return price;
}

/** The terms a conversion on this sale is billed on today (its offer's, with the platform's fee). */
export async function termsOfSale(tx: Tx, saleId: string): Promise<{ sale: LeadSale; terms: ConversionTerms; offerId: string; affiliateId: string }> {
  const sale = await tx.leadSale.findUniqueOrThrow({
    where: { id: saleId },
    include: { lead: { select: { affiliateId: true, offerId: true } }, order: { select: { offer: true } } },
  });
  const { lead, order, ...row } = sale;
  return { sale: row, terms: conversionTermsOf(order.offer, getEnv().PLATFORM_FEE_BPS), offerId: lead.offerId, affiliateId: lead.affiliateId };
}

export interface RecordedInTx {
  advertiserId: string;
  /** Unique per advertiser: a second record under the same id is refused by the database. */
  externalId: string;
  saleId: string;
  event: string | null;
  saleAmountCents: number | null;
  occurredAt: Date;
  source: ConversionSource;
}

/**
 * Records a conversion inside the caller's transaction with the same checks and terms as a report
 * (a confirmed inquiry, billed by the caller in the same transaction: no outbox row).
 */
export async function recordConversionInTx(tx: Tx, input: RecordedInTx, now: Date): Promise<Conversion> {
  const { sale, terms, offerId, affiliateId } = await termsOfSale(tx, input.saleId);
  if (sale.pricingModel === "CPL") {
    throw new ConversionRefusedError("not_billed_on_conversions", `Lead ${sale.leadId} was bought on CPL terms: it was paid when bought, not per conversion`);
  }
  checkWhen(input.occurredAt, sale.soldAt, terms, now);
  const price = priceOnTerms(terms, input.event, input.saleAmountCents);
  const kind = terms.pricingModel === "CPA" ? ("ACTION" as const) : ("SALE" as const);
  const event = kind === "ACTION" ? input.event : null;
  const saleAmountCents = kind === "SALE" ? input.saleAmountCents : null;
  const reported: ReportedConversion = {
    lead_id: sale.leadId,
    event,
    amount_cents: saleAmountCents,
    currency: terms.currency,
    occurred_at: input.occurredAt.toISOString(),
    adv: {},
  };
  return tx.conversion.create({
    data: {
      id: newRowId(),
      advertiserId: input.advertiserId,
      externalId: input.externalId,
      leadId: sale.leadId,
      saleId: sale.id,
      orderId: sale.orderId,
      offerId,
      affiliateId,
      kind,
      source: input.source,
      event,
      saleAmountCents,
      currency: terms.currency,
      ...price,
      terms: JSON.parse(JSON.stringify(terms)),
      reported: JSON.parse(JSON.stringify(reported)),
      occurredAt: input.occurredAt,
      receivedAt: now,
    },
  });
}

function reportedOf(leadId: string, report: ConversionReport, currency: string, occurredAt: Date): ReportedConversion {
  return {
    lead_id: leadId,
    event: report.event ?? null,
    amount_cents: report.amount ?? null,
    currency,
    occurred_at: occurredAt.toISOString(),
    adv: advFieldsOf(report),
  };
}

/** The fields in which a repeated report differs from the first (empty: the same report). */
export function differingFields(first: ReportedConversion, again: ConversionReport): string[] {
  const fields: string[] = [];
  if (again.lead_id !== undefined && again.lead_id !== first.lead_id) fields.push("lead_id");
  if ((again.event ?? null) !== first.event) fields.push("event");
  if ((again.amount ?? null) !== first.amount_cents) fields.push("amount");
  if (again.currency !== undefined && again.currency !== first.currency) fields.push("currency");
  if (again.occurred_at !== undefined && again.occurred_at.toISOString() !== first.occurred_at) fields.push("occurred_at");
  const adv = advFieldsOf(again);
  for (const name of ADVERTISER_FIELDS) if ((adv[name] ?? null) !== (first.adv[name] ?? null)) fields.push(name);
  return fields;
}

function sameOrConflict(existing: Conversion, report: ConversionReport): ConversionAnswer {
  const differing = differingFields(existing.reported as unknown as ReportedConversion, report);
  if (differing.length > 0) {
    const fieldErrors = Object.fromEntries(differing.map((f) => [f, "Differs from the first report of this conversion id"]));
    throw new ConversionRefusedError(
      "conversion_conflict",
      `Conversion ${existing.externalId} was already reported with a different ${differing.join(", ")}; send a reversal or an amount change instead`,
      fieldErrors,
    );
  }
  return { httpStatus: 200, body: conversionBody(existing, true), conversionId: existing.id };
}

async function recordConversion(advertiserId: string, report: ConversionReport, source: ConversionSource): Promise<ConversionAnswer> {
  const leadId = report.lead_id!;
  const { existingId, sale } = await lookUpReport(advertiserId, report.conversion_id, leadId);
  if (existingId) return sameOrConflict(await prisma.conversion.findUniqueOrThrow({ where: { id: existingId } }), report);

  const terms = conversionTermsOf(sale.offer, getEnv().PLATFORM_FEE_BPS);
  const currency = report.currency ?? terms.currency;
  if (currency !== terms.currency) {
    throw new ConversionRefusedError("currency_mismatch", `This offer is paid in ${terms.currency.toUpperCase()}, not ${currency.toUpperCase()}`, {
      currency: `Use ${terms.currency.toUpperCase()}`,
    });
  }
  const now = new Date();
  const occurredAt = report.occurred_at ?? now;
  checkWhen(occurredAt, sale.soldAt, terms, now);

  const price = priceOnTerms(terms, report.event ?? null, report.amount ?? null);

  const id = newRowId();
  const reported = reportedOf(leadId, report, currency, occurredAt);
  const kind = terms.pricingModel === "CPA" ? "ACTION" : "SALE";
  const event = terms.pricingModel === "CPA" ? report.event! : null;
  const outbox = { id: newRowId(), queue: CONVERSION_BILLING_QUEUE, key: conversionBillingKey(id), payload: { conversionId: id, advertiserId } };
  // The conversion and its outbox row in one statement; the unique (advertiser, id) settles races.
  const inserted = await hotPathQuery<{ id: string }>(
    `WITH conversion AS (
       INSERT INTO "Conversion" ("id", "advertiserId", "externalId", "leadId", "saleId", "orderId", "offerId", "affiliateId", "kind", "source", "event",
         "saleAmountCents", "currency", "payoutCents", "feeCents", "earningCents", "terms", "reported", "advFields", "occurredAt", "receivedAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::"ConversionKind", $10::"ConversionSource", $11, $12, $13, $14, $15, $16, $17::jsonb, $18::jsonb, $19::jsonb, $20, $21)
       ON CONFLICT ("advertiserId", "externalId") DO NOTHING
       RETURNING "id"
     ), message AS (
       INSERT INTO "OutboxMessage" ("id", "queue", "key", "payload") SELECT $22, $23, $24, $25::jsonb FROM conversion
     )
     SELECT "id" FROM conversion`,
    [
      id,
      advertiserId,
      report.conversion_id,
      leadId,
      sale.id,
      sale.orderId,
      sale.offerId,
      sale.affiliateId,
      kind,
      source,
      event,
      report.amount ?? null,
      currency,
      price.payoutCents,
      price.feeCents,
      price.earningCents,
      JSON.stringify(terms),
      JSON.stringify(reported),
      JSON.stringify(reported.adv),
      occurredAt,
      now,
      outbox.id,
      outbox.queue,
      outbox.key,
      JSON.stringify(outbox.payload),
    ],
  );
  if (inserted.length === 0) {
    // The same id was recorded a moment ago by a concurrent report: answer as to a repeat.
    const winner = await prisma.conversion.findUniqueOrThrow({ where: { advertiserId_externalId: { advertiserId, externalId: report.conversion_id } } });
    return sameOrConflict(winner, report);
  }
  dispatchOutboxMessageSoon(outbox);
  const body = conversionBody(
    {
      id,
      externalId: report.conversion_id,
      leadId,
      status: "RECEIVED",
      reasonCode: null,
      reason: null,
      event,
      kind,
      saleAmountCents: report.amount ?? null,
      currency,
      payoutCents: price.payoutCents,
      reversedPayoutCents: 0,
      reversedSaleCents: 0,
      occurredAt,
    },
    false,
  );
  return { httpStatus: 202, body, conversionId: id };
}

async function reverseReported(advertiserId: string, report: ConversionReport): Promise<ConversionAnswer> {
  // Refused here, not only when applied: an early reversal is kept unchecked until its conversion arrives.
  if (report.amount === 0) throw new ConversionRefusedError("invalid_amount", "A reversal must take back more than 0", { amount: "Must be more than 0" });
  const request: ReversalRequest = {
    key: report.reversal_id ?? (report.amount !== undefined ? `amount:${report.amount}` : "full"),
    saleAmountCents: report.amount ?? null,
    reason: report.reason ?? "Reversed by the advertiser",
  };
  const conversion = await prisma.conversion.findUnique({ where: { advertiserId_externalId: { advertiserId, externalId: report.conversion_id } } });
  if (!conversion) {
    // Kept, and applied when the conversion arrives (a refund can overtake its sale's report).
    const reported = { amount_cents: request.saleAmountCents, reason: request.reason };
    await prisma.pendingConversionReversal.createMany({
      data: [
        {
          advertiserId,
          conversionExternalId: report.conversion_id,
          key: request.key,
          saleAmountCents: request.saleAmountCents,
          reason: request.reason,
          reported,
        },
      ],
      skipDuplicates: true,
    });
    return {
      httpStatus: 202,
      conversionId: null,
      body: {
        conversion_id: report.conversion_id,
        status: "reversal_pending",
        reversal_id: request.key,
        message: "Kept until the conversion it reverses arrives",
      },
    };
  }
  const result = await applyReversal(conversion.id, request);
  return {
    httpStatus: result.created ? 201 : 200,
    body: { ...conversionBody(result.conversion, !result.created), reversal_id: request.key },
    conversionId: conversion.id,
  };
}

async function changeReportedAmount(advertiserId: string, report: ConversionReport): Promise<ConversionAnswer> {
  const conversion = await prisma.conversion.findUnique({ where: { advertiserId_externalId: { advertiserId, externalId: report.conversion_id } } });
  if (!conversion)
    throw new ConversionRefusedError("unknown_conversion", `No conversion ${report.conversion_id} was reported`, { conversion_id: "Unknown conversion id" });
  const result = await changeSaleAmount(conversion.id, report.amount!, report.reason ?? "Amount corrected by the advertiser");
  return { httpStatus: 200, body: conversionBody(result.conversion, !result.created), conversionId: conversion.id };
}
