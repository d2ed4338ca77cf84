import { offerIntakeRefusal } from "~/modules/offers/offer-status";
import { randomUUID } from "node:crypto";
import type { Order } from "~/generated/prisma/client";
import { splitLeadSale } from "~/modules/billing/lead-sale-pricing";
import { ensureSigningSecrets } from "~/modules/deliveries/signing.server";
import { SUB_ID_KEYS } from "~/modules/leads/leads.schema";
import { InsufficientBalanceError, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { offerFieldsSchema, type OfferField } from "~/modules/offers/offers.schema";
import { findOwnOfferForIntake } from "~/modules/offers/offers.server";
import { checkLeadFields } from "~/modules/quality/lead-fields";
import { stateForUsZip } from "~/modules/quality/postal-geo";
import { offerQualityRules } from "~/modules/quality/quality.schema";
import { scoreLead } from "~/modules/quality/scoring";
import { capReached, hasSpendCap, orderPriceCents, orderSkipReasons, type RoutingCandidate } from "~/modules/routing/order-eligibility.server";
import { rankedBidCents } from "~/modules/disputes/return-rates.server";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { ConflictError, ValidationError, parseOrThrow } from "~/utils/errors";
import { formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { isAlreadyBought, readAuctionSnapshot, type AuctionOrder } from "./auction-reads.server";
import { pingDataHash, signBidToken } from "./bid-token.server";
import { pingExternalBuyer } from "./external-buyers.server";
import { recordPing, type PingBidRecord, type PingRecord } from "./ping-store.server";
import { NO_BID_REASONS, PERSONAL_FIELD_NAMES, PING_ENVELOPE_KEYS, pingEnvelopeSchema } from "./ping-post.schema";

const MAX_PING_FIELDS = 100;
const SKIPPED = "skipped: ";

export interface PingAnswer {
  pingId: string;
  bid: { priceCents: number; currency: string; payoutCents: number; token: string; expiresAt: Date } | null;
  reasons: string[];
  /** Buyers asked (orders that took part) and bids received. */
  asked: number;
  bids: number;
}

type BidRow = Omit<PingBidRecord, "id">;

/** Splits a ping (flat or with nested "fields" / "sub_ids") into its envelope and its partial lead fields. */
function splitPing(record: Record<string, unknown>): { envelope: Record<string, unknown>; fields: Record<string, unknown> } {
  const envelope: Record<string, unknown> = {};
  const fields: Record<string, unknown> = {};
  const scalar = (v: unknown) => (typeof v === "number" || typeof v === "boolean" ? String(v) : v);
  for (const [key, value] of Object.entries(record)) {
    if (key === "api_key" || key === "fields" || key === "sub_ids") continue;
    if ((PING_ENVELOPE_KEYS as readonly string[]).includes(key)) envelope[key] = scalar(value);
    else fields[key] = scalar(value);
  }
  for (const nested of ["fields", "sub_ids"] as const) {
    const value = record[nested];
    if (!value || typeof value !== "object" || Array.isArray(value)) continue;
    for (const [key, inner] of Object.entries(value)) {
      if (nested === "fields") fields[key] = scalar(inner);
      else if ((SUB_ID_KEYS as readonly string[]).includes(key)) envelope[key] = scalar(inner);
    }
  }
  return { envelope, fields };
}

/** Personal data is never pinged: contact-typed fields and identity names are refused by name. */
function personalFieldErrors(spec: OfferField[], fields: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const name of Object.keys(fields)) {
    const type = spec.find((f) => f.name === name)?.type;
    if (type === "email" || type === "phone") errors[name] = `Personal data is not pinged: send ${type}_hash (SHA-256 of the normalised ${type}) instead`;
    else if (PERSONAL_FIELD_NAMES.has(name)) errors[name] = "Personal data is not pinged: send it in the post";
  }
  return errors;
}

function fieldOfType(spec: OfferField[], fields: Record<string, string>, type: OfferField["type"]): string | null {
  const name = spec.find((f) => f.type === type)?.name;
  return name && fields[name] ? fields[name] : null;
}

/** The pinged state, else (US) the state of a ZIP that lies in one state only, as verification stores it. */
function pingedState(country: string, state: string | null, postalCode: string | null): string | null {
  if (state || !postalCode || country !== "US") return state;
  return stateForUsZip(postalCode);
}

/**
 * Runs a ping: validates the partial data, refuses personal fields, checks the same person was
 * not already bought on this offer, asks every matching order for a price (external buyers over
 * HTTP, in parallel, with a deadline), records the ping with every answer, and signs a bid token
 * for the best bid, bound to the pinged data.
 */
export async function runPingAuction(actor: Actor, record: Record<string, unknown>): Promise<PingAnswer> {
  requirePermission(actor, "write:lead:own");
  const env = getEnv();
  const { envelope: rawEnvelope, fields: rawFields } = splitPing(record);
  const envelope = parseOrThrow(pingEnvelopeSchema, rawEnvelope);
  const offer = await findOwnOfferForIntake(actor, envelope.offer_id);
  const refusal = offerIntakeRefusal(offer);
  if (refusal) throw new ConflictError(refusal);
  if (offer.pricingModel !== "CPL") throw new ConflictError("Ping-post sells CPL leads only");

  if (Object.keys(rawFields).length > MAX_PING_FIELDS) throw new ValidationError({ fields: `A ping carries at most ${MAX_PING_FIELDS} fields` });
  const spec = offerFieldsSchema.parse(offer.fields);
  const personal = personalFieldErrors(spec, rawFields);
  if (Object.keys(personal).length > 0) throw new ValidationError(personal, "A ping carries no personal data");
  const check = checkLeadFields(
    spec.map((f) => ({ ...f, required: false })),
    offer.country,
    rawFields,
  );
  if (!check.ok) throw new ValidationError(check.errors);
  const fields = check.fields;
  const emailHash = envelope.email_hash ?? null;
  const phoneHash = envelope.phone_hash ?? null;
  const candidate: RoutingCandidate = {
    offerId: offer.id,
    fields,
    state: pingedState(offer.country, fieldOfType(spec, fields, "state"), fieldOfType(spec, fields, "postal_code")),
    postalCode: fieldOfType(spec, fields, "postal_code"),
    // No contact data, so no score yet; the intent fields a ping may carry give its temperature.
    qualityScore: null,
    temperature: scoreLead({ fields, signals: {}, consent: null, checks: [] }).temperature,
    emailHash,
    phoneHash,
  };

  const now = new Date();
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + env.BID_TOKEN_TTL_SECONDS * 1000);
  const dataHash = pingDataHash({ offerId: offer.id, fields, emailHash, phoneHash });
  const subIds = Object.fromEntries(SUB_ID_KEYS.flatMap((k) => (envelope[k] ? [[k, envelope[k]]] : [])));
  // The decision latency is the product: nothing is written until the auction is decided (then
  // once, see recordPing), and the duplicate check and the orders are read side by side.
  const pingRow: PingRecord = {
    id: randomUUID(),
    offerId: offer.id,
    affiliateId: actor.companyId,
    data: { fields, subIds },
    dataHash,
    emailHash,
    phoneHash,
    expiresAt,
  };
  const pingId = pingRow.id;
  // Two raw statements side by side (auction-reads.server.ts): the orders come with their wallet
  // balances and signing secrets, so only the per-candidate checks (suppression, caps) are left.
  const [alreadyBought, { orders, balances, signingSecrets: knownSecrets }] = await Promise.all([
    isAlreadyBought(offer.id, offerQualityRules(offer.qualityRules).duplicateWindowDays, emailHash, phoneHash, now),
    readAuctionSnapshot(offer.id),
  ]);
  const noBid = async (reasons: string[], asked = 0): Promise<PingAnswer> => {
    await recordPing(pingRow, [], null);
    return { pingId, bid: null, reasons, asked, bids: 0 };
  };

  if (offer.states.length > 0 && candidate.state && !offer.states.includes(candidate.state)) return noBid([NO_BID_REASONS.outOfGeo]);
  if (alreadyBought) return noBid([NO_BID_REASONS.duplicate]);
  if (orders.length === 0) return noBid([NO_BID_REASONS.noOrder]);
  const buyerPing = {
    ping_id: pingId,
    offer_id: offer.id,
    vertical: offer.vertical,
    country: offer.country,
    currency: offer.currency,
    data: fields,
    email_hash: emailHash,
    phone_hash: phoneHash,
  };
  // A buyer's first ping creates its signing secret (a write, once per buyer ever).
  const buyersWithoutSecret = orders.flatMap((o) => (o.pingUrl && !knownSecrets.has(o.advertiserId) ? [o.advertiserId] : []));
  const [skipReasons, createdSecrets] = await Promise.all([
    orderSkipReasons(prisma, orders, candidate, now),
    buyersWithoutSecret.length > 0 ? ensureSigningSecrets(prisma, buyersWithoutSecret) : new Map<string, string>(),
  ]);
  const signingSecrets = new Map([...knownSecrets, ...createdSecrets]);
  const asking = { candidate, buyerPing, deadlineMs: env.PING_TIMEOUT_MS, minPriceCents: offer.priceCents, balances, signingSecrets, now };
  const answers = await Promise.all(orders.map((order) => askOrder(order, skipReasons.get(order.id) ?? null, asking)));
  const rows = answers.map((row) => ({ ...row, id: randomUUID() }));
  const winner = bestBid(orders, rows);
  await recordPing(pingRow, rows, winner?.id ?? null);
  const bidCount = rows.filter((r) => r.status === "BID").length;
  if (!winner) {
    const noneMatched = rows.every((r) => r.status === "NO_BID" && r.detail?.startsWith(SKIPPED));
    return { pingId, bid: null, reasons: [noneMatched ? NO_BID_REASONS.noOrder : NO_BID_REASONS.noBid], asked: orders.length, bids: 0 };
  }

  const priceCents = winner.priceCents!;
  const token = signBidToken(
    {
      pid: pingId,
      bid: winner.id,
      aff: actor.companyId,
      off: offer.id,
      price: priceCents,
      cur: winner.currency,
      dh: dataHash,
      exp: Math.floor(expiresAt.getTime() / 1000),
    },
    env.BID_TOKEN_SECRET,
  );
  return {
    pingId,
    bid: {
      priceCents,
      currency: winner.currency,
      payoutCents: splitLeadSale(priceCents, env.PLATFORM_FEE_BPS).affiliateEarningCents,
      token,
      expiresAt,
    },
    reasons: [],
    asked: orders.length,
    bids: bidCount,
  };
}

