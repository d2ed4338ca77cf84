import { decideDispute, respondToDispute, runDisputeDeadlines } from "~/modules/disputes/dispute-decisions.server";
import { openInquiry } from "~/modules/disputes/conversion-inquiries.server";
import { openReturn } from "~/modules/disputes/lead-returns.server";
import { createApiKey } from "~/modules/accounts/api-keys.server";
import { prisma } from "~/utils/db.server";
import type { Actor } from "~/utils/permissions.server";
import { leadFields, postLead } from "../test/factories/leads";
import { makeOffer, makeOrder } from "../test/factories/marketplace";
import { waitFor } from "../test/support/wait";

// The demo's returns: an auto-insurance offer bought by both demo buyers, and one return of each
// outcome, each through the module a person's click would call: proven by the platform's evidence,
// accepted by the seller, accepted by the deadline, contested and approved by an admin, approved at
// the platform's cost, denied, waiting in the admin queue, and waiting for the seller's answer.
// Idempotent: the offer is found by title, and an existing offer means the returns are there.

const TITLE = "Auto insurance quotes (CA, TX)";
/** The demo orders allow more returns than the default 15%, so one small offer shows every outcome. */
const DEMO_RETURN_CAP_BPS = 5000;
const HOUR_MS = 3_600_000;

export interface ReturnDemoAccounts {
  affiliateEmail: string;
  westEmail: string;
  nationalEmail: string;
  adminEmail: string;
}

async function actorOf(email: string): Promise<Actor> {
  const user = await prisma.user.findUniqueOrThrow({ where: { email } });
  return { userId: user.id, companyId: user.companyId ?? "", role: user.role };
}

const PEOPLE: Array<Record<string, string> & { key: string }> = [
  // West Coast Insurance buys California.
  { key: "auto-1", first_name: "Tyler", last_name: "Young", state: "CA", postal_code: "94110", date_of_birth: "2011-05-04" },
  { key: "auto-2", first_name: "Hannah", last_name: "Reed", state: "CA", postal_code: "94607" },
  { key: "auto-13", first_name: "Omar", last_name: "Haddad", state: "CA", postal_code: "95814" },
  { key: "auto-4", first_name: "Priya", last_name: "Shah", state: "CA", postal_code: "92101" },
  { key: "auto-5", first_name: "Lucas", last_name: "Meyer", state: "CA", postal_code: "90012" },
  { key: "auto-6", first_name: "Chloe", last_name: "Martin", state: "CA", postal_code: "94301" },
  { key: "auto-14", first_name: "Ben", last_name: "Foster", state: "CA", postal_code: "95112" },
  { key: "auto-15", first_name: "Zoe", last_name: "Kim", state: "CA", postal_code: "94040" },
  // National Home Cover buys Texas.
  { key: "auto-7", first_name: "Diego", last_name: "Ramos", state: "TX", postal_code: "73301" },
  { key: "auto-8", first_name: "Emma", last_name: "Wilson", state: "TX", postal_code: "77002" },
  { key: "auto-9", first_name: "Noor", last_name: "Aziz", state: "TX", postal_code: "75201" },
  { key: "auto-10", first_name: "Jack", last_name: "Taylor", state: "TX", postal_code: "78701" },
  { key: "auto-11", first_name: "Lily", last_name: "Evans", state: "TX", postal_code: "79901" },
  { key: "auto-12", first_name: "Ryan", last_name: "Clark", state: "TX", postal_code: "76102" },
  { key: "auto-3", first_name: "Omar", last_name: "Farouk", state: "TX", postal_code: "78704" },
  { key: "auto-16", first_name: "Ella", last_name: "Brooks", state: "TX", postal_code: "75001" },
];

