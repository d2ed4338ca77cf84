import Stripe from "stripe";
import type { AdvertiserInvoice, AdvertiserInvoiceStatus, Prisma, PricingModel } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { balanceCents, ensureLedgerAccount, ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { recordNotice } from "~/modules/notices/notices.server";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { NotFoundError } from "~/utils/errors";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { heldForCardDispute } from "./chargebacks.server";
import { invoiceLinesSchema, type InvoiceLine, type PostpaidTerms } from "./postpaid.schema";
import { loadPaymentIntentFee, postStripeFee, type StripeChargeFee } from "./stripe-fees.server";
import { getStripe } from "./stripe.server";
import { ensureStripeCustomer } from "./top-ups.server";
import { SALES_JOURNAL_KINDS } from "./wallet-statement.server";

// Postpaid advertisers (Company.creditLimitCents > 0): sales take the wallet down to minus the
// credit limit (the ledger's floor, lead-sales.server.ts advertiserWalletFloor), and each closed
// period gets one invoice for what the period's sales took from the wallet: every wallet posting
// of a sales kind (leads, actions, sales, and the returns, reversals and corrections of them)
// made in the period, one line per offer × pricing model. The invoice's payment (invoice.paid)
// credits the wallet once, so a paid invoice puts the wallet back where the period's sales found it.
//
// Exactly once: the row is unique per (advertiser, period start, currency), created before Stripe
// is asked; every Stripe call carries a key `leadex:invoice:<id>:<step>`, so a run that died half
// way, or two runs at once, make one Stripe invoice with one item per line. An OPEN invoice unpaid
// INVOICE_GRACE_DAYS after it fell due pauses the advertiser's open orders (dunning) until it is paid.

const DAY_MS = 24 * 60 * 60 * 1000;
/** A period is invoiced this long after it ends, so a sale committing as the period ends is in it. */
const SETTLE_MS = 10 * 60 * 1000;
export const INVOICE_TARGET = "AdvertiserInvoice";

export type InvoicePeriodUnit = "day" | "week" | "month";

/** The period (UTC; weeks start on Monday) holding `at`. */
export function periodContaining(unit: InvoicePeriodUnit, at: Date): { start: Date; end: Date } {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (unit === "day") return { start: new Date(midnight), end: new Date(midnight + DAY_MS) };
  if (unit === "week") {
    const start = midnight - ((at.getUTCDay() + 6) % 7) * DAY_MS;
    return { start: new Date(start), end: new Date(start + 7 * DAY_MS) };
  }
  return { start: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)), end: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)) };
}

const CHARGE_KINDS = new Set(["LEAD_SALE", "CONVERSION_ACTION", "CONVERSION_SALE"]);
const conversionModel = (kind: string): PricingModel => (kind === "ACTION" ? "CPA" : "CPS");

/**
 * What the sales of [from, to) took from the advertiser's wallet, by offer × pricing model. The
 * lines sum to the wallet's net movement from those postings exactly: a correction Leadex cannot
 * tie to an offer still counts, on an "Other corrections" line.
 */
