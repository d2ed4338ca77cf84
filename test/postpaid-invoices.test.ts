import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { billConversion } from "~/modules/conversions/conversion-billing.server";
import { processReceivedLead } from "~/modules/leads/lead-pipeline.server";
import { periodContaining, runPostpaidInvoices, setPostpaidTerms, sweepOverdueInvoices } from "~/modules/billing/postpaid-invoices.server";
import type { InvoiceCollectionValue, InvoiceLine } from "~/modules/billing/postpaid.schema";
import { getStripe } from "~/modules/billing/stripe.server";
import { ensureStripeCustomer } from "~/modules/billing/top-ups.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { setOwnOrderStatus } from "~/modules/orders/orders.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { getPage, signIn, submitAndFollow, submitForm, useTestStack } from "./support/app";
import { CPA_EVENTS, postConversion } from "./support/conversions";
import { expectCashEqualsStripe, expectLedgerInvariants } from "./support/ledger-invariants";
import { leadSoldInProcess } from "./support/sold-in-process";
import { waitFor } from "./support/wait";

const stack = useTestStack({ workers: false });

const DAY = 24 * 60 * 60 * 1000;
const walletOf = (companyId: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(companyId, "usd"));

/** A postpaid advertiser (credit limit granted by an admin) with a CPL order at $30 and a CPA order. */
async function postpaidBuyer(opts: { limitCents: number; collection: InvoiceCollectionValue; card?: boolean }) {
  const admin = await makeAdmin();
  const affiliate = await makeAffiliate();
  const cplOffer = await makeOffer(affiliate.actor, { title: "Auto insurance leads", priceCents: 2500 });
  const cpaOffer = await makeOffer(affiliate.actor, { title: "Loan applications", pricingModel: "CPA", priceCents: 0, conversionEvents: CPA_EVENTS });
  const buyer = await makeAdvertiser();
  const id = buyer.actor.companyId;
  const cplOrder = await makeOrder(buyer.actor, cplOffer.id, { priceCents: 3000 });
  const cpaOrder = await makeOrder(buyer.actor, cpaOffer.id, { priceCents: undefined });
  await setPostpaidTerms(admin.actor, id, { creditLimit: opts.limitCents, collection: opts.collection, daysUntilDue: null });
  if (opts.card) {
    const customer = await ensureStripeCustomer(id);
    const card = await stack().emulator.saveCard(customer, "4242424242424242", { default: true });
    await prisma.company.update({ where: { id }, data: { stripePaymentMethodId: card.id, cardBrand: "visa", cardLast4: "4242" } });
  }
  return { admin, affiliate, cplOffer, cpaOffer, buyer, id, cplOrder, cpaOrder };
}

type Buyer = Awaited<ReturnType<typeof postpaidBuyer>>;

/** A CPA action billed in process: a lead delivered to the CPA order, the buyer's conversion postback, the billing. */
async function billedAction(b: Buyer, event: "application" | "funded") {
  const leadId = await leadSoldInProcess(stack().appUrl, b.affiliate.apiKey, b.cpaOffer.id);
  const answer = await postConversion(stack().appUrl, b.buyer.apiKey, { lead_id: leadId, conversion_id: `c-${leadId}`, event });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  expect(await billConversion(answer.body.leadex_conversion_id)).toBe("billed");
  return answer.body.leadex_conversion_id as string;
}

/** Moves a sale's ledger entry to another time, as if it had been billed then. */
async function billedAt(entryId: string, at: Date) {
  await prisma.posting.updateMany({ where: { entryId }, data: { createdAt: at } });
  await prisma.journalEntry.update({ where: { id: entryId }, data: { createdAt: at } });
}

const invoicesOf = (advertiserId: string) => prisma.advertiserInvoice.findMany({ where: { advertiserId }, orderBy: { periodStart: "asc" } });

/** The day (UTC) the test's sales are billed in, and a "now" just after it closed. */
function today() {
  const period = periodContaining("day", new Date());
  return { period, after: new Date(period.end.getTime() + 60 * 60 * 1000) };
}

async function expectMoneyInvariants() {
  await stack().emulator.waitForWebhooks();
  await expectLedgerInvariants();
  await expectCashEqualsStripe();
}