export async function seedReturnDemo(opts: { appUrl: string; log: (line: string) => void; accounts: ReturnDemoAccounts }): Promise<void> {
  const { appUrl, log, accounts } = opts;
  if (await prisma.offer.findFirst({ where: { title: TITLE } })) {
    log("the returns demo offer already exists; not seeding returns again");
    return;
  }
  const [affiliate, west, national, admin] = await Promise.all([
    actorOf(accounts.affiliateEmail),
    actorOf(accounts.westEmail),
    actorOf(accounts.nationalEmail),
    actorOf(accounts.adminEmail),
  ]);
  const offer = await makeOffer(affiliate, { title: TITLE, states: ["CA", "TX"], priceCents: 2000 });
  const westOrder = await makeOrder(west, offer.id, { priceCents: 2600, filters: { states: ["CA"], postalCodePrefixes: [] } });
  const nationalOrder = await makeOrder(national, offer.id, { priceCents: 2400, filters: { states: ["TX"], postalCodePrefixes: [] } });
  await prisma.order.updateMany({ where: { id: { in: [westOrder.id, nationalOrder.id] } }, data: { returnCapBps: DEMO_RETURN_CAP_BPS } });

  const { key } = await createApiKey(affiliate, "Demo seed (returns)");
  const leadIds = new Map<string, string>();
  for (const { key: ref, ...person } of PEOPLE) {
    const email = `${person.first_name.toLowerCase()}.${person.last_name.toLowerCase()}@example.com`;
    const answer = await postLead(appUrl, key, { offer_id: offer.id, lead_id: `sunrise-${ref}`, s1: "bing", ...leadFields({ ...person, email }) });
    if (answer.status !== 201) throw new Error(`demo postback failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    leadIds.set(ref, answer.body.lead_id);
  }
  const ids = [...leadIds.values()];
  await waitFor("the worker to sell the returns demo leads", async () => (await prisma.lead.count({ where: { id: { in: ids }, status: "RECEIVED" } })) === 0, {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
  const lead = (ref: string) => leadIds.get(ref)!;
  const ask = (buyer: Actor, ref: string, reason: string, note: string, evidence: Record<string, string> = {}) =>
    openReturn(buyer, { lead_id: lead(ref), reason, note, ...evidence });

  // Proven by the platform: the lead's date of birth makes the person 15.
  await ask(west, "auto-1", "under_age", "Says he is in high school");
  // Accepted by the seller.
  const accepted = await ask(west, "auto-2", "wrong_person", "Hannah says she never filled in a form");
  await respondToDispute(affiliate, accepted.dispute.id, { response: "accept", note: "Our form was hit by a bot that day" });
  // Nobody answered: accepted when the deadline passed (the demo runs the deadline job 73 hours ahead).
  const unanswered = await ask(national, "auto-3", "did_not_request", "No memory of asking for quotes");
  await runDisputeDeadlines(new Date(unanswered.dispute.createdAt.getTime() + 73 * HOUR_MS));
  // Contested, waiting in the admin queue.
  const queued = await ask(west, "auto-4", "fake_or_fraud", "Name and phone do not match", { evidence_text: "Called twice: a man answered, not Priya" });
  await respondToDispute(affiliate, queued.dispute.id, {
    response: "contest",
    note: "Consent and IP match the person; she may share the phone",
    evidence_url: "https://cert.trustedform.com/2f7e1c0a9b8d4e6f",
  });
  // Waiting for the seller's answer.
  await ask(west, "auto-5", "invalid_phone", "Number rings out", { evidence_text: "Call log: 3 attempts, no answer, no voicemail" });

  // Contested, then approved by an admin.
  const approved = await ask(national, "auto-7", "fake_or_fraud", "Email bounces and the phone belongs to a business", {
    evidence_url: "https://crm.example.com/calls/4411",
  });
  await respondToDispute(affiliate, approved.dispute.id, { response: "contest", note: "The lead passed every check" });
  await decideDispute(admin, approved.dispute.id, { decision: "approve", reason: "The phone is listed for a body shop; the email bounced (buyer's log)" });
  // Contested, approved at the platform's cost: the seller keeps its earning.
  const goodwill = await ask(national, "auto-8", "duplicate", "We bought Emma from another vendor last week");
  await respondToDispute(affiliate, goodwill.dispute.id, { response: "contest", note: "Unique on Leadex: the other vendor is not our problem" });
  await decideDispute(admin, goodwill.dispute.id, {
    decision: "approve_at_platform_cost",
    reason: "Both are right: the lead is unique here, but the buyer cannot use it. Leadex pays.",
  });
  // Contested and denied.
  const denied = await ask(national, "auto-9", "wrong_person", "Noor says it was her sister");
  await respondToDispute(affiliate, denied.dispute.id, { response: "contest", note: "Consent text names Noor, same phone" });
  await decideDispute(admin, denied.dispute.id, {
    decision: "deny",
    reason: "Consent names the person and the phone matches; a relative answering is not a wrong lead",
  });

  // The seller asks about conversions the CPA buyer did not report: one confirmed (billed now), one waiting.
  const cpaLead = (externalId: string) => prisma.lead.findFirst({ where: { affiliateId: affiliate.companyId, externalId }, select: { id: true } });
  const [alan, edsger] = [await cpaLead("sunrise-loan-2"), await cpaLead("sunrise-loan-4")];
  // The seed delivered these leads seconds ago: the claimed conversions happened just now.
  const claimedAt = new Date().toISOString();
  if (alan && edsger) {
    const confirmed = await openInquiry(affiliate, {
      lead_id: alan.id,
      reason: "missing",
      event: "funded",
      order_ref: "LN-77812",
      occurred_at: claimedAt,
      expected_payout: "120.00",
      note: "Alan told our call centre his loan was funded",
    });
    await respondToDispute(west, confirmed.id, { response: "confirm", note: "Funded on our side; the postback failed" });
    await openInquiry(affiliate, { lead_id: edsger.id, reason: "missing", event: "application", occurred_at: claimedAt, expected_payout: "15.00" });
  }

  const byStatus = await prisma.dispute.groupBy({ by: ["status"], where: { offerId: offer.id }, _count: true, orderBy: { status: "asc" } });
  const inquiries = await prisma.dispute.count({ where: { kind: "CONVERSION_INQUIRY", affiliateId: affiliate.companyId } });
  log(
    `returns demo on "${TITLE}": ${PEOPLE.length} leads posted, returns ${byStatus.map((s) => `${s._count} ${s.status.toLowerCase().replace("_", " ")}`).join(", ")} ` +
      `(the demo orders' return cap is ${DEMO_RETURN_CAP_BPS / 100}%); ${inquiries} missing-conversion inquiries (one confirmed and billed, one awaiting the buyer)`,
  );
}