export async function periodInvoiceLines(db: Tx | Db, advertiserId: string, currency: string, from: Date, to: Date) {
  const wallet = ledgerAccounts.advertiserWallet(advertiserId, currency);
  const postings = await db.posting.findMany({
    where: { account: { code: wallet.code }, createdAt: { gte: from, lt: to }, entry: { kind: { in: [...SALES_JOURNAL_KINDS] } } },
    select: { amountCents: true, entry: { select: { id: true, kind: true, reversesId: true, idempotencyKey: true } } },
  });
  const entries = new Map<string, { kind: string; reversesId: string | null; key: string; cents: bigint }>();
  for (const p of postings) {
    const e = entries.get(p.entry.id) ?? { kind: p.entry.kind, reversesId: p.entry.reversesId, key: p.entry.idempotencyKey, cents: 0n };
    e.cents += p.amountCents;
    entries.set(p.entry.id, e);
  }
  const ids = [...entries.keys()];
  const reversed = [...entries.values()].flatMap((e) => (e.reversesId ? [e.reversesId] : []));
  // The sale or conversion behind an entry: its own row, the adjustment or dispute that posted it, or the entry it reverses.
  const [sales, conversions, adjustments, disputes] = await Promise.all([
    db.leadSale.findMany({
      where: { journalEntryId: { in: [...ids, ...reversed] }, advertiserId },
      select: { journalEntryId: true, pricingModel: true, order: { select: { offerId: true } } },
    }),
    db.conversion.findMany({ where: { journalEntryId: { in: ids }, advertiserId }, select: { journalEntryId: true, offerId: true, kind: true } }),
    db.conversionAdjustment.findMany({
      where: { journalEntryId: { in: ids }, conversion: { advertiserId } },
      select: { journalEntryId: true, conversion: { select: { offerId: true, kind: true } } },
    }),
    db.dispute.findMany({
      where: { journalEntryId: { in: ids }, advertiserId },
      select: { journalEntryId: true, offerId: true, conversionId: true, sale: { select: { pricingModel: true } } },
    }),
  ]);
  const disputedConversions = await db.conversion.findMany({
    where: { id: { in: disputes.flatMap((d) => (d.conversionId ? [d.conversionId] : [])) } },
    select: { id: true, kind: true },
  });
  const source = new Map<string, { offerId: string; model: PricingModel }>();
  for (const s of sales) source.set(s.journalEntryId!, { offerId: s.order.offerId, model: s.pricingModel });
  for (const c of conversions) source.set(c.journalEntryId!, { offerId: c.offerId, model: conversionModel(c.kind) });
  for (const a of adjustments) source.set(a.journalEntryId!, { offerId: a.conversion.offerId, model: conversionModel(a.conversion.kind) });
  for (const d of disputes) {
    const conversion = disputedConversions.find((c) => c.id === d.conversionId);
    source.set(d.journalEntryId!, { offerId: d.offerId, model: conversion ? conversionModel(conversion.kind) : d.sale.pricingModel });
  }
  const offers = await db.offer.findMany({
    where: { id: { in: [...new Set([...source.values()].map((s) => s.offerId))] } },
    select: { id: true, title: true },
  });

  const lines = new Map<string, InvoiceLine & { prices: Set<number> }>();
  for (const [id, e] of entries) {
    const from = source.get(id) ?? (e.reversesId ? source.get(e.reversesId) : undefined) ?? null;
    const key = from ? `${from.offerId}:${from.model}` : "other";
    const line = lines.get(key) ?? {
      offerId: from?.offerId ?? null,
      offerName: from ? (offers.find((o) => o.id === from.offerId)?.title ?? from.offerId) : "Other corrections",
      pricingModel: from?.model ?? null,
      count: 0,
      chargedCents: 0,
      adjustmentsCents: 0,
      unitPriceCents: null,
      amountCents: 0,
      prices: new Set<number>(),
    };
    const cents = Number(e.cents);
    if (CHARGE_KINDS.has(e.kind)) {
      line.count += 1;
      line.chargedCents += cents;
      line.prices.add(cents);
    } else line.adjustmentsCents += cents;
    line.amountCents += cents;
    lines.set(key, line);
  }
  const result: InvoiceLine[] = [...lines.values()]
    .map(({ prices, ...line }) => ({ ...line, unitPriceCents: prices.size === 1 ? [...prices][0] : null }))
    .filter((l) => l.amountCents !== 0 || l.count > 0)
    .sort((a, b) =>
      a.offerId === null ? 1 : b.offerId === null ? -1 : a.offerName.localeCompare(b.offerName) || a.pricingModel!.localeCompare(b.pricingModel!),
    );
  return { lines: result, totalCents: result.reduce((sum, l) => sum + l.amountCents, 0) };
}

const UNIT_WORDS: Record<PricingModel, [string, string]> = { CPL: ["lead", "leads"], CPA: ["action", "actions"], CPS: ["sale", "sales"] };

