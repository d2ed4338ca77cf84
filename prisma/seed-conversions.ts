import { createApiKey } from "~/modules/accounts/api-keys.server";
import { reportConversion } from "~/modules/conversions/conversion-intake.server";
import { prisma } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import type { StripeEmulator } from "../scripts/stripe-emulator/stripe-emulator";
import { fundWallet } from "../test/factories/billing";
import { leadFields, postLead } from "../test/factories/leads";
import { makeOffer, makeOrder } from "../test/factories/marketplace";
import { waitFor } from "../test/support/wait";

// The demo's CPA and CPS offers, with converted leads: a CPA offer paying per event (application
// $15, funded $120) bought by West Coast Insurance, a CPS offer paying 10% of each sale ($5 to
// $200 per sale) bought by National Home Cover. Leads go through the real postback and routing;
// conversions through `reportConversion` (the module every way in uses) and are billed by the
// worker: some pending, one reversed, one sale partly refunded. Every step is idempotent (offers
// and orders found by title, leads by the affiliate's lead id, conversions and reversals by their
// ids), so a second run changes nothing, and a demo seeded before this existed gains it.

const CPA_TITLE = "Personal loan applications (CPA)";
const CPS_TITLE = "Home security system sales (CPS)";

interface DemoAccounts {
  affiliateEmail: string;
  cpaBuyerEmail: string;
  cpsBuyerEmail: string;
}

async function actorOf(email: string): Promise<Actor & { companyName: string }> {
  const user = await prisma.user.findUniqueOrThrow({ where: { email }, include: { company: { select: { name: true } } } });
  return { userId: user.id, companyId: user.companyId!, role: user.role, companyName: user.company?.name ?? email };
}

const CPA_LEADS = [
  { lead_id: "sunrise-loan-1", first_name: "Grace", last_name: "Hopper", state: "NY", postal_code: "10003" },
  { lead_id: "sunrise-loan-2", first_name: "Alan", last_name: "Turing", state: "CA", postal_code: "94110" },
  { lead_id: "sunrise-loan-3", first_name: "Ada", last_name: "Byron", state: "TX", postal_code: "78704" },
  { lead_id: "sunrise-loan-4", first_name: "Edsger", last_name: "Dijkstra", state: "CA", postal_code: "95112" },
];
const CPS_LEADS = [
  { lead_id: "sunrise-shop-1", first_name: "Barbara", last_name: "Liskov", state: "CA", postal_code: "94301" },
  { lead_id: "sunrise-shop-2", first_name: "Donald", last_name: "Knuth", state: "CA", postal_code: "94305" },
  { lead_id: "sunrise-shop-3", first_name: "Frances", last_name: "Allen", state: "NY", postal_code: "12601" },
  { lead_id: "sunrise-shop-4", first_name: "John", last_name: "Backus", state: "TX", postal_code: "75201" },
];

/** Lead index → the conversions reported on it (CPA: events; CPS: sale amounts). */
const CPA_CONVERSIONS = [
  { lead: 0, conversion_id: "loan-1001", event: "application" },
  { lead: 0, conversion_id: "loan-1002", event: "funded" },
  { lead: 1, conversion_id: "loan-1003", event: "application" },
  { lead: 2, conversion_id: "loan-1004", event: "application" },
];
const CPS_CONVERSIONS = [
  { lead: 0, conversion_id: "order-2001", amount: "450.00" },
  { lead: 1, conversion_id: "order-2002", amount: "1200.00" },
  { lead: 2, conversion_id: "order-2003", amount: "30.00" },
  { lead: 3, conversion_id: "order-2004", amount: "3500.00" },
];
const REVERSALS = [
  { buyer: "cpa", record: { type: "reversal", conversion_id: "loan-1004", reversal_id: "withdrawn-1004", reason: "Application withdrawn by the applicant" } },
  {
    buyer: "cps",
    record: { type: "reversal", conversion_id: "order-2002", amount: "300.00", reversal_id: "refund-2002-1", reason: "Partial refund: one camera returned" },
  },
] as const;

async function findOrMakeOffer(affiliate: Actor, title: string, terms: Parameters<typeof makeOffer>[1]) {
  return (await prisma.offer.findFirst({ where: { affiliateId: affiliate.companyId, title } })) ?? makeOffer(affiliate, { title, ...terms });
}

