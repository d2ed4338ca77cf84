import { releaseDueEarnings } from "~/modules/earnings/earnings.server";
import { startPayoutOnboarding } from "~/modules/payouts/connect-accounts.server";
import { runPayouts } from "~/modules/payouts/payout-runs.server";
import { prisma } from "~/utils/db.server";
import type { StripeEmulator } from "../scripts/stripe-emulator/stripe-emulator";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "../test/factories/accounts";
import { fundWallet } from "../test/factories/billing";
import { leadFields, postLead } from "../test/factories/leads";
import { CONTACT_FIELDS, makeOffer, makeOrder } from "../test/factories/marketplace";
import { waitFor } from "../test/support/wait";
import { seedBillingDemo } from "./seed-billing";
import { seedConversionDemo } from "./seed-conversions";
import { seedReportDemo } from "./seed-reports";
import { seedReturnDemo } from "./seed-returns";

// The demo marketplace. Needs the web server and workers running: leads go through the real
// postback endpoint and are verified, routed and billed by the worker, as in production.

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
}

// Passes the sign-up password rule (which refuses guessable ones such as "leadex-demo").
const PASSWORD = "leadex-demo-orchard";
const LOGINS: DemoLogin[] = [
  { role: "affiliate", email: "affiliate@demo.leadex.test", password: PASSWORD },
  { role: "advertiser", email: "buyer-west@demo.leadex.test", password: PASSWORD },
  { role: "advertiser", email: "buyer-national@demo.leadex.test", password: PASSWORD },
  { role: "advertiser (postpaid)", email: "buyer-postpaid@demo.leadex.test", password: PASSWORD },
  { role: "admin", email: "admin@demo.leadex.test", password: PASSWORD },
];
const ADMIN_LOGIN = LOGINS[4];