/** "Home insurance quotes (CPL): 12 leads × $25.00, returns and corrections −$50.00". */
export function describeInvoiceLine(line: InvoiceLine, currency: string): string {
  const words = line.pricingModel ? UNIT_WORDS[line.pricingModel] : ["item", "items"];
  const count = `${line.count} ${line.count === 1 ? words[0] : words[1]}`;
  const charged =
    line.unitPriceCents !== null && line.count > 0
      ? `${count} × ${formatMoney(line.unitPriceCents, currency)}`
      : `${count}, ${formatMoney(line.chargedCents, currency)}`;
  const adjusted = line.adjustmentsCents !== 0 ? `, returns and corrections ${formatMoney(line.adjustmentsCents, currency)}` : "";
  const name = line.pricingModel ? `${line.offerName} (${line.pricingModel})` : line.offerName;
  return line.count === 0 && line.offerId === null ? `${name}: ${formatMoney(line.amountCents, currency)}` : `${name}: ${charged}${adjusted}`;
}

/** Which closed periods of a postpaid advertiser's sales have money to invoice and no invoice yet. */
async function periodsToInvoice(advertiserId: string, since: Date, unit: InvoicePeriodUnit, now: Date, currency: string) {
  const closedBefore = periodContaining(unit, new Date(now.getTime() - SETTLE_MS)).start;
  if (since >= closedBefore) return [];
  const code = ledgerAccounts.advertiserWallet(advertiserId, currency).code;
  const rows = await prisma.$queryRaw<Array<{ start: Date; sum: bigint }>>`
    SELECT date_trunc(${unit}, p."createdAt") AS start, SUM(p."amountCents")::bigint AS sum
    FROM "Posting" p JOIN "LedgerAccount" a ON a.id = p."accountId" JOIN "JournalEntry" e ON e.id = p."entryId"
    WHERE a.code = ${code} AND e.kind = ANY(${[...SALES_JOURNAL_KINDS]}) AND p."createdAt" >= ${since} AND p."createdAt" < ${closedBefore}
    GROUP BY 1 ORDER BY 1`;
  const invoiced = await prisma.advertiserInvoice.findMany({
    where: { advertiserId, currency, periodStart: { in: rows.map((r) => r.start) } },
    select: { periodStart: true },
  });
  const done = new Set(invoiced.map((i) => i.periodStart.getTime()));
  return rows.filter((r) => r.sum > 0n && !done.has(r.start.getTime())).map((r) => periodContaining(unit, r.start));
}

/** Makes the period's invoice row (once, whoever runs at the same time); null when the period owes nothing. */
async function createPeriodInvoice(
  advertiser: { id: string; invoiceCollection: AdvertiserInvoice["collection"] },
  since: Date,
  period: { start: Date; end: Date },
) {
  const currency = DEFAULT_CURRENCY;
  const from = since > period.start ? since : period.start;
  const { lines, totalCents } = await periodInvoiceLines(prisma, advertiser.id, currency, from, period.end);
  if (totalCents <= 0) return null;
  await prisma.advertiserInvoice.createMany({
    data: [
      {
        advertiserId: advertiser.id,
        periodStart: period.start,
        periodEnd: period.end,
        currency,
        amountCents: totalCents,
        lines,
        collection: advertiser.invoiceCollection,
      },
    ],
    skipDuplicates: true,
  });
  return prisma.advertiserInvoice.findUniqueOrThrow({
    where: { advertiserId_periodStart_currency: { advertiserId: advertiser.id, periodStart: period.start, currency } },
  });
}

const unix = (at: Date) => Math.floor(at.getTime() / 1000);
const day = (at: Date) => at.toISOString().slice(0, 10);
const periodWords = (i: Pick<AdvertiserInvoice, "periodStart" | "periodEnd">) => `${day(i.periodStart)} to ${day(new Date(i.periodEnd.getTime() - 1))}`;

