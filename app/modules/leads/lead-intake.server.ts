import { randomUUID } from "node:crypto";
import { Prisma, type Offer } from "~/generated/prisma/client";
import { offerFieldsSchema } from "~/modules/offers/offers.schema";
import { offerIntakeRefusal } from "~/modules/offers/offer-status";
import { findOwnOfferForIntake } from "~/modules/offers/offers.server";
import { dispatchOutboxMessageSoon } from "~/modules/outbox/outbox.server";
import { checkLeadFields } from "~/modules/quality/lead-fields";
import { checkResultsSchema, type CheckResult } from "~/modules/quality/quality.schema";
import { LEAD_PROCESSING_QUEUE, leadProcessingKey } from "~/queues/lead-processing.queue.server";
import { prisma } from "~/utils/db.server";
import { ConflictError, ValidationError, parseOrThrow } from "~/utils/errors";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import { verifyScoreAndRoute } from "./lead-pipeline.server";
import { insertReceivedLead } from "./lead-store.server";
import { consentOf, postbackEnvelopeSchema, signalsOf, splitPostback, SUB_ID_KEYS } from "./leads.schema";

const MAX_LEAD_FIELDS = 100;

export type ReceivedLead = StoredLead | TestLeadOutcome;

export interface StoredLead {
  test: false;
  id: string;
  externalId: string;
  status: string;
  reasons: string[];
  created: boolean;
}

/** What a test postback would have done: nothing of it is stored. */
export interface TestLeadOutcome {
  test: true;
  externalId: string;
  status: string;
  reasons: string[];
  checks: CheckResult[];
  score: number | null;
  temperature: string | null;
  /** How many buyers would have bought it, and what the affiliate would have earned. */
  buyers: number;
  payoutCents: number;
  currency: string;
}

function toReceived(lead: { id: string; externalId: string; status: string; reasons: string[] }, created: boolean): StoredLead {
  return { test: false, id: lead.id, externalId: lead.externalId, status: lead.status, reasons: lead.reasons, created };
}

/** Thrown at the end of a test postback's transaction so that everything it wrote is rolled back. */
class TestPostbackRollback extends Error {
  constructor(readonly outcome: TestLeadOutcome) {
    super("test postback: rolled back");
  }
}

/**
 * Runs a lead through every check, the score and routing inside a transaction that is always
 * rolled back: the affiliate learns what would happen, and no lead, sale, ledger entry, outbox
 * row or postback survives.
 */
async function simulateLead(offer: Offer, data: Prisma.LeadUncheckedCreateInput, externalId: string): Promise<TestLeadOutcome> {
  try {
    await prisma.$transaction(
      async (tx) => {
        // A fresh id: a test never collides with (nor is the retry of) a real lead.
        const lead = await tx.lead.create({ data: { ...data, externalId: `test:${randomUUID()}` } });
        await verifyScoreAndRoute(tx, lead, offer);
        const after = await tx.lead.findUniqueOrThrow({ where: { id: lead.id }, include: { sales: true } });
        throw new TestPostbackRollback({
          test: true,
          externalId,
          status: after.status,
          reasons: after.reasons,
          checks: checkResultsSchema.parse(after.checks ?? []),
          score: after.qualityScore,
          temperature: after.temperature,
          buyers: after.sales.length,
          payoutCents: after.sales.reduce((sum, sale) => sum + sale.priceCents - sale.feeCents, 0),
          currency: after.sales[0]?.currency ?? offer.currency,
        });
      },
      { timeout: 20_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (error instanceof TestPostbackRollback) return error.outcome;
    throw error;
  }
  throw new Error("a test postback's transaction must roll back");
}

/** The first test postback ticks the dashboard guide's second step (a test stores no lead to count). */
async function noteFirstTestLead(affiliateId: string) {
  await prisma.company.updateMany({ where: { id: affiliateId, firstTestLeadAt: null }, data: { firstTestLeadAt: new Date() } });
}

/**
 * Takes one postback from an affiliate. The lead is stored (with its outbox row) before this
 * returns; the same affiliate lead id posted again returns the first lead and changes nothing.
 * A test postback (`test=true`) stores nothing and answers what would happen.
 */
export async function receiveLead(actor: Actor, record: Record<string, unknown>, meta: { pingId?: string } = {}): Promise<ReceivedLead> {
  requirePermission(actor, "write:lead:own");
  const { envelope: rawEnvelope, fields: rawFields } = splitPostback(record);
  const envelope = parseOrThrow(postbackEnvelopeSchema, rawEnvelope);
  const offer = await findOwnOfferForIntake(actor, envelope.offer_id);

  // A retry of a lead already stored is answered with that lead, whatever changed since (offer
  // paused, fields posted differently). Looked up only on those paths: the hot path's insert
  // finds it through its unique key instead.
  const firstPosted = async () =>
    envelope.test ? null : prisma.lead.findUnique({ where: { affiliateId_externalId: { affiliateId: actor.companyId, externalId: envelope.lead_id } } });

  const refusal = offerIntakeRefusal(offer);
  if (refusal) {
    const existing = await firstPosted();
    if (existing) return toReceived(existing, false);
    throw new ConflictError(refusal);
  }
  if (Object.keys(rawFields).length > MAX_LEAD_FIELDS) {
    throw new ValidationError({ fields: `A lead carries at most ${MAX_LEAD_FIELDS} fields` });
  }
  const check = checkLeadFields(offerFieldsSchema.parse(offer.fields), offer.country, rawFields);
  if (!check.ok) {
    const existing = await firstPosted();
    if (existing) return toReceived(existing, false);
    throw new ValidationError(check.errors);
  }

  const subIds = Object.fromEntries(SUB_ID_KEYS.flatMap((k) => (envelope[k] ? [[k, envelope[k]]] : [])));
  const rawFieldStrings = Object.fromEntries(Object.entries(rawFields).map(([k, v]) => [k, v == null ? "" : String(v)]));
  const consent = consentOf(envelope);
  const row = {
    offerId: offer.id,
    affiliateId: actor.companyId,
    externalId: envelope.lead_id,
    rawFields: rawFieldStrings,
    subIds,
    // Postbacks come from the affiliate's server: the sender's address is not the consumer's.
    ipAddress: envelope.ip_address || null,
    // Like ip_address: the consumer's, as posted; the caller is the affiliate's server.
    userAgent: envelope.user_agent ?? null,
    consent: consent ? { ...consent } : null,
    signals: { ...signalsOf(envelope) },
    pingId: meta.pingId ?? null,
  };
  if (envelope.test) {
    const outcome = await simulateLead(offer, { ...row, consent: row.consent ?? Prisma.DbNull }, envelope.lead_id);
    await noteFirstTestLead(actor.companyId);
    return outcome;
  }
  const stored = await insertReceivedLead(row, { queue: LEAD_PROCESSING_QUEUE, key: leadProcessingKey });
  if (stored.outboxMessage) dispatchOutboxMessageSoon(stored.outboxMessage);
  return toReceived(stored, stored.created);
}