/** One order's answer to a ping, given why it is skipped (or null): its price (internal) or its HTTP answer (external), its wallet. */
async function askOrder(
  order: AuctionOrder,
  skip: string | null,
  asking: {
    candidate: RoutingCandidate;
    buyerPing: unknown;
    deadlineMs: number;
    minPriceCents: number;
    balances: Map<string, bigint>;
    signingSecrets: Map<string, string>;
    now: Date;
  },
): Promise<BidRow> {
  const { candidate, buyerPing, deadlineMs, minPriceCents } = asking;
  const base = { orderId: order.id, advertiserId: order.advertiserId, currency: order.currency, external: order.pingUrl !== null };
  if (skip) return { ...base, status: "NO_BID", detail: `${SKIPPED}${skip}`, decidedAt: new Date() };
  let priceCents: number;
  let latencyMs: number | null = null;
  if (order.pingUrl) {
    const answer = await pingExternalBuyer(order.pingUrl, buyerPing, deadlineMs, asking.signingSecrets.get(order.advertiserId)!);
    latencyMs = answer.latencyMs;
    if (answer.status !== "BID") return { ...base, status: answer.status, latencyMs, detail: answer.detail, decidedAt: new Date() };
    priceCents = answer.priceCents;
    if (priceCents < minPriceCents) {
      const detail = `bid ${formatMoney(priceCents, order.currency)} is below the offer's price ${formatMoney(minPriceCents, order.currency)}`;
      return { ...base, status: "NO_BID", priceCents, latencyMs, detail, decidedAt: new Date() };
    }
    // The caps were checked at the order's own price; the buyer's bid is what a sale would cost.
    const capped = hasSpendCap(order) ? await capReached(prisma, order, priceCents, asking.now) : null;
    if (capped) return { ...base, status: "NO_BID", priceCents, latencyMs, detail: `${SKIPPED}${capped}`, decidedAt: new Date() };
  } else {
    priceCents = orderPriceCents(order, candidate);
  }
  // Whether the wallet could pay the bid, as the ledger's floor will judge the sale (0, or minus
  // a postpaid advertiser's credit limit); the sale itself is refused by the ledger, not here.
  const wallet = ledgerAccounts.advertiserWallet(order.advertiserId, order.currency);
  const balance = asking.balances.get(wallet.code) ?? 0n;
  const floor = -BigInt(order.advertiser.creditLimitCents);
  if (balance - BigInt(priceCents) < floor) {
    return {
      ...base,
      status: "NO_BID",
      priceCents,
      latencyMs,
      detail: new InsufficientBalanceError(wallet.code, balance, BigInt(priceCents), floor, order.currency).describe("bid"),
      decidedAt: new Date(),
    };
  }
  return { ...base, status: "BID", priceCents, latencyMs };
}

type RankedOrder = Order & { advertiser: { returnRateBps: number } };

/**
 * The best bid: highest price as it ranks (less the buyer's approved-return rate; the winner still
 * pays its own bid), then the order's priority (higher first), then the oldest order.
 */
function bestBid<Row extends BidRow>(orders: RankedOrder[], rows: Row[]): Row | null {
  const orderById = new Map(orders.map((o) => [o.id, o]));
  const bids = rows.filter((r) => r.status === "BID");
  const rank = (row: Row) => rankedBidCents(row.priceCents!, orderById.get(row.orderId)!.advertiser.returnRateBps);
  bids.sort((a, b) => {
    const oa = orderById.get(a.orderId)!;
    const ob = orderById.get(b.orderId)!;
    return rank(b) - rank(a) || ob.priority - oa.priority || oa.createdAt.getTime() - ob.createdAt.getTime();
  });
  return bids[0] ?? null;
}