/**
 * Issues a DRAFT invoice on Stripe: a draft invoice, one item per line, finalized, then charged to
 * the saved card or sent. Every call is keyed on the invoice, so re-running it (a crash, a second
 * runner) repeats nothing. A declined card leaves it OPEN with the failure recorded.
 */
export async function issueInvoice(invoiceId: string): Promise<string> {
  const row = await prisma.advertiserInvoice.findUniqueOrThrow({ where: { id: invoiceId }, include: { advertiser: true } });
  if (row.status !== "DRAFT") return "already-issued";
  const stripe = getStripe();
  const customer = await ensureStripeCustomer(row.advertiserId);
  const charge = row.collection === "CHARGE_AUTOMATICALLY";
  const key = (step: string) => ({ idempotencyKey: `leadex:invoice:${row.id}:${step}` });
  const metadata = {
    advertiserInvoiceId: row.id,
    advertiserId: row.advertiserId,
    periodStart: row.periodStart.toISOString(),
    periodEnd: row.periodEnd.toISOString(),
  };
  let invoice = await stripe.invoices.create(
    {
      customer,
      currency: row.currency,
      collection_method: charge ? "charge_automatically" : "send_invoice",
      ...(charge
        ? row.advertiser.stripePaymentMethodId
          ? { default_payment_method: row.advertiser.stripePaymentMethodId }
          : {}
        : { days_until_due: row.advertiser.invoiceDaysUntilDue ?? getEnv().INVOICE_DAYS_UNTIL_DUE }),
      // Stripe retries a declined card (Smart Retries) and reminds of a sent invoice only when it auto-advances.
      auto_advance: true,
      pending_invoice_items_behavior: "exclude",
      description: `Leadex leads, actions and sales, ${periodWords(row)} (UTC)`,
      metadata,
    },
    key("create"),
  );
  await prisma.advertiserInvoice.update({ where: { id: row.id }, data: { stripeInvoiceId: invoice.id } });
  const lines = invoiceLinesSchema.parse(row.lines);
  for (const [i, line] of lines.entries()) {
    const countable = line.unitPriceCents !== null && line.adjustmentsCents === 0 && line.count > 0;
    await stripe.invoiceItems.create(
      {
        customer,
        invoice: invoice.id,
        currency: row.currency,
        ...(countable ? { quantity: line.count, unit_amount_decimal: Stripe.Decimal.from(String(line.unitPriceCents)) } : { amount: line.amountCents }),
        description: describeInvoiceLine(line, row.currency),
        period: { start: unix(row.periodStart), end: unix(row.periodEnd) },
        metadata: {
          advertiserInvoiceId: row.id,
          offerId: line.offerId ?? "",
          pricingModel: line.pricingModel ?? "",
          count: String(line.count),
          chargedCents: String(line.chargedCents),
          adjustmentsCents: String(line.adjustmentsCents),
        },
      },
      key(`item:${i}`),
    );
  }
  invoice = await stripe.invoices.retrieve(invoice.id);
  if (invoice.status === "draft") invoice = await stripe.invoices.finalizeInvoice(invoice.id, {}, key("finalize"));
  if (invoice.total !== row.amountCents)
    throw new Error(`Stripe invoice ${invoice.id} totals ${invoice.total}, not the ${row.amountCents} of invoice ${row.id}`);
  let failure: string | null = null;
  if (invoice.status === "open" && charge) {
    try {
      await stripe.invoices.pay(invoice.id, { off_session: true }, key("pay"));
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeError) || !error.statusCode || error.statusCode >= 500) throw error;
      failure = error.message;
    }
  } else if (invoice.status === "open") {
    await stripe.invoices.sendInvoice(invoice.id, {}, key("send"));
  }
  const loaded = await loadStripeInvoice(invoice.id);
  if (!loaded) throw new Error(`Stripe invoice ${invoice.id} lost its advertiserInvoiceId metadata`);
  return prisma.$transaction(async (tx) => {
    const result = await applyStripeInvoice(tx, loaded, failure ? { type: "invoice.payment_failed", failure } : null);
    return failure ? "payment-failed" : result;
  });
}

