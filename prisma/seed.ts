import { prisma } from "~/utils/db.server";
import type { StripeEmulator } from "../scripts/stripe-emulator/stripe-emulator";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "../test/factories/accounts";
import { fundWallet } from "../test/factories/billing";
import { leadFields, postLead } from "../test/factories/leads";
import { makeOffer, makeOrder } from "../test/factories/marketplace";
import { waitFor } from "../test/support/wait";

// The demo marketplace. Needs the web server and workers running: leads go through the real
// postback endpoint and are verified, routed and billed by the worker, as in production.

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
}

const PASSWORD = "leadex-demo";
const LOGINS: DemoLogin[] = [
  { role: "affiliate", email: "affiliate@demo.leadex.test", password: PASSWORD },
  { role: "advertiser", email: "buyer-west@demo.leadex.test", password: PASSWORD },
  { role: "advertiser", email: "buyer-national@demo.leadex.test", password: PASSWORD },
  { role: "admin", email: "admin@demo.leadex.test", password: PASSWORD },
];

export async function seedDemo(opts: { appUrl: string; emulator?: StripeEmulator; log: (line: string) => void }): Promise<{ logins: DemoLogin[] }> {
  const { appUrl, emulator, log } = opts;
  if (await prisma.user.findUnique({ where: { email: LOGINS[0].email } })) {
    log("demo data already present; not seeding again");
    return { logins: LOGINS };
  }
  log("seeding the demo marketplace…");
  const affiliate = await makeAffiliate({ email: LOGINS[0].email, password: PASSWORD, companyName: "Sunrise Leads", name: "Sam Sunrise" });
  const west = await makeAdvertiser({ email: LOGINS[1].email, password: PASSWORD, companyName: "West Coast Insurance", name: "Wes Coast" });
  const national = await makeAdvertiser({ email: LOGINS[2].email, password: PASSWORD, companyName: "National Home Cover", name: "Nina National" });
  await makeAdmin({ email: LOGINS[3].email, password: PASSWORD });

  const offer = await makeOffer(affiliate.actor, { title: "Home insurance quotes (CA, TX, NY)", priceCents: 2500 });
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
    const answer = await postLead(appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: `sunrise-${1000 + index}`, s1: "google", s2: "home-quote-form", ...fields });
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

  await waitFor(
    "the worker to process the demo leads",
    async () => (await prisma.lead.count({ where: { id: { in: leadIds }, status: "RECEIVED" } })) === 0,
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  const byStatus = await prisma.lead.groupBy({ by: ["status"], where: { id: { in: leadIds } }, _count: true });
  log(`demo leads posted through ${appUrl}/api/v1/leads: ${byStatus.map((s) => `${s._count} ${s.status.toLowerCase()}`).join(", ")}`);
  log(`demo affiliate API key (shown once): ${affiliate.apiKey}`);
  return { logins: LOGINS };
}
