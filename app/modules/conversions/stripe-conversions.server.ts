import { z } from "zod";
import { MalformedWebhookError, WebhookSignatureError } from "~/modules/billing/stripe-webhooks.server";
import { getStripe } from "~/modules/billing/stripe.server";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { publicUrl } from "~/utils/env.server";
import { DomainError, NotFoundError, zodFieldErrors } from "~/utils/errors";
import { centsToDecimal, formatMoney, proportionOfCents } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { applyReversalAsDecided, type ReversalRequest } from "./conversion-corrections.server";
import { ConversionRefusedError } from "./conversion-errors";
import { reportConversion, type ConversionAnswer } from "./conversion-intake.server";
import {
  advertiserStripeEventSchema,
  LEAD_METADATA_KEY,
  STRIPE_CONVERSION_EVENTS,
  stripeChargeSchema,
  stripeCustomerSchema,
  stripeInvoicePaymentSchema,
  stripeInvoiceSchema,
  type AdvertiserStripeEvent,
  type StripeCharge,
  type StripeInvoice,
} from "./stripe-conversions.schema";

// Sales straight from an advertiser's own Stripe account (the way dub and Rewardful pay
// commissions). The advertiser adds Leadex's endpoint (/webhooks/stripe/conversions/<its id>) to
// its account, selects STRIPE_CONVERSION_EVENTS and pastes the endpoint's signing secret here.
// Leadex has no key to that account, so the signed event is the only source: it is checked with
// the advertiser's secret and its object parsed with Zod, never re-read from Stripe.
//
//   customer.created / .updated  remembers which customer names which lead (leadex_lead_id)
//   invoice.paid                 a CPS sale through reportConversion: conversion id = invoice id,
//                                amount = total excluding tax, occurred_at = paid time; the lead
//                                from leadex_lead_id on the invoice, its subscription or its
//                                customer (the event or the remembered customer)
//   invoice_payment.paid         remembers which payment paid which invoice (a charge names no
//                                invoice in API versions from 2025-03-31)
//   charge.refunded              reverses the sale of the charge's invoice in proportion:
//                                sale × amount_refunded / charge amount, cumulative, keyed
//                                stripe-refund:<charge>:<amount_refunded>, so repeats and
//                                reordered refunds reverse exactly the refunded share once
//
// A refund heard before its invoice is kept (StripeConversionPayment) and, when invoice.paid
// comes, becomes an early reversal the billing worker applies right after billing the sale. Each
// event is applied once per advertiser (StripeEvent `advertiser:<id>:<event id>`); the effects are
// idempotent on their own keys too. Whatever a retry could not change (no lead named, a refusal)
// is answered 200 with the reason in the body, which the advertiser sees in its Stripe dashboard.

export interface StripeConversionSettings {
  configured: boolean;
  /** The secret's last characters, to recognise it: `whsec_…AbCd`. */
  secretHint: string | null;
  endpointUrl: string;
  events: readonly string[];
}

export function stripeConversionsEndpointUrl(advertiserId: string): string {
  return publicUrl(`/webhooks/stripe/conversions/${encodeURIComponent(advertiserId)}`);
}

export async function getStripeConversionSettings(actor: Actor): Promise<StripeConversionSettings> {
  requirePermission(actor, "read:conversion:own");
  const company = await prisma.company.findUniqueOrThrow({ where: { id: actor.companyId }, select: { stripeConversionsSecret: true } });
  const secret = company.stripeConversionsSecret;
  return {
    configured: secret !== null,
    secretHint: secret ? `whsec_…${secret.slice(-4)}` : null,
    endpointUrl: stripeConversionsEndpointUrl(actor.companyId),
    events: STRIPE_CONVERSION_EVENTS,
  };
}

/** Saves (or replaces) the endpoint's signing secret: events signed with another are refused from now on. */
export async function saveStripeConversionsSecret(actor: Actor, secret: string): Promise<void> {
  requirePermission(actor, "write:conversion:own");
  await prisma.company.update({ where: { id: actor.companyId }, data: { stripeConversionsSecret: secret } });
}

/** Disconnects: the endpoint answers 404 until a secret is saved again. */
export async function removeStripeConversionsSecret(actor: Actor): Promise<void> {
  requirePermission(actor, "write:conversion:own");
  await prisma.company.update({ where: { id: actor.companyId }, data: { stripeConversionsSecret: null } });
}

// ---- the webhook --------------------------------------------------------------------------------

export type StripeConversionResult = "recorded" | "duplicate" | "ignored" | "refused" | "kept" | "reversed" | "remembered";