/** An invoice as Stripe has it now, with the charge (and its fee) that paid it. */
export interface LoadedInvoice {
  invoice: Stripe.Invoice;
  payment: StripeChargeFee | null;
}

/** Re-reads a Stripe invoice (outside any transaction); null when it is no invoice of Leadex's postpaid billing. */
export async function loadStripeInvoice(invoiceId: string): Promise<LoadedInvoice | null> {
  const invoice = await getStripe().invoices.retrieve(invoiceId, { expand: ["payments"] });
  if (!invoice.metadata?.advertiserInvoiceId) return null;
  let payment: StripeChargeFee | null = null;
  const paid = invoice.payments?.data.find((p) => p.status === "paid");
  const intent = paid?.payment.payment_intent;
  if (intent) payment = await loadPaymentIntentFee(typeof intent === "string" ? intent : intent.id);
  return { invoice, payment };
}

const STATUS_OF: Record<string, AdvertiserInvoiceStatus> = { draft: "DRAFT", open: "OPEN", paid: "PAID", void: "VOID", uncollectible: "UNCOLLECTIBLE" };

/**
 * Applies what Stripe says of an invoice now, inside the event's transaction: status, hosted page
 * and due date; once paid, the wallet credited once (`invoice-paid:<id>`) with Stripe's fee booked
 * as expense, and orders paused for it resumed; a failed payment recorded; past its grace, dunning.
 */
export async function applyStripeInvoice(
  tx: Tx,
  loaded: LoadedInvoice,
  event: { type: string; failure?: string } | null,
  now: Date = new Date(),
): Promise<string> {
  const { invoice, payment } = loaded;
  const ours = await tx.advertiserInvoice.findFirst({
    where: { OR: [{ stripeInvoiceId: invoice.id }, { id: invoice.metadata?.advertiserInvoiceId ?? "", stripeInvoiceId: null }] },
    select: { id: true },
  });
  if (!ours) return "unknown";
  await tx.$queryRaw`SELECT id FROM "AdvertiserInvoice" WHERE id = ${ours.id} FOR UPDATE`;
  const row = await tx.advertiserInvoice.findUniqueOrThrow({ where: { id: ours.id }, include: { advertiser: { select: { name: true } } } });
  const status = STATUS_OF[invoice.status ?? "draft"] ?? row.status;
  const finalizedAt = invoice.status_transitions?.finalized_at ?? null;
  const dueAt = invoice.due_date ? new Date(invoice.due_date * 1000) : finalizedAt ? new Date(finalizedAt * 1000) : row.dueAt;
  const data: Prisma.AdvertiserInvoiceUncheckedUpdateInput = {
    stripeInvoiceId: invoice.id,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? row.hostedInvoiceUrl,
    dueAt,
  };
  // A paid invoice stays PAID whatever older event arrives late.
  if (row.status !== "PAID") data.status = status;
  let result = `invoice-${status.toLowerCase()}`;

  if (invoice.status === "paid" && !row.paidEntryId) {
    if (invoice.amount_paid !== row.amountCents || invoice.currency !== row.currency) {
      throw new Error(
        `Stripe invoice ${invoice.id} paid ${invoice.amount_paid} ${invoice.currency}, not the ${row.amountCents} ${row.currency} of invoice ${row.id}`,
      );
    }
    if (!payment) throw new Error(`Stripe invoice ${invoice.id} is paid but shows no charge with a balance transaction yet`);
    const wallet = ledgerAccounts.advertiserWallet(row.advertiserId, row.currency);
    await ensureLedgerAccount(tx, wallet);
    const { entryId } = await postJournalEntry(tx, {
      idempotencyKey: `invoice-paid:${row.id}`,
      kind: "INVOICE_PAYMENT",
      description: `Invoice ${invoice.number ?? invoice.id} for ${periodWords(row)} paid: ${formatMoney(row.amountCents, row.currency)} (charge ${payment.chargeId})`,
      postings: [
        { account: ledgerAccounts.stripeCash(row.currency), amountCents: BigInt(row.amountCents) },
        { account: wallet, amountCents: -BigInt(row.amountCents) },
      ],
      stripeObjectId: payment.chargeId,
    });
    await postStripeFee(tx, payment, `invoice ${row.id}`);
    Object.assign(data, { status: "PAID", paidEntryId: entryId, paidAt: now, paymentFailedAt: null, paymentFailureMessage: null });
    await recordAudit(tx, {
      actorId: null,
      action: "invoice.paid",
      targetType: INVOICE_TARGET,
      targetId: row.id,
      data: { entryId, chargeId: payment.chargeId },
    });
    await tx.advertiserInvoice.update({ where: { id: row.id }, data });
    const resumed = row.overduePausedAt ? await resumeAfterPayment(tx, row.advertiserId) : 0;
    if (row.overduePausedAt) {
      await tellAdvertiser(tx, row.advertiserId, row.id, `Invoice for ${periodWords(row)} paid: ${resumed} order(s) resumed.`);
    }
    return "invoice-paid";
  }
  if (event?.type === "invoice.payment_failed" && invoice.status === "open") {
    const message = event.failure ?? `Stripe could not collect the payment (attempt ${invoice.attempt_count})`;
    Object.assign(data, { paymentFailedAt: now, paymentFailureMessage: message });
    if (!row.paymentFailedAt) {
      await tellAdvertiser(
        tx,
        row.advertiserId,
        row.id,
        `Payment of your invoice for ${periodWords(row)} failed: ${message}. Pay it on Stripe's page from Billing.`,
      );
    }
    result = "invoice-payment-failed";
  }
  await tx.advertiserInvoice.update({ where: { id: row.id }, data });
  if (status === "OPEN" && row.status !== "PAID" && dueAt && !row.overduePausedAt && pastGrace(dueAt, now)) {
    await pauseForOverdueInvoice(tx, { ...row, dueAt }, now);
    result = "invoice-overdue-paused";
  }
  return result;
}

