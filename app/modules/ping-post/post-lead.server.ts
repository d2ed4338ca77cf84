import { receiveLead } from "~/modules/leads/lead-intake.server";
import { postbackEnvelopeSchema, splitPostback } from "~/modules/leads/leads.schema";
import { checkWalletsAfterLeadSales } from "~/modules/billing/wallet-checks.server";
import { processReceivedLead } from "~/modules/leads/lead-pipeline.server";
import type { Offer } from "~/generated/prisma/client";
import { offerFieldsSchema } from "~/modules/offers/offers.schema";
import { checkLeadFields } from "~/modules/quality/lead-fields";
import { personHash } from "~/modules/quality/person-hash.server";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { BidTokenError, pingDataHash, verifyBidToken } from "./bid-token.server";
import { TOKEN_REFUSALS } from "./ping-post.schema";

export interface PostAnswer {
  leadId: string;
  externalId: string;
  pingId: string;
  status: string;
  reasons: string[];
  /** What the lead sold for (0 when unsold), what the affiliate earns, and whether it went to the ping's winning bid. */
  priceCents: number;
  payoutCents: number;
  currency: string;
  soldAtBid: boolean;
  created: boolean;
}

/**
 * The post of a ping-post: checks the bid token (signature, expiry, owner, offer, single use)
 * and that the full lead matches what was pinged, stores the lead through the normal intake
 * (bound to the ping), and processes it at once, so the answer says whether it sold at the bid.
 */
export async function postPingLead(actor: Actor, record: Record<string, unknown>): Promise<PostAnswer> {
  requirePermission(actor, "write:lead:own");
  const env = getEnv();
  const { token, ...lead } = record;
  // Checked before anything else: a simulated post would still reach the winning buyer.
  if (isTestPostback(lead)) throw testPostRefused();
  if (typeof token !== "string" || token.trim() === "") throw new ValidationError({ token: "Required: the bid token your ping returned" });
  const payload = verifyBidToken(token.trim(), env.BID_TOKEN_SECRET, new Date());
  if (payload.aff !== actor.companyId) {
    throw new BidTokenError(403, TOKEN_REFUSALS.otherAffiliate, "This bid token was issued to another affiliate");
  }
  if (typeof lead.offer_id !== "string" || lead.offer_id.trim() !== payload.off) {
    throw new BidTokenError(422, TOKEN_REFUSALS.otherOffer, "This bid token was issued for another offer", { offer_id: `Expected ${payload.off}` });
  }
  const ping = await prisma.ping.findUnique({ where: { id: payload.pid }, include: { offer: true } });
  if (!ping || ping.winningBidId !== payload.bid || ping.dataHash !== payload.dh || ping.affiliateId !== actor.companyId) {
    throw new BidTokenError(422, TOKEN_REFUSALS.invalid, "The bid token does not match any ping of yours");
  }
  const externalId = typeof lead.lead_id === "string" ? lead.lead_id.trim() : "";
  const repeated = await repeatedPost(ping.id, externalId);
  if (repeated) return repeated;

  assertMatchesPing(ping, ping.offer, lead);

  // Claim the token: one post per ping, even when two race. Released if intake refuses the lead.
  const claimed = await prisma.pingBid.updateMany({ where: { id: payload.bid, status: "BID", decidedAt: null }, data: { decidedAt: new Date() } });
  if (claimed.count === 0) throw tokenUsed();
  let leadId: string;
  try {
    const received = await receiveLead(actor, lead, { pingId: ping.id });
    if (received.test) throw testPostRefused();
    if (!received.created) throw new ConflictError(`lead_id ${received.externalId} is already lead ${received.id}; post with a new lead_id`);
    leadId = received.id;
  } catch (error) {
    await prisma.pingBid.updateMany({ where: { id: payload.bid, status: "BID" }, data: { decidedAt: null } });
    throw error;
  }
  if ((await processReceivedLead(leadId)) === "sold") await checkWalletsAfterLeadSales([leadId]);
  return postAnswer(leadId, true);
}