export interface StripeConversionAnswer {
  eventId: string;
  result: StripeConversionResult;
  reason?: string;
  reason_code?: string;
  conversion?: Record<string, unknown>;
}

type Effect = Omit<StripeConversionAnswer, "eventId">;

/** Verifies an event from the advertiser's own Stripe account and applies it once. */
export async function handleAdvertiserStripeWebhook(advertiserId: string, rawBody: string, signature: string | null): Promise<StripeConversionAnswer> {
  const company = await prisma.company.findFirst({ where: { id: advertiserId, kind: "ADVERTISER" }, select: { stripeConversionsSecret: true } });
  if (!company?.stripeConversionsSecret) throw new NotFoundError("Stripe conversions endpoint");
  if (!signature) throw new WebhookSignatureError("missing Stripe-Signature header");
  let verified: unknown;
  try {
    verified = getStripe().webhooks.constructEvent(rawBody, signature, company.stripeConversionsSecret);
  } catch (error) {
    throw new WebhookSignatureError(error instanceof Error ? error.message : String(error));
  }
  const event = parseOrMalformed(advertiserStripeEventSchema, verified, "");
  const seenKey = `advertiser:${advertiserId}:${event.id}`;
  if (await prisma.stripeEvent.findUnique({ where: { id: seenKey }, select: { id: true } })) return { eventId: event.id, result: "duplicate" };
  const actor: Actor = { userId: null, companyId: advertiserId, role: "ADVERTISER" };
  const effect = await applyEvent(actor, event);
  // Recorded after its effects, which are idempotent: a crash in between only applies it again.
  await prisma.stripeEvent.createMany({ data: [{ id: seenKey, type: event.type }], skipDuplicates: true });
  if (effect.result === "ignored" || effect.result === "refused") {
    console.warn(`[stripe-conversions] ${advertiserId}: ${effect.result} ${event.id} (${event.type}): ${effect.reason}`);
  }
  return { eventId: event.id, ...effect };
}

function parseOrMalformed<Schema extends z.ZodType>(schema: Schema, value: unknown, path: string): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = zodFieldErrors(parsed.error.issues);
  throw new MalformedWebhookError(
    Object.entries(fields)
      .map(([field, message]) => `${[path, field === "_" ? "" : field].filter(Boolean).join(".") || "event"}: ${message}`)
      .join("; "),
  );
}

async function applyEvent(actor: Actor, event: AdvertiserStripeEvent): Promise<Effect> {
  const object: unknown = event.data.object;
  const created = new Date(event.created * 1000);
  switch (event.type) {
    case "customer.created":
    case "customer.updated":
      return rememberCustomer(actor.companyId, parseOrMalformed(stripeCustomerSchema, object, "data.object"), created);
    case "invoice.paid":
      return recordInvoiceSale(actor, parseOrMalformed(stripeInvoiceSchema, object, "data.object"), created);
    case "invoice_payment.paid": {
      const payment = parseOrMalformed(stripeInvoicePaymentSchema, object, "data.object");
      await linkPayments(actor.companyId, payment.invoice, [payment.payment]);
      const refunds = await syncRefunds(actor.companyId, payment.invoice);
      return (
        refunds ?? {
          result: "remembered",
          reason: `Invoice ${payment.invoice} was paid by ${paymentRefOf(payment.payment) ?? "a payment Leadex does not track"}`,
        }
      );
    }
    case "charge.refunded":
      return applyChargeRefund(actor.companyId, parseOrMalformed(stripeChargeSchema, object, "data.object"));
    default:
      return { result: "ignored", reason: `Leadex does not act on ${event.type}; select ${STRIPE_CONVERSION_EVENTS.join(", ")}` };
  }
}

// ---- customers ----------------------------------------------------------------------------------

function leadIdIn(metadata: Record<string, unknown>): string | null {
  const value = metadata[LEAD_METADATA_KEY];
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed.slice(0, 64);
}

async function rememberCustomer(advertiserId: string, customer: z.output<typeof stripeCustomerSchema>, eventCreatedAt: Date): Promise<Effect> {
  const leadId = leadIdIn(customer.metadata);
  // An older event (Stripe does not promise order) never overwrites what a newer one said.
  await prisma.$executeRaw`
    INSERT INTO "StripeConversionCustomer" ("advertiserId", "customerId", "leadId", "eventCreatedAt", "updatedAt")
    VALUES (${advertiserId}, ${customer.id}, ${leadId}, ${eventCreatedAt}, now())
    ON CONFLICT ("advertiserId", "customerId") DO UPDATE SET "leadId" = EXCLUDED."leadId", "eventCreatedAt" = EXCLUDED."eventCreatedAt", "updatedAt" = now()
    WHERE "StripeConversionCustomer"."eventCreatedAt" <= EXCLUDED."eventCreatedAt"`;
  return leadId
    ? { result: "remembered", reason: `Customer ${customer.id} is lead ${leadId}: its paid invoices become sales` }
    : { result: "remembered", reason: `Customer ${customer.id} names no Leadex lead (no ${LEAD_METADATA_KEY} in its metadata)` };
}