const pastGrace = (dueAt: Date, now: Date) => dueAt.getTime() + getEnv().INVOICE_GRACE_DAYS * DAY_MS <= now.getTime();

/** Dunning: pauses the advertiser's open orders (only Leadex resumes them, when the invoice is paid) and tells the advertiser and the admins. */
async function pauseForOverdueInvoice(tx: Tx, row: AdvertiserInvoice & { advertiser: { name: string } }, now: Date) {
  const { count } = await tx.order.updateMany({
    where: { advertiserId: row.advertiserId, status: "OPEN" },
    data: { status: "PAUSED", pauseReason: "INVOICE_OVERDUE" },
  });
  await tx.advertiserInvoice.update({ where: { id: row.id }, data: { overduePausedAt: now } });
  await recordAudit(tx, { actorId: null, action: "invoice.overdue_orders_paused", targetType: INVOICE_TARGET, targetId: row.id, data: { orders: count } });
  const amount = formatMoney(row.amountCents, row.currency);
  await tellAdvertiser(
    tx,
    row.advertiserId,
    row.id,
    `Your invoice of ${amount} for ${periodWords(row)} is overdue: your orders are paused until it is paid. Pay it from Billing.`,
  );
  const admins = await tx.user.findMany({ where: { role: "ADMIN" }, select: { id: true } });
  for (const a of admins) {
    await recordNotice(tx, a.id, {
      kind: "INVOICE",
      data: {
        invoiceId: row.id,
        message: `${row.advertiser.name}'s invoice of ${amount} for ${periodWords(row)} is overdue: ${count} order(s) paused.`,
        href: `/admin/billing/${row.advertiserId}`,
      },
    });
  }
}

async function tellAdvertiser(tx: Tx, advertiserId: string, invoiceId: string, message: string) {
  const members = await tx.user.findMany({ where: { companyId: advertiserId }, select: { id: true } });
  for (const m of members) await recordNotice(tx, m.id, { kind: "INVOICE", data: { invoiceId, message, href: "/advertiser/billing#invoices" } });
}