export async function seedDemo(opts: { appUrl: string; emulator?: StripeEmulator; log: (line: string) => void }): Promise<{ logins: DemoLogin[] }> {
  const { appUrl, emulator, log } = opts;
  const conversionAccounts = { affiliateEmail: LOGINS[0].email, cpaBuyerEmail: LOGINS[1].email, cpsBuyerEmail: LOGINS[2].email };
  const returnAccounts = { affiliateEmail: LOGINS[0].email, westEmail: LOGINS[1].email, nationalEmail: LOGINS[2].email, adminEmail: ADMIN_LOGIN.email };
  if (await prisma.user.findUnique({ where: { email: LOGINS[0].email } })) {
    log("demo data already present; not seeding again");
    // A demo seeded before the CPA and CPS offers existed gains them (nothing happens when they are there).
    await seedConversionDemo({ appUrl, emulator, log, accounts: conversionAccounts });
    await seedReturnDemo({ appUrl, log, accounts: returnAccounts });
    await seedReportDemo({ log, advertiserEmails: [LOGINS[1].email, LOGINS[2].email] });
    return { logins: LOGINS };
  }
  log("seeding the demo marketplace…");
  const affiliate = await makeAffiliate({ email: LOGINS[0].email, password: PASSWORD, companyName: "Sunrise Leads", name: "Sam Sunrise" });
  const west = await makeAdvertiser({ email: LOGINS[1].email, password: PASSWORD, companyName: "West Coast Insurance", name: "Wes Coast" });
  const national = await makeAdvertiser({ email: LOGINS[2].email, password: PASSWORD, companyName: "National Home Cover", name: "Nina National" });
  await makeAdmin({ email: ADMIN_LOGIN.email, password: PASSWORD });

  const offer = await makeOffer(affiliate.actor, { title: "Home insurance quotes (CA, TX, NY)", priceCents: 2500 });
  // Something for offer moderation to flag (Admin → Offers): markup in the title at $0.01.
  const suspicious = await makeOffer(affiliate.actor, { title: "<b>FREE</b> insurance leads!!!", priceCents: 100 });
  await prisma.offer.update({ where: { id: suspicious.id }, data: { priceCents: 1 } });
  await makeOrder(west.actor, offer.id, { priceCents: 3200, dailyCap: 50, filters: { states: ["CA"], postalCodePrefixes: [] } });
  await makeOrder(national.actor, offer.id, { priceCents: 2800, dailyCap: 100 });

  if (emulator) {
    await fundWallet(west.actor, 50_000, emulator);
    await fundWallet(national.actor, 30_000, emulator);
    log("advertisers funded through Stripe Checkout on the emulator: $500.00 and $300.00");
  } else {
    log("real Stripe: advertisers must top up through the portal before leads can be sold");
  }

  const people = [
    { first_name: "Maria", last_name: "Lopez", state: "CA", postal_code: "94107" },
    { first_name: "James", last_name: "Chen", state: "CA", postal_code: "90012" },
    { first_name: "Olivia", last_name: "Brown", state: "TX", postal_code: "73301" },
    { first_name: "Ethan", last_name: "Miller", state: "NY", postal_code: "10001" },
    { first_name: "Sofia", last_name: "Garcia", state: "CA", postal_code: "92101" },
    { first_name: "Liam", last_name: "Johnson", state: "TX", postal_code: "77002" },
  ];
  const leadIds: string[] = [];
  let index = 0;
  for (const person of people) {
    index++;
    const fields = leadFields({ ...person, email: `${person.first_name.toLowerCase()}.${person.last_name.toLowerCase()}@example.com` });
    const answer = await postLead(appUrl, affiliate.apiKey, {
      offer_id: offer.id,
      lead_id: `sunrise-${1000 + index}`,
      s1: "google",
      s2: "home-quote-form",
      ...fields,
    });
    if (answer.status !== 201) throw new Error(`demo postback failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    leadIds.push(answer.body.lead_id);
  }
  // The same person again: verification rejects it as a duplicate.
  const dup = await postLead(appUrl, affiliate.apiKey, {
    offer_id: offer.id,
    lead_id: "sunrise-2001",
    ...leadFields({ first_name: "Maria", last_name: "Lopez", email: "maria.lopez@example.com", state: "CA" }),
  });
  leadIds.push(dup.body.lead_id);

  leadIds.push(...(await seedSolarOffer(appUrl, affiliate, national)));

  await waitFor("the worker to process the demo leads", async () => (await prisma.lead.count({ where: { id: { in: leadIds }, status: "RECEIVED" } })) === 0, {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
  const byStatus = await prisma.lead.groupBy({ by: ["status"], where: { id: { in: leadIds } }, _count: true, orderBy: { status: "asc" } });
  log(`demo leads posted through ${appUrl}/api/v1/leads: ${byStatus.map((s) => `${s._count} ${s.status.toLowerCase()}`).join(", ")}`);
  if (emulator) await seedSellerMoney(affiliate, emulator, log);
  await seedConversionDemo({ appUrl, emulator, log, accounts: conversionAccounts });
  await seedReturnDemo({ appUrl, log, accounts: returnAccounts });
  if (emulator) {
    await seedBillingDemo({
      emulator,
      log,
      accounts: {
        appUrl,
        nationalEmail: LOGINS[2].email,
        postpaid: { email: LOGINS[3].email, password: PASSWORD },
        adminEmail: ADMIN_LOGIN.email,
        affiliateEmail: LOGINS[0].email,
        affiliateApiKey: affiliate.apiKey,
      },
    });
  }
  // Last: the reports read rollups of everything above.
  await seedReportDemo({ log, advertiserEmails: [LOGINS[1].email, LOGINS[2].email] });
  log(`demo affiliate API key (shown once): ${affiliate.apiKey}`);
  return { logins: LOGINS };
}

/**
 * The affiliate's money at every stage: it onboards on Stripe Connect (the emulator's page, done
 * by its control), four of its sales are treated as past their return window and paid out by a
 * payout run, one more is available, and the rest are held.
 */
async function seedSellerMoney(affiliate: Awaited<ReturnType<typeof makeAffiliate>>, emulator: StripeEmulator, log: (line: string) => void) {
  const affiliateId = affiliate.actor.companyId;
  await startPayoutOnboarding(affiliate.actor, affiliate.email);
  const { stripeAccountId } = await prisma.company.findUniqueOrThrow({ where: { id: affiliateId } });
  await emulator.completeAccountOnboarding(stripeAccountId!);
  await waitFor(
    "account.updated to enable the affiliate's payouts",
    async () => (await prisma.company.findUniqueOrThrow({ where: { id: affiliateId } })).payoutsEnabled,
  );
  const lines = await prisma.earning.findMany({ where: { affiliateId, kind: "LEAD_SALE" }, orderBy: { createdAt: "asc" } });
  // The demo has no week to wait: these sales are treated as past their return window.
  const mature = async (ids: string[], runKey: string) => {
    await prisma.earning.updateMany({ where: { id: { in: ids } }, data: { availableAt: new Date(Date.now() - 60_000) } });
    await releaseDueEarnings(runKey);
  };
  await mature(
    lines.slice(0, 4).map((l) => l.id),
    "demo-seed-release-1",
  );
  const run = await runPayouts({ key: "demo-seed-payout-run", trigger: "SCHEDULE", triggeredById: null });
  await mature(
    lines.slice(4, 5).map((l) => l.id),
    "demo-seed-release-2",
  );
  log(`affiliate onboarded on Stripe Connect (${stripeAccountId}); ${run.paid} payout paid, one earning available, ${Math.max(lines.length - 5, 0)} held`);
}

/**
 * A second offer that shows quality at work: intent fields (BANT), consent, activity signals, a
 * score threshold that holds weak leads for the admin's review queue, and an order that pays more
 * for hot leads.
 */
async function seedSolarOffer(
  appUrl: string,
  affiliate: Awaited<ReturnType<typeof makeAffiliate>>,
  buyer: Awaited<ReturnType<typeof makeAdvertiser>>,
): Promise<string[]> {
  const offer = await makeOffer(affiliate.actor, {
    title: "Solar panel quotes (CA, TX)",
    vertical: "solar",
    states: ["CA", "TX"],
    priceCents: 3000,
    fields: [
      ...CONTACT_FIELDS,
      { name: "timeline", type: "enum", required: false, options: ["now", "within 3 months", "researching"] },
      { name: "homeowner", type: "boolean", required: false },
      { name: "monthly_bill", type: "number", required: false, min: 0, max: 5000 },
    ],
    qualityRules: { acceptScore: 65, rejectScore: 20 },
  });
  await makeOrder(buyer.actor, offer.id, {
    priceCents: 3500,
    pricing: { temperature: { HOT: 5500, COLD: 3000 } },
    filters: { states: [], postalCodePrefixes: [], temperatures: ["WARM", "HOT"], rules: [] },
  });

  const consent = {
    consent_text: "By clicking Get quotes I agree to be contacted by Sunrise Leads' partners about solar.",
    consent_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    consent_cert_url: "https://cert.trustedform.com/2f7e1c0a9b8d4e6f",
  };
  const leads = [
    // Ready to buy, owns the home, consented with a certificate: hot, sold at the hot price.
    {
      lead_id: "sunrise-solar-1",
      ...leadFields({ first_name: "Ava", last_name: "Nguyen", email: "ava.nguyen@example.com", state: "CA", postal_code: "95814" }),
      timeline: "now",
      homeowner: "yes",
      monthly_bill: "240",
      time_on_form: 95,
      pages_viewed: 4,
      ...consent,
    },
    {
      lead_id: "sunrise-solar-2",
      ...leadFields({ first_name: "Noah", last_name: "Davis", email: "noah.davis@example.com", state: "TX", postal_code: "78701" }),
      timeline: "within 3 months",
      homeowner: "yes",
      time_on_form: 70,
      pages_viewed: 3,
      ...consent,
    },
    // Only researching, no last name, no consent: a weak score, held for the admin's review queue.
    {
      lead_id: "sunrise-solar-3",
      ...leadFields({ first_name: "Mia", last_name: "", email: "mia.w@example.com", state: "CA", postal_code: "" }),
      timeline: "researching",
      time_on_form: 12,
    },
  ];
  const ids: string[] = [];
  for (const lead of leads) {
    const answer = await postLead(appUrl, affiliate.apiKey, { offer_id: offer.id, s1: "facebook", ...lead });
    if (answer.status !== 201) throw new Error(`demo postback failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    ids.push(answer.body.lead_id);
  }
  return ids;
}