async function leadOfInvoice(advertiserId: string, invoice: StripeInvoice): Promise<string | null> {
  const fromInvoice = leadIdIn(invoice.metadata) ?? leadIdIn(invoice.parent?.subscription_details?.metadata ?? {});
  if (fromInvoice) return fromInvoice;
  const customer = invoice.customer;
  if (!customer) return null;
  if (typeof customer !== "string") {
    const fromCustomer = leadIdIn(customer.metadata);
    if (fromCustomer) return fromCustomer;
  }
  const customerId = typeof customer === "string" ? customer : customer.id;
  const remembered = await prisma.stripeConversionCustomer.findUnique({
    where: { advertiserId_customerId: { advertiserId, customerId } },
    select: { leadId: true },
  });
  return remembered?.leadId ?? null;
}

// ---- payments: which invoice a charge paid, and how much of it was refunded ----------------------

type Payment = { payment_intent?: string | null; charge?: string | null };

/** A payment's key: its PaymentIntent (what invoice payments and charges both name), else its charge. */
function paymentRefOf(payment: Payment): string | null {
  return payment.payment_intent ?? payment.charge ?? null;
}

async function linkPayments(advertiserId: string, invoiceId: string, payments: Payment[]): Promise<void> {
  for (const payment of payments) {
    const ref = paymentRefOf(payment);
    if (!ref) continue;
    await prisma.$executeRaw`
      INSERT INTO "StripeConversionPayment" ("advertiserId", "paymentRef", "invoiceId", "chargeId", "updatedAt")
      VALUES (${advertiserId}, ${ref}, ${invoiceId}, ${payment.charge ?? null}, now())
      ON CONFLICT ("advertiserId", "paymentRef") DO UPDATE SET
        "invoiceId" = EXCLUDED."invoiceId",
        "chargeId" = COALESCE("StripeConversionPayment"."chargeId", EXCLUDED."chargeId"),
        "updatedAt" = now()`;
  }
}

function invoicePayments(invoice: StripeInvoice): Payment[] {
  const payments: Payment[] = (invoice.payments?.data ?? []).map((p) => p.payment);
  if (invoice.payment_intent || invoice.charge) payments.push({ payment_intent: invoice.payment_intent, charge: invoice.charge });
  return payments;
}

interface RefundedPayment {
  chargeId: string;
  chargeAmountCents: number;
  refundedCents: number;
}

async function refundedPaymentsOf(advertiserId: string, invoiceId: string): Promise<RefundedPayment[]> {
  const rows = await prisma.stripeConversionPayment.findMany({
    where: { advertiserId, invoiceId, refundedCents: { gt: 0 }, chargeId: { not: null }, chargeAmountCents: { gt: 0 } },
    orderBy: { paymentRef: "asc" },
  });
  return rows.map((r) => ({ chargeId: r.chargeId!, chargeAmountCents: r.chargeAmountCents!, refundedCents: r.refundedCents }));
}

/** The part of the sale a charge's refunds so far take back: all of it once the charge is refunded in full. */
function refundedSaleCents(saleCents: number, payment: RefundedPayment): number {
  if (payment.refundedCents >= payment.chargeAmountCents) return saleCents;
  return proportionOfCents(saleCents, payment.refundedCents, payment.chargeAmountCents);
}

const refundKeyPrefix = (chargeId: string) => `stripe-refund:${chargeId}:`;

function refundRequest(payment: RefundedPayment, saleAmountCents: number, currency: string): ReversalRequest {
  return {
    key: `${refundKeyPrefix(payment.chargeId)}${payment.refundedCents}`,
    saleAmountCents,
    reason: `Refunded in Stripe: ${formatMoney(payment.refundedCents, currency)} of charge ${payment.chargeId} (${formatMoney(payment.chargeAmountCents, currency)})`,
  };
}