/** Resumes the orders dunning paused once no invoice of the advertiser is overdue; a card dispute keeps them held (under its own reason). */
async function resumeAfterPayment(tx: Tx, advertiserId: string): Promise<number> {
  if (await heldForOverdueInvoice(tx, advertiserId)) return 0;
  const where = { advertiserId, status: "PAUSED" as const, pauseReason: "INVOICE_OVERDUE" as const };
  if (await heldForCardDispute(tx, advertiserId)) {
    await tx.order.updateMany({ where, data: { pauseReason: "CARD_DISPUTE" } });
    return 0;
  }
  const { count } = await tx.order.updateMany({ where, data: { status: "OPEN", pauseReason: null } });
  return count;
}

/** Whether an overdue invoice holds the advertiser's orders. */
export async function heldForOverdueInvoice(db: Tx | Db, advertiserId: string): Promise<boolean> {
  return (await db.advertiserInvoice.count({ where: { advertiserId, status: "OPEN", overduePausedAt: { not: null } } })) > 0;
}

/**
 * The `postpaid-invoices` task: invoices every closed period of every postpaid advertiser that
 * owes something, issues drafts left by an earlier run, then re-reads from Stripe every OPEN
 * invoice past its due date and grace (a lost invoice.paid is applied; an unpaid one pauses
 * orders). Safe to run twice at once.
 */
export async function runPostpaidInvoices(opts: { now?: Date; unit?: InvoicePeriodUnit } = {}) {
  const now = opts.now ?? new Date();
  const unit = opts.unit ?? getEnv().INVOICE_PERIOD;
  const advertisers = await prisma.company.findMany({
    where: { kind: "ADVERTISER", creditLimitCents: { gt: 0 } },
    select: { id: true, postpaidSince: true, createdAt: true, invoiceCollection: true },
  });
  let created = 0;
  for (const advertiser of advertisers) {
    const since = advertiser.postpaidSince ?? advertiser.createdAt;
    for (const period of await periodsToInvoice(advertiser.id, since, unit, now, DEFAULT_CURRENCY)) {
      if (await createPeriodInvoice(advertiser, since, period)) created++;
    }
  }
  const drafts = await prisma.advertiserInvoice.findMany({ where: { status: "DRAFT" }, select: { id: true }, orderBy: { createdAt: "asc" } });
  const issued: Record<string, number> = {};
  for (const { id } of drafts) {
    const outcome = await issueInvoice(id);
    issued[outcome] = (issued[outcome] ?? 0) + 1;
  }
  const dunning = await sweepOverdueInvoices(now);
  return { created, issued, ...dunning };
}