function testPostRefused() {
  return new ValidationError({ test: "Test mode is for /api/v1/leads; a post sells the lead" });
}

/** Whether the post asks for test mode (any value the postback's `test` field reads as true). */
function isTestPostback(lead: Record<string, unknown>): boolean {
  const test = postbackEnvelopeSchema.shape.test.safeParse(splitPostback(lead).envelope.test);
  return test.success && test.data === true;
}

function tokenUsed() {
  return new BidTokenError(409, TOKEN_REFUSALS.used, "This bid token was already used to post a lead");
}

/** The same post sent again (same ping, same lead_id) answers with the lead; another lead_id is a reuse. */
async function repeatedPost(pingId: string, externalId: string): Promise<PostAnswer | null> {
  const existing = await prisma.lead.findUnique({ where: { pingId }, select: { id: true, externalId: true } });
  if (!existing) return null;
  if (existing.externalId !== externalId) throw tokenUsed();
  return postAnswer(existing.id, false);
}

/** The posted lead, normalised by the offer's field spec, must give the pinged data's hash. */
function assertMatchesPing(
  ping: { offerId: string; data: unknown; dataHash: string; emailHash: string | null; phoneHash: string | null },
  offer: Offer,
  lead: Record<string, unknown>,
) {
  const spec = offerFieldsSchema.parse(offer.fields);
  const { fields: rawFields } = splitPostback(lead);
  const check = checkLeadFields(spec, offer.country, rawFields);
  if (!check.ok) throw new ValidationError(check.errors);
  const pinged = ((ping.data ?? {}) as { fields?: Record<string, string> }).fields ?? {};
  const valueOfType = (type: "email" | "phone") => {
    const name = spec.find((f) => f.type === type)?.name;
    return name ? (check.fields[name] ?? null) : null;
  };
  const email = valueOfType("email");
  const phone = valueOfType("phone");
  const posted = {
    offerId: ping.offerId,
    fields: Object.fromEntries(Object.keys(pinged).map((name) => [name, check.fields[name] ?? ""])),
    emailHash: ping.emailHash ? (email ? personHash(email) : "") : null,
    phoneHash: ping.phoneHash ? (phone ? personHash(phone) : "") : null,
  };
  if (pingDataHash(posted) === ping.dataHash) return;
  const differing: Record<string, string> = {};
  for (const [name, value] of Object.entries(pinged)) {
    if (posted.fields[name] !== value) differing[name] = `Pinged "${value}", posted "${posted.fields[name]}"`;
  }
  if (ping.emailHash && posted.emailHash !== ping.emailHash) differing.email = "Does not match the pinged email_hash";
  if (ping.phoneHash && posted.phoneHash !== ping.phoneHash) differing.phone = "Does not match the pinged phone_hash";
  throw new BidTokenError(422, TOKEN_REFUSALS.dataMismatch, "The lead does not match the data that was pinged", differing);
}

async function postAnswer(leadId: string, created: boolean): Promise<PostAnswer> {
  const lead = await prisma.lead.findUniqueOrThrow({
    where: { id: leadId },
    include: { sales: true, ping: { include: { winningBid: true, offer: { select: { currency: true } } } } },
  });
  if (!lead.ping) throw new NotFoundError(`Ping of lead ${leadId}`);
  const priceCents = lead.sales.reduce((sum, s) => sum + s.priceCents, 0);
  const feeCents = lead.sales.reduce((sum, s) => sum + s.feeCents, 0);
  const winning = lead.ping.winningBid;
  return {
    leadId: lead.id,
    externalId: lead.externalId,
    pingId: lead.ping.id,
    status: lead.status,
    reasons: lead.reasons,
    priceCents,
    payoutCents: priceCents - feeCents,
    currency: lead.sales[0]?.currency ?? lead.ping.offer.currency,
    soldAtBid: winning !== null && lead.sales.some((s) => s.orderId === winning.orderId && s.priceCents === winning.priceCents),
    created,
  };
}