describe("postpaid advertisers and their invoices", () => {
  it("a postpaid advertiser cannot pass the credit limit: the lead that would is not sold to it", async () => {
    const b = await postpaidBuyer({ limitCents: 5_000, collection: "SEND_INVOICE" });
    await prisma.order.update({ where: { id: b.cpaOrder.id }, data: { status: "PAUSED" } });
    await leadSoldInProcess(stack().appUrl, b.affiliate.apiKey, b.cplOffer.id);
    expect(await walletOf(b.id)).toBe(-3_000n);
    const posted = await postLead(stack().appUrl, b.affiliate.apiKey, { offer_id: b.cplOffer.id, lead_id: affiliateLeadId(), ...leadFields() });
    expect(posted.status).toBe(201);
    expect(await processReceivedLead(posted.body.lead_id)).not.toBe("sold");
    expect(await walletOf(b.id)).toBe(-3_000n);
    expect(await prisma.leadSale.count({ where: { leadId: posted.body.lead_id } })).toBe(0);

    // The admin's page and the audit log show the terms; the advertiser sees the credit used.
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: "billing.postpaid_terms_set", targetId: b.id } });
    expect(audit.data).toMatchObject({ after: { creditLimitCents: 5_000, invoiceCollection: "SEND_INVOICE" } });
    const cookie = await signIn(stack().appUrl, b.buyer.email, b.buyer.password);
    const page = await getPage(stack().appUrl, "/advertiser/billing", cookie);
    expect(page.text).toContain("Postpaid — credit limit $50.00, used $30.00");
    await expectMoneyInvariants();
  });

  it("the admin grants a credit limit on the advertiser's billing page, audited", async () => {
    const admin = await makeAdmin();
    const buyer = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, admin.email, admin.password);
    const path = `/admin/billing/${buyer.actor.companyId}`;
    const bad = await submitForm(stack().appUrl, path, { intent: "postpaid", creditLimit: "lots", collection: "SEND_INVOICE", daysUntilDue: "" }, cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Enter a credit limit");
    const ok = await submitAndFollow(stack().appUrl, path, { intent: "postpaid", creditLimit: "2500", collection: "SEND_INVOICE", daysUntilDue: "30" }, cookie);
    expect(ok.status).toBe(302);
    expect(ok.text).toContain("Postpaid: credit limit $2,500.00, invoices sent to pay.");
    expect(await prisma.company.findUniqueOrThrow({ where: { id: buyer.actor.companyId } })).toMatchObject({
      creditLimitCents: 250_000,
      invoiceCollection: "SEND_INVOICE",
      invoiceDaysUntilDue: 30,
    });
    expect(await prisma.auditLog.count({ where: { action: "billing.postpaid_terms_set", targetId: buyer.actor.companyId, actorId: admin.actor.userId } })).toBe(
      1,
    );
  });

  it("the period's invoice holds exactly the period's sales, one line per offer × model; running the task twice at once makes one invoice", async () => {
    const b = await postpaidBuyer({ limitCents: 100_000, collection: "SEND_INVOICE" });
    const { period, after } = today();
    await prisma.company.update({ where: { id: b.id }, data: { postpaidSince: new Date(period.start.getTime() - DAY) } });
    const leads = [];
    for (let i = 0; i < 4; i++) leads.push(await leadSoldInProcess(stack().appUrl, b.affiliate.apiKey, b.cplOffer.id));
    await billedAction(b, "application");
    await billedAction(b, "application");
    // One lead billed the day before (its own period) and one the day after (not closed yet).
    const sales = await prisma.leadSale.findMany({ where: { leadId: { in: leads } }, orderBy: { soldAt: "asc" } });
    await billedAt(sales[0].journalEntryId!, new Date(period.start.getTime() - 60_000));
    await billedAt(sales[1].journalEntryId!, new Date(period.end.getTime() + 60_000));

    await Promise.all([runPostpaidInvoices({ now: after, unit: "day" }), runPostpaidInvoices({ now: after, unit: "day" })]);
    await runPostpaidInvoices({ now: after, unit: "day" });

    const invoices = await invoicesOf(b.id);
    expect(invoices.map((i) => [i.periodStart.getTime(), i.amountCents])).toEqual([
      [period.start.getTime() - DAY, 3_000],
      [period.start.getTime(), 2 * 3_000 + 2 * 1_500],
    ]);
    const invoice = invoices[1];
    expect(invoice.lines as InvoiceLine[]).toEqual([
      {
        offerId: b.cplOffer.id,
        offerName: "Auto insurance leads",
        pricingModel: "CPL",
        count: 2,
        chargedCents: 6_000,
        adjustmentsCents: 0,
        unitPriceCents: 3_000,
        amountCents: 6_000,
      },
      {
        offerId: b.cpaOffer.id,
        offerName: "Loan applications",
        pricingModel: "CPA",
        count: 2,
        chargedCents: 3_000,
        adjustmentsCents: 0,
        unitPriceCents: 1_500,
        amountCents: 3_000,
      },
    ]);
    // What the period's sales took from the wallet, to the cent.
    const debited = await prisma.posting.aggregate({
      where: { account: { code: ledgerAccounts.advertiserWallet(b.id, "usd").code }, createdAt: { gte: period.start, lt: period.end } },
      _sum: { amountCents: true },
    });
    expect(debited._sum.amountCents).toBe(BigInt(invoice.amountCents));

    // On Stripe: one invoice per period, one item per line, sent with the terms' days to pay.
    const company = await prisma.company.findUniqueOrThrow({ where: { id: b.id } });
    const atStripe = await getStripe().invoices.list({ customer: company.stripeCustomerId! });
    expect(atStripe.data).toHaveLength(2);
    const stripeInvoice = await getStripe().invoices.retrieve(invoice.stripeInvoiceId!);
    expect(stripeInvoice).toMatchObject({ status: "open", collection_method: "send_invoice", total: 9_000, metadata: { advertiserInvoiceId: invoice.id } });
    expect(stripeInvoice.lines.data.map((l) => [l.quantity, l.amount, l.description])).toEqual([
      [2, 6_000, "Auto insurance leads (CPL): 2 leads × $30.00"],
      [2, 3_000, "Loan applications (CPA): 2 actions × $15.00"],
    ]);
    expect(stripeInvoice.lines.data[0].metadata).toMatchObject({ offerId: b.cplOffer.id, pricingModel: "CPL", count: "2" });
    expect(stripeInvoice.due_date! - stripeInvoice.status_transitions.finalized_at!).toBe(14 * 24 * 60 * 60);
    await waitFor(
      "invoice.finalized to record the hosted page",
      async () => (await prisma.advertiserInvoice.findUniqueOrThrow({ where: { id: invoice.id } })).hostedInvoiceUrl,
    );
    expect(
      stack()
        .emulator.deliveredEvents()
        .some((e) => e.type === "invoice.sent" && (e.data.object as Stripe.Invoice).id === stripeInvoice.id),
    ).toBe(true);

    const cookie = await signIn(stack().appUrl, b.buyer.email, b.buyer.password);
    const page = await getPage(stack().appUrl, "/advertiser/billing", cookie);
    expect(page.text).toContain("$90.00");
    expect(page.text).toContain("Pay on Stripe");
    await expectMoneyInvariants();
  });

  it("charge_automatically charges the saved card; invoice.paid delivered twice credits the wallet once, with Stripe's fee booked on the charge", async () => {
    const b = await postpaidBuyer({ limitCents: 100_000, collection: "CHARGE_AUTOMATICALLY", card: true });
    const { after } = today();
    await prisma.order.update({ where: { id: b.cpaOrder.id }, data: { status: "PAUSED" } });
    await leadSoldInProcess(stack().appUrl, b.affiliate.apiKey, b.cplOffer.id);
    await leadSoldInProcess(stack().appUrl, b.affiliate.apiKey, b.cplOffer.id);
    expect(await walletOf(b.id)).toBe(-6_000n);

    await runPostpaidInvoices({ now: after, unit: "day" });
    const [invoice] = await invoicesOf(b.id);
    expect(invoice).toMatchObject({ status: "PAID", amountCents: 6_000, collection: "CHARGE_AUTOMATICALLY" });
    expect(await walletOf(b.id)).toBe(0n);

    await stack().emulator.waitForWebhooks();
    const paidEvents = stack()
      .emulator.deliveredEvents()
      .filter((e) => e.type === "invoice.paid" && (e.data.object as Stripe.Invoice).id === invoice.stripeInvoiceId);
    expect(paidEvents).toHaveLength(1);
    expect(await stack().emulator.resendEvent(paidEvents[0].id)).toBe(200);
    expect(await stack().emulator.resendEvent(paidEvents[0].id)).toBe(200);
    expect(await walletOf(b.id)).toBe(0n);

    const entry = await prisma.journalEntry.findUniqueOrThrow({ where: { idempotencyKey: `invoice-paid:${invoice.id}` } });
    expect(entry.id).toBe(invoice.paidEntryId);
    expect(entry.stripeObjectId).toMatch(/^ch_/);
    const fee = await prisma.journalEntry.findFirstOrThrow({ where: { kind: "STRIPE_FEE", stripeObjectId: entry.stripeObjectId } });
    expect(fee.description).toContain(`invoice ${invoice.id}`);

    // The statement names the invoice payment.
    const cookie = await signIn(stack().appUrl, b.buyer.email, b.buyer.password);
    const page = await getPage(stack().appUrl, "/advertiser/billing", cookie);
    expect(page.text).toContain("Invoice paid (postpaid): credited");
    await expectMoneyInvariants();
  });

  it("an overdue sent invoice pauses the orders (the advertiser cannot resume them); paying it on Stripe's page resumes them", async () => {
    const b = await postpaidBuyer({ limitCents: 100_000, collection: "SEND_INVOICE" });
    const { after } = today();
    await leadSoldInProcess(stack().appUrl, b.affiliate.apiKey, b.cplOffer.id);
    await runPostpaidInvoices({ now: after, unit: "day" });
    const [invoice] = await invoicesOf(b.id);
    expect(invoice.status).toBe("OPEN");

    await stack().emulator.makeInvoiceOverdue(invoice.stripeInvoiceId!);
    const overdue = await waitFor("invoice.overdue to move the due date", async () => {
      const row = await prisma.advertiserInvoice.findUniqueOrThrow({ where: { id: invoice.id } });
      return row.dueAt && row.dueAt.getTime() < Date.now() ? row : undefined;
    });
    // Inside the grace period nothing is paused yet; past it, the sweep pauses.
    expect((await prisma.order.findUniqueOrThrow({ where: { id: b.cplOrder.id } })).status).toBe("OPEN");
    await sweepOverdueInvoices(new Date(overdue.dueAt!.getTime() + 8 * DAY));
    for (const id of [b.cplOrder.id, b.cpaOrder.id]) {
      expect(await prisma.order.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "PAUSED", pauseReason: "INVOICE_OVERDUE" });
    }
    expect((await prisma.advertiserInvoice.findUniqueOrThrow({ where: { id: invoice.id } })).overduePausedAt).not.toBeNull();
    await expect(setOwnOrderStatus(b.buyer.actor, b.cplOrder.id, "OPEN")).rejects.toThrow(/an invoice is overdue/);
    expect(await prisma.userNotice.count({ where: { userId: b.admin.actor.userId!, kind: "INVOICE" } })).toBe(1);
    expect(await prisma.userNotice.count({ where: { user: { companyId: b.id }, kind: "INVOICE" } })).toBeGreaterThan(0);
    // A second sweep pauses nothing more.
    await sweepOverdueInvoices(new Date(overdue.dueAt!.getTime() + 9 * DAY));
    expect(await prisma.auditLog.count({ where: { action: "invoice.overdue_orders_paused", targetId: invoice.id } })).toBe(1);

    const cookie = await signIn(stack().appUrl, b.buyer.email, b.buyer.password);
    const billing = await getPage(stack().appUrl, "/advertiser/billing", cookie);
    expect(billing.text).toContain("An invoice is overdue: your orders are paused until it is paid.");
    const adminCookie = await signIn(stack().appUrl, b.admin.email, b.admin.password);
    const adminPage = await getPage(stack().appUrl, `/admin/billing/${b.id}`, adminCookie);
    expect(adminPage.text).toContain("overdue");

    await stack().emulator.payInvoiceOnHostedPage(invoice.stripeInvoiceId!);
    await waitFor(
      "invoice.paid to credit the wallet",
      async () => (await prisma.advertiserInvoice.findUniqueOrThrow({ where: { id: invoice.id } })).status === "PAID",
    );
    expect(await walletOf(b.id)).toBe(0n);
    for (const id of [b.cplOrder.id, b.cpaOrder.id]) {
      expect(await prisma.order.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "OPEN", pauseReason: null });
    }
    const after2 = await getPage(stack().appUrl, "/advertiser/billing", cookie);
    expect(after2.text).not.toContain("An invoice is overdue");
    await expectMoneyInvariants();
  });

  it("a period that owes nothing makes no invoice", async () => {
    const b = await postpaidBuyer({ limitCents: 100_000, collection: "CHARGE_AUTOMATICALLY" });
    await runPostpaidInvoices({ now: today().after, unit: "day" });
    expect(await invoicesOf(b.id)).toEqual([]);
  });
});