/** The sale already taken back (or waiting to be, as an early reversal) for this charge's refunds. */
async function saleReversedForCharge(db: Db | Tx, advertiserId: string, invoiceId: string, conversionId: string | null, chargeId: string): Promise<number> {
  const prefix = refundKeyPrefix(chargeId);
  const [applied, waiting] = await Promise.all([
    conversionId
      ? db.conversionAdjustment.aggregate({ where: { conversionId, key: { startsWith: prefix } }, _sum: { saleAmountDeltaCents: true } })
      : Promise.resolve({ _sum: { saleAmountDeltaCents: 0 } }),
    db.pendingConversionReversal.aggregate({
      where: { advertiserId, conversionExternalId: invoiceId, appliedAt: null, key: { startsWith: prefix } },
      _sum: { saleAmountCents: true },
    }),
  ]);
  return -(applied._sum.saleAmountDeltaCents ?? 0) + (waiting._sum.saleAmountCents ?? 0);
}

/**
 * Refunds heard before the invoice's sale is recorded become early reversals (the core's
 * PendingConversionReversal), which the billing worker applies right after billing the sale.
 */
async function keepEarlyRefunds(advertiserId: string, invoiceId: string, saleCents: number, currency: string): Promise<number> {
  let kept = 0;
  for (const payment of await refundedPaymentsOf(advertiserId, invoiceId)) {
    const missing = refundedSaleCents(saleCents, payment) - (await saleReversedForCharge(prisma, advertiserId, invoiceId, null, payment.chargeId));
    if (missing <= 0) continue;
    const request = refundRequest(payment, missing, currency);
    const { count } = await prisma.pendingConversionReversal.createMany({
      data: [
        {
          advertiserId,
          conversionExternalId: invoiceId,
          key: request.key,
          saleAmountCents: missing,
          reason: request.reason,
          reported: {
            source: "stripe",
            charge: payment.chargeId,
            charge_amount_cents: payment.chargeAmountCents,
            amount_refunded_cents: payment.refundedCents,
          },
        },
      ],
      skipDuplicates: true,
    });
    kept += count;
  }
  return kept;
}

/**
 * Brings the invoice's sale in line with its charges' refunds: reverses, under the conversion's
 * lock, whatever share is not yet reversed (nor waiting as an early reversal). null when no refund
 * of this invoice is known; `kept` when its sale is not recorded yet.
 */
async function syncRefunds(advertiserId: string, invoiceId: string): Promise<Effect | null> {
  const payments = await refundedPaymentsOf(advertiserId, invoiceId);
  if (payments.length === 0) return null;
  const conversion = await prisma.conversion.findUnique({ where: { advertiserId_externalId: { advertiserId, externalId: invoiceId } } });
  if (!conversion) return { result: "kept", reason: `The refund is kept until invoice ${invoiceId} is paid and recorded as a sale` };
  if (conversion.kind !== "SALE" || conversion.saleAmountCents === null) {
    return { result: "ignored", reason: `Conversion ${invoiceId} is not a sale: a refund does not reverse it in part` };
  }
  let reversed: Effect | null = null;
  for (const payment of payments) {
    const reason = refundRequest(payment, 0, conversion.currency).reason;
    // Read first without the lock: nearly always there is nothing left to do.
    const before = await saleReversedForCharge(prisma, advertiserId, invoiceId, conversion.id, payment.chargeId);
    if (refundedSaleCents(conversion.saleAmountCents, payment) - before <= 0) continue;
    try {
      const result = await applyReversalAsDecided(conversion.id, async (tx, locked) => {
        const sale = locked.saleAmountCents ?? 0;
        const done = await saleReversedForCharge(tx, advertiserId, invoiceId, locked.id, payment.chargeId);
        const missing = Math.min(refundedSaleCents(sale, payment) - done, sale - locked.reversedSaleCents);
        return missing > 0 ? refundRequest(payment, missing, locked.currency) : null;
      });
      if (result) reversed = { result: "reversed", reason, conversion: conversionSummary(result.conversion) };
    } catch (error) {
      if (!(error instanceof ConversionRefusedError)) throw error;
      return { result: "refused", reason_code: error.reasonCode, reason: error.message };
    }
  }
  return reversed ?? { result: "duplicate", reason: `The refunds of invoice ${invoiceId} are already reversed` };
}

function conversionSummary(c: { externalId: string; id: string; status: string; saleAmountCents: number | null; reversedSaleCents: number; currency: string }) {
  return {
    conversion_id: c.externalId,
    leadex_conversion_id: c.id,
    status: c.status.toLowerCase(),
    amount: c.saleAmountCents === null ? null : centsToDecimal(c.saleAmountCents),
    reversed_amount: centsToDecimal(c.reversedSaleCents),
    currency: c.currency,
  };
}

