import { saveAutoRechargeSettings } from "~/modules/billing/auto-recharge.server";
import { runPostpaidInvoices, setPostpaidTerms } from "~/modules/billing/postpaid-invoices.server";
import { startCardSetup } from "~/modules/billing/saved-cards.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { runLedgerReconciliation } from "~/modules/reconciliation/ledger-reconciliation.server";
import { prisma } from "~/utils/db.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import type { StripeEmulator } from "../scripts/stripe-emulator/stripe-emulator";
import { makeAdvertiser } from "../test/factories/accounts";
import { leadFields, postLead } from "../test/factories/leads";
import { makeOffer, makeOrder } from "../test/factories/marketplace";
import { waitFor } from "../test/support/wait";

// The demo's buyer billing, each step through the module a person's click (or a webhook) calls:
// National Home Cover saves a card on the emulator's Checkout page and turns on auto-recharge,
// which recharges its wallet at once; Metro Home Loans is postpaid (an admin granted credit) and
// holds last month's invoice, charged to its saved card; a ledger reconciliation run ends it, so
// the admin's finance page opens on a run proving the books match the Stripe emulator.

export interface BillingDemoAccounts {
  appUrl: string;
  nationalEmail: string;
  postpaid: { email: string; password: string };
  adminEmail: string;
  affiliateApiKey: string;
  affiliateEmail: string;
}

async function actorOf(email: string): Promise<Actor> {
  const user = await prisma.user.findUniqueOrThrow({ where: { email } });
  return { userId: user.id, companyId: user.companyId ?? "", role: user.role };
}

async function saveDemoCard(actor: Actor, emulator: StripeEmulator) {
  const url = await startCardSetup(actor);
  await emulator.completeCheckoutSession(new URL(url).pathname.split("/").pop()!);
  await waitFor("the demo card to be saved", async () => (await prisma.company.findUniqueOrThrow({ where: { id: actor.companyId } })).cardLast4 !== null, {
    timeoutMs: 30_000,
    intervalMs: 200,
  });
}

async function seedAutoRecharge(email: string, emulator: StripeEmulator, log: (line: string) => void) {
  const actor = await actorOf(email);
  await saveDemoCard(actor, emulator);
  const balance = await balanceCents(prisma, ledgerAccounts.advertiserWallet(actor.companyId, DEFAULT_CURRENCY));
  // A threshold above today's balance: the first check recharges, as a sale taking it below would.
  const thresholdCents = Number(balance) + 5_000;
  await saveAutoRechargeSettings(actor, { enabled: true, threshold: thresholdCents, amount: 20_000 });
  // Saving the settings checks the wallet at once, as each sale does afterwards: it is below, so it recharges.
  await waitFor(
    "the auto-recharge to be credited by its webhook",
    async () => (await prisma.topUp.count({ where: { advertiserId: actor.companyId, kind: "AUTO_RECHARGE", status: "PAID" } })) > 0,
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  log(`${email}: card •••• 4242 saved; auto-recharge of $200.00 below ${formatMoney(thresholdCents, DEFAULT_CURRENCY)}, recharged once by its webhook`);
}

async function seedPostpaid(accounts: BillingDemoAccounts, emulator: StripeEmulator, log: (line: string) => void) {
  const admin = await actorOf(accounts.adminEmail);
  const affiliate = await actorOf(accounts.affiliateEmail);
  const buyer = await makeAdvertiser({
    email: accounts.postpaid.email,
    password: accounts.postpaid.password,
    companyName: "Metro Home Loans",
    name: "Mo Metro",
  });
  const offer = await makeOffer(affiliate, { title: "Mortgage refinance leads (TX)", priceCents: 4000 });
  await makeOrder(buyer.actor, offer.id, { priceCents: 4500, dailyCap: 20 });
  await setPostpaidTerms(admin, buyer.actor.companyId, { creditLimit: 100_000, collection: "CHARGE_AUTOMATICALLY", daysUntilDue: null });
  await saveDemoCard(buyer.actor, emulator);

  const people = [
    { first_name: "Grace", last_name: "Turner", postal_code: "75201" },
    { first_name: "Henry", last_name: "Walker", postal_code: "77005" },
    { first_name: "Isla", last_name: "Nguyen", postal_code: "78704" },
  ];
  const leadIds: string[] = [];
  for (const [i, person] of people.entries()) {
    const fields = leadFields({ ...person, state: "TX", email: `${person.first_name.toLowerCase()}.${person.last_name.toLowerCase()}@example.com` });
    const answer = await postLead(accounts.appUrl, accounts.affiliateApiKey, { offer_id: offer.id, lead_id: `sunrise-refi-${i + 1}`, s1: "bing", ...fields });
    if (answer.status !== 201) throw new Error(`demo postback failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    leadIds.push(answer.body.lead_id);
  }
  await waitFor("the refinance leads to be sold", async () => (await prisma.leadSale.count({ where: { leadId: { in: leadIds } } })) === leadIds.length, {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
  // Billed last month, as if the advertiser had been postpaid since: the monthly run invoices that closed month.
  const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 15, 15));
  const sales = await prisma.leadSale.findMany({ where: { leadId: { in: leadIds } }, select: { journalEntryId: true } });
  const entryIds = sales.map((s) => s.journalEntryId).filter((id): id is string => id !== null);
  await prisma.posting.updateMany({ where: { entryId: { in: entryIds } }, data: { createdAt: lastMonth } });
  await prisma.journalEntry.updateMany({ where: { id: { in: entryIds } }, data: { createdAt: lastMonth } });
  await prisma.leadSale.updateMany({ where: { leadId: { in: leadIds } }, data: { soldAt: lastMonth } });
  await prisma.company.update({ where: { id: buyer.actor.companyId }, data: { postpaidSince: new Date(lastMonth.getTime() - 10 * 86_400_000) } });

  await runPostpaidInvoices({ unit: "month" });
  const invoice = await waitFor(
    "the demo invoice to be paid",
    async () => (await prisma.advertiserInvoice.findFirst({ where: { advertiserId: buyer.actor.companyId, status: "PAID" } })) ?? undefined,
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  log(
    `${accounts.postpaid.email}: postpaid (credit limit $1,000.00); last month's invoice ${formatMoney(invoice.amountCents, invoice.currency)} for ${leadIds.length} leads charged to the saved card and paid`,
  );
}

export async function seedBillingDemo(opts: { emulator: StripeEmulator; log: (line: string) => void; accounts: BillingDemoAccounts }) {
  const { emulator, log, accounts } = opts;
  await seedAutoRecharge(accounts.nationalEmail, emulator, log);
  await seedPostpaid(accounts, emulator, log);
  const run = await runLedgerReconciliation(`demo-seed:${new Date().toISOString()}`);
  log(
    run.findings === 0
      ? "ledger reconciliation: the demo's books match the Stripe emulator (no findings)"
      : `ledger reconciliation found ${run.findings} problem(s), drift ${run.driftCents} cents: see /admin/finance`,
  );
}