export async function seedConversionDemo(opts: { appUrl: string; emulator?: StripeEmulator; log: (line: string) => void; accounts: DemoAccounts }) {
  const { appUrl, emulator, log } = opts;
  const affiliate = await actorOf(opts.accounts.affiliateEmail);
  const cpaBuyer = await actorOf(opts.accounts.cpaBuyerEmail);
  const cpsBuyer = await actorOf(opts.accounts.cpsBuyerEmail);
  const lastId = CPS_CONVERSIONS[CPS_CONVERSIONS.length - 1].conversion_id;
  if (await prisma.conversion.findUnique({ where: { advertiserId_externalId: { advertiserId: cpsBuyer.companyId, externalId: lastId } } })) {
    log("CPA and CPS demo offers already have their conversions; not seeding them again");
    return;
  }
  if (!emulator) {
    log("real Stripe: the CPA and CPS demo offers are not seeded (their buyers must top up first)");
    return;
  }

  const cpaOffer = await findOrMakeOffer(affiliate, CPA_TITLE, {
    vertical: "finance",
    pricingModel: "CPA",
    priceCents: 0,
    conversionEvents: [
      { code: "application", label: "Application sent", payoutCents: 1500 },
      { code: "funded", label: "Loan funded", payoutCents: 12_000 },
    ],
  });
  const cpsOffer = await findOrMakeOffer(affiliate, CPS_TITLE, {
    vertical: "home-services",
    pricingModel: "CPS",
    priceCents: 0,
    salePercentBps: 1000,
    saleMinCents: 500,
    saleMaxCents: 20_000,
  });
  for (const [buyer, offer, fundCents] of [
    [cpaBuyer, cpaOffer, 50_000],
    [cpsBuyer, cpsOffer, 100_000],
  ] as const) {
    if (await prisma.order.findFirst({ where: { advertiserId: buyer.companyId, offerId: offer.id } })) continue;
    await makeOrder(buyer, offer.id, { priceCents: undefined, dailyCap: 50 });
    // Leads are delivered only while the wallet covers the order's reserve: top up for the conversions to come.
    await fundWallet(buyer, fundCents, emulator);
    log(`${buyer.companyName} opened a ${offer.pricingModel} order on "${offer.title}" and topped up ${formatMoney(fundCents, "usd")} on the emulator`);
  }

  // The leads, through the postback and routing (delivered free, as CPA/CPS leads are).
  const { key } = await createApiKey(affiliate, "Demo seed (conversions)");
  const leadIds: string[][] = [];
  for (const [offer, people] of [
    [cpaOffer, CPA_LEADS],
    [cpsOffer, CPS_LEADS],
  ] as const) {
    const ids: string[] = [];
    for (const person of people) {
      const { lead_id, ...names } = person;
      const email = `${names.first_name}.${names.last_name}.conv@example.com`.toLowerCase();
      const answer = await postLead(appUrl, key, { offer_id: offer.id, lead_id, s1: "partner-blog", ...leadFields({ ...names, email }) });
      if (answer.status !== 201 && answer.status !== 200) throw new Error(`demo postback failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      ids.push(answer.body.lead_id);
    }
    leadIds.push(ids);
  }
  const all = leadIds.flat();
  await waitFor(
    "the worker to deliver the CPA and CPS demo leads",
    async () => (await prisma.lead.count({ where: { id: { in: all }, status: { in: ["RECEIVED", "ACCEPTED"] } } })) === 0,
    {
      timeoutMs: 60_000,
      intervalMs: 250,
    },
  );
  const soldIds = new Set((await prisma.lead.findMany({ where: { id: { in: all }, status: "SOLD" }, select: { id: true } })).map((l) => l.id));
  const sold = soldIds.size;
  if (sold < all.length) log(`only ${sold} of ${all.length} CPA/CPS demo leads were delivered; conversions are reported on those`);

  // Conversions as an advertiser's server reports them; then wait until the worker has billed them.
  const report = async (buyer: Actor, record: Record<string, unknown>) => {
    try {
      return await reportConversion(buyer, record, "API");
    } catch (error) {
      throw new Error(`demo conversion ${String(record.conversion_id)} refused: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  const conversionIds: string[] = [];
  for (const c of CPA_CONVERSIONS) {
    if (!soldIds.has(leadIds[0][c.lead])) continue;
    const answer = await report(cpaBuyer, { lead_id: leadIds[0][c.lead], conversion_id: c.conversion_id, event: c.event });
    if (answer.conversionId) conversionIds.push(answer.conversionId);
  }
  for (const c of CPS_CONVERSIONS) {
    if (!soldIds.has(leadIds[1][c.lead])) continue;
    const answer = await report(cpsBuyer, { lead_id: leadIds[1][c.lead], conversion_id: c.conversion_id, amount: c.amount, currency: "USD" });
    if (answer.conversionId) conversionIds.push(answer.conversionId);
  }
  await waitFor(
    "the worker to bill the demo conversions",
    async () => (await prisma.conversion.count({ where: { id: { in: conversionIds }, status: "RECEIVED" } })) === 0,
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  for (const reversal of REVERSALS) {
    const buyer = reversal.buyer === "cpa" ? cpaBuyer : cpsBuyer;
    // A reversal of a conversion that was never reported would be kept for later: only reverse what exists.
    if (
      await prisma.conversion.findUnique({ where: { advertiserId_externalId: { advertiserId: buyer.companyId, externalId: reversal.record.conversion_id } } })
    ) {
      await report(buyer, reversal.record);
    }
  }

  const conversions = await prisma.conversion.findMany({
    where: { id: { in: conversionIds } },
    select: { status: true, payoutCents: true, reversedPayoutCents: true },
  });
  const byStatus = new Map<string, number>();
  for (const c of conversions) byStatus.set(c.status.toLowerCase(), (byStatus.get(c.status.toLowerCase()) ?? 0) + 1);
  const billed = conversions.reduce((sum, c) => sum + c.payoutCents - c.reversedPayoutCents, 0);
  log(
    `CPA offer "${CPA_TITLE}" (application $15.00, funded $120.00) and CPS offer "${CPS_TITLE}" (10% of the sale, $5.00 to $200.00): ` +
      `${sold} of ${all.length} leads delivered free; ${conversions.length} conversions reported through reportConversion ` +
      `(${[...byStatus].map(([status, n]) => `${n} ${status}`).join(", ")}; loan-1004 reversed, order-2002 partly refunded $300.00), ` +
      `${formatMoney(billed, "usd")} billed net`,
  );
}