async function applyChargeRefund(advertiserId: string, charge: StripeCharge): Promise<Effect> {
  const ref = charge.payment_intent ?? charge.id;
  // amount_refunded is cumulative: keep the largest seen, whatever order the events come in.
  await prisma.$executeRaw`
    INSERT INTO "StripeConversionPayment" ("advertiserId", "paymentRef", "invoiceId", "chargeId", "chargeAmountCents", "refundedCents", "updatedAt")
    VALUES (${advertiserId}, ${ref}, ${charge.invoice ?? null}, ${charge.id}, ${charge.amount}, ${charge.amount_refunded}, now())
    ON CONFLICT ("advertiserId", "paymentRef") DO UPDATE SET
      "invoiceId" = COALESCE("StripeConversionPayment"."invoiceId", EXCLUDED."invoiceId"),
      "chargeId" = EXCLUDED."chargeId",
      "chargeAmountCents" = EXCLUDED."chargeAmountCents",
      "refundedCents" = GREATEST("StripeConversionPayment"."refundedCents", EXCLUDED."refundedCents"),
      "updatedAt" = now()`;
  const row = await prisma.stripeConversionPayment.findUniqueOrThrow({ where: { advertiserId_paymentRef: { advertiserId, paymentRef: ref } } });
  if (!row.invoiceId) {
    return { result: "kept", reason: `Leadex has not heard yet which invoice charge ${charge.id} paid: the refund is kept until it does` };
  }
  return (await syncRefunds(advertiserId, row.invoiceId)) ?? { result: "ignored", reason: `Charge ${charge.id} has no refund` };
}

// ---- invoices become sales ----------------------------------------------------------------------

/** Total excluding tax: `total_excluding_tax`, else `total - tax` (API versions before 2025-03-31), else `total` minus its taxes. */
function saleAmountOf(invoice: StripeInvoice): number {
  if (invoice.total_excluding_tax !== null && invoice.total_excluding_tax !== undefined) return invoice.total_excluding_tax;
  if (invoice.tax !== null && invoice.tax !== undefined) return invoice.total - invoice.tax;
  return invoice.total - (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
}

async function recordInvoiceSale(actor: Actor, invoice: StripeInvoice, eventCreatedAt: Date): Promise<Effect> {
  const advertiserId = actor.companyId;
  await linkPayments(advertiserId, invoice.id, invoicePayments(invoice));
  const leadId = await leadOfInvoice(advertiserId, invoice);
  if (!leadId) {
    return {
      result: "ignored",
      reason: `Invoice ${invoice.id} names no Leadex lead: no ${LEAD_METADATA_KEY} in its metadata, its subscription's or its customer's`,
    };
  }
  const saleCents = saleAmountOf(invoice);
  if (saleCents <= 0) return { result: "ignored", reason: `Invoice ${invoice.id} comes to ${formatMoney(saleCents, invoice.currency)} before tax: no sale` };
  const paidAt = invoice.status_transitions?.paid_at ? new Date(invoice.status_transitions.paid_at * 1000) : eventCreatedAt;
  const alreadyRecorded = await prisma.conversion.findUnique({
    where: { advertiserId_externalId: { advertiserId, externalId: invoice.id } },
    select: { id: true },
  });
  const keptEarly = alreadyRecorded ? 0 : await keepEarlyRefunds(advertiserId, invoice.id, saleCents, invoice.currency);
  const record = {
    conversion_id: invoice.id,
    lead_id: leadId,
    amount: centsToDecimal(saleCents),
    currency: invoice.currency,
    occurred_at: paidAt.toISOString(),
  };
  let answer: ConversionAnswer;
  try {
    answer = await reportConversion(actor, record, "STRIPE");
  } catch (error) {
    if (!(error instanceof DomainError) || error.status >= 500 || error.status === 429) throw error;
    // Refused: the early reversals kept for it would wait for a sale that never comes.
    if (keptEarly > 0) {
      await prisma.pendingConversionReversal.deleteMany({
        where: { advertiserId, conversionExternalId: invoice.id, appliedAt: null, key: { startsWith: "stripe-refund:" } },
      });
    }
    const fields = error.fieldErrors
      ? ` (${Object.entries(error.fieldErrors)
          .map(([f, m]) => `${f}: ${m}`)
          .join("; ")})`
      : "";
    return { result: "refused", reason_code: error.code, reason: `${error.message}${fields}` };
  }
  // A refund heard between the early reversals above and now, or after a repeat of this event.
  await syncRefunds(advertiserId, invoice.id);
  return {
    result: answer.body.duplicate_request ? "duplicate" : "recorded",
    reason: keptEarly > 0 ? `Sale recorded with ${keptEarly} earlier refund(s), applied once it is billed` : undefined,
    conversion: answer.body,
  };
}