/** Re-reads each OPEN invoice past its due date and grace, not yet acted on, and applies it (paid, or dunning). */
export async function sweepOverdueInvoices(now: Date = new Date()) {
  const due = await prisma.advertiserInvoice.findMany({
    where: {
      status: "OPEN",
      overduePausedAt: null,
      stripeInvoiceId: { not: null },
      dueAt: { lte: new Date(now.getTime() - getEnv().INVOICE_GRACE_DAYS * DAY_MS) },
    },
    select: { stripeInvoiceId: true },
  });
  const outcomes: Record<string, number> = {};
  for (const { stripeInvoiceId } of due) {
    const loaded = await loadStripeInvoice(stripeInvoiceId!);
    if (!loaded) continue;
    const outcome = await prisma.$transaction((tx) => applyStripeInvoice(tx, loaded, null, now));
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  return { overdue: outcomes };
}

// ---- who sees and changes what ------------------------------------------------------------------

const INVOICES_SHOWN = 50;

const invoiceView = (i: AdvertiserInvoice) => ({
  id: i.id,
  periodStart: i.periodStart,
  periodEnd: new Date(i.periodEnd.getTime() - 1),
  amountCents: i.amountCents,
  currency: i.currency,
  status: i.status,
  collection: i.collection,
  hostedInvoiceUrl: i.status === "OPEN" ? i.hostedInvoiceUrl : null,
  dueAt: i.dueAt,
  paidAt: i.paidAt,
  overdue: i.overduePausedAt !== null && i.status === "OPEN",
  paymentFailure: i.status === "OPEN" && i.paymentFailedAt ? i.paymentFailureMessage : null,
  lines: invoiceLinesSchema.parse(i.lines),
});
export type InvoiceView = ReturnType<typeof invoiceView>;

async function postpaidView(advertiserId: string) {
  const company = await prisma.company.findFirst({
    where: { id: advertiserId, kind: "ADVERTISER" },
    select: { creditLimitCents: true, invoiceCollection: true, invoiceDaysUntilDue: true, postpaidSince: true, cardBrand: true, cardLast4: true },
  });
  if (!company) throw new NotFoundError("Advertiser");
  const [wallet, invoices, total] = await Promise.all([
    balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiserId, DEFAULT_CURRENCY)),
    prisma.advertiserInvoice.findMany({ where: { advertiserId }, orderBy: [{ periodStart: "desc" }, { id: "desc" }], take: INVOICES_SHOWN }),
    prisma.advertiserInvoice.count({ where: { advertiserId } }),
  ]);
  const views = invoices.map(invoiceView);
  return {
    postpaid: company.creditLimitCents > 0,
    creditLimitCents: company.creditLimitCents,
    usedCents: wallet < 0n ? Number(-wallet) : 0,
    collection: company.invoiceCollection,
    daysUntilDue: company.invoiceDaysUntilDue,
    defaultDaysUntilDue: getEnv().INVOICE_DAYS_UNTIL_DUE,
    card: company.cardLast4 ? `${company.cardBrand ?? "card"} •••• ${company.cardLast4}` : null,
    invoices: views,
    invoiceCount: total,
    overdueHold: views.some((v) => v.overdue) || (await heldForOverdueInvoice(prisma, advertiserId)),
  };
}

/** The advertiser's own postpaid terms, credit used and invoices. */
export async function getOwnPostpaid(actor: Actor) {
  requirePermission(actor, "read:billing:own");
  return postpaidView(actor.companyId);
}

/** The admin's view of one advertiser's postpaid terms and invoices. */
export async function getAdvertiserPostpaid(admin: Actor, advertiserId: string) {
  requirePermission(admin, "read:billing:any");
  return postpaidView(advertiserId);
}

/**
 * The admin grants (or changes, or ends with 0) an advertiser's credit limit and how its invoices
 * are collected; audited. Sales from the first grant on are invoiced; ending postpaid leaves any
 * sales not yet invoiced on the wallet, to be paid by a top-up.
 */
export async function setPostpaidTerms(admin: Actor, advertiserId: string, terms: PostpaidTerms) {
  requirePermission(admin, "write:billing:any");
  return prisma.$transaction(async (tx) => {
    const company = await tx.company.findFirst({
      where: { id: advertiserId, kind: "ADVERTISER" },
      select: { creditLimitCents: true, invoiceCollection: true, invoiceDaysUntilDue: true, postpaidSince: true },
    });
    if (!company) throw new NotFoundError("Advertiser");
    const postpaidSince = terms.creditLimit > 0 ? (company.creditLimitCents > 0 && company.postpaidSince ? company.postpaidSince : new Date()) : null;
    const after = { creditLimitCents: terms.creditLimit, invoiceCollection: terms.collection, invoiceDaysUntilDue: terms.daysUntilDue, postpaidSince };
    await tx.company.update({ where: { id: advertiserId }, data: after });
    await recordAudit(tx, {
      actorId: admin.userId,
      action: "billing.postpaid_terms_set",
      targetType: "Company",
      targetId: advertiserId,
      data: {
        before: { creditLimitCents: company.creditLimitCents, invoiceCollection: company.invoiceCollection, invoiceDaysUntilDue: company.invoiceDaysUntilDue },
        after: { creditLimitCents: terms.creditLimit, invoiceCollection: terms.collection, invoiceDaysUntilDue: terms.daysUntilDue },
      },
    });
    return after;
  });
}
