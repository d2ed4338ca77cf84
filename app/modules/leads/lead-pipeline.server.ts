import type { Lead, Offer } from "~/generated/prisma/client";
import { forgetKnownLedgerAccounts } from "~/modules/ledger/ledger.server";
import { markOutboxProcessed } from "~/modules/outbox/outbox.server";
import { decideByScore, offerQualityRules } from "~/modules/quality/quality.schema";
import { scoreLead } from "~/modules/quality/scoring";
import { rememberVerdict } from "~/modules/quality/checks/batch-history.server";
import { verifyLead, type LeadContact } from "~/modules/quality/verification.server";
import { sellPingPostLead } from "~/modules/ping-post/ping-post-sale.server";
import { routeLead } from "~/modules/routing/routing.server";
import { LEAD_PROCESSING_QUEUE, leadProcessingKey } from "~/queues/lead-processing.queue.server";
import { prisma, type Tx, txQuery, txExecute } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { deferWrite } from "~/utils/tx-memo.server";
import { notifyAffiliateOfLeadEvent } from "./lead-notifications.server";
import { UNSOLD_REASONS } from "./lead-reasons";
import { recordLeadEvent, withGatheredTimeline } from "./lead-timeline.server";

function contactColumns(contact: LeadContact) {
  return { email: contact.email, phone: contact.phone, state: contact.state, postalCode: contact.postalCode };
}

export type ProcessOutcome = "rejected" | "held" | "sold" | "unsold" | "already-processed" | "missing";

/**
 * received → verified → scored → accepted / held / rejected → routed → sold / unsold, in one
 * transaction that holds the lead's row lock: a retried or duplicated job finds the lead
 * processed and does nothing. The worker decides leads in batches (lead-batch.server.ts); this is
 * one lead alone (a batch's lead that failed, a ping-post lead, tests).
 */
export async function processReceivedLead(leadId: string): Promise<ProcessOutcome> {
  try {
    return await prisma.$transaction(
      (tx) =>
        withGatheredTimeline(tx, async () => {
          const locked = await txQuery<Array<{ id: string }>>(tx)`SELECT id FROM "Lead" WHERE id = ${leadId} FOR UPDATE`;
          if (locked.length === 0) return "missing" as const;
          const lead = await tx.lead.findUniqueOrThrow({ where: { id: leadId }, include: { offer: true } });
          const outcome = lead.status === "RECEIVED" ? await verifyScoreAndRoute(tx, lead, lead.offer) : "already-processed";
          await markOutboxProcessed(tx, LEAD_PROCESSING_QUEUE, leadProcessingKey(lead.id));
          return outcome;
        }),
      { timeout: 20_000, maxWait: 10_000 },
    );
  } catch (error) {
    forgetKnownLedgerAccounts();
    throw error;
  }
}

/**
 * Runs every check, writes each result on the timeline, then rejects (any failed check), scores,
 * and holds (a check asked for review, or a mid score), rejects (low score) or accepts and routes.
 * Also run inside a rolled-back transaction for test postbacks (lead-intake.server.ts).
 */
export async function verifyScoreAndRoute(tx: Tx, lead: Lead, offer: Offer): Promise<ProcessOutcome> {
  const verdict = await verifyAndScore(tx, lead, offer);
  return verdict.outcome === "accepted" ? routeAcceptedLead(tx, verdict.lead, offer) : verdict.outcome;
}

export type Verdict = { outcome: "rejected" | "held" } | { outcome: "accepted"; lead: Lead };

/**
 * The first half of the pipeline, with no wallet lock: every check (each result on the timeline),
 * the score, and the verdict in one UPDATE of the lead: rejected, held for review, or accepted
 * (then routed by `routeAcceptedLead`, in the same transaction).
 */
export async function verifyAndScore(tx: Tx, lead: Lead, offer: Offer): Promise<Verdict> {
  const rules = offerQualityRules(offer.qualityRules);
  const result = await verifyLead(tx, lead, offer, rules);
  for (const check of result.checks) {
    await recordLeadEvent(tx, lead.id, "check", `${check.code}: ${check.outcome}: ${check.detail}`, {
      code: check.code,
      outcome: check.outcome,
      ...(check.reason ? { reason: check.reason } : {}),
    });
  }
  const now = new Date();
  const verified = {
    checks: result.checks as unknown as object[],
    fields: result.fields ?? undefined,
    ...(result.contact ? contactColumns(result.contact) : {}),
    emailHash: result.emailHash,
    phoneHash: result.phoneHash,
  };
  if (result.failures.length > 0) {
    await writeVerdict(tx, lead, { ...verified, status: "REJECTED", reasons: result.failures, processedAt: now });
    const failed = result.checks.filter((c) => c.outcome === "fail").map((c) => c.detail);
    await recordLeadEvent(tx, lead.id, "rejected", `Rejected: ${failed.join("; ")}`, { reasons: result.failures });
    await notifyAffiliateOfLeadEvent(tx, lead.id, "rejected", lead.affiliateId);
    return { outcome: "rejected" };
  }
  await recordLeadEvent(tx, lead.id, "verified", `Verified: ${result.checks.length} checks run, none failed`);

  const score = scoreLead({ fields: result.fields ?? {}, signals: result.signals, consent: result.consent, checks: result.checks });
  const decision = decideByScore(score.score, rules);
  // The verdict is written with the score in one UPDATE (the timeline still tells it step by step).
  const scored = {
    ...verified,
    qualityScore: score.score,
    scoreReasons: score.reasons as unknown as object[],
    temperature: score.temperature,
  };
  const scoredLine = () =>
    recordLeadEvent(tx, lead.id, "scored", `Scored ${score.score}/100, ${score.temperature.toLowerCase()}`, {
      score: score.score,
      temperature: score.temperature,
    });
  if (decision === "reject") {
    await writeVerdict(tx, lead, { ...scored, status: "REJECTED", reasons: ["low_score"], processedAt: now });
    await scoredLine();
    await recordLeadEvent(tx, lead.id, "rejected", `Rejected: score ${score.score} is below the offer's reject threshold ${rules.rejectScore}`, {
      reasons: ["low_score"],
    });
    await notifyAffiliateOfLeadEvent(tx, lead.id, "rejected", lead.affiliateId);
    return { outcome: "rejected" };
  }
  if (decision === "hold" || result.holds.length > 0) {
    const reasons = [...result.holds, ...(decision === "hold" ? ["score_review"] : [])];
    const why = [
      ...result.checks.filter((c) => c.outcome === "hold").map((c) => c.detail),
      ...(decision === "hold" ? [`score ${score.score} is below the offer's accept threshold ${rules.acceptScore}`] : []),
    ];
    await writeVerdict(tx, lead, { ...scored, status: "HELD", reasons });
    rememberVerdict(tx, { id: lead.id, offerId: lead.offerId, receivedAt: lead.receivedAt, emailHash: result.emailHash, phoneHash: result.phoneHash });
    await scoredLine();
    await recordLeadEvent(tx, lead.id, "held", `Held for review: ${why.join("; ")}`, { reasons });
    return { outcome: "held" };
  }
  const accepted = await writeVerdict(tx, lead, { ...scored, status: "ACCEPTED", reasons: [] });
  rememberVerdict(tx, accepted);
  await scoredLine();
  await recordLeadEvent(tx, lead.id, "accepted", "Accepted");
  await notifyAffiliateOfLeadEvent(tx, lead.id, "accepted", lead.affiliateId);
  return { outcome: "accepted", lead: accepted };
}

type VerdictColumns = {
  status: "REJECTED" | "HELD" | "ACCEPTED";
  reasons: string[];
  checks: object[];
  fields?: object;
  email?: string | null;
  phone?: string | null;
  state?: string | null;
  postalCode?: string | null;
  emailHash: string | null;
  phoneHash: string | null;
  qualityScore?: number;
  scoreReasons?: object[];
  temperature?: Lead["temperature"];
  processedAt?: Date;
};

/**
 * The verdict UPDATE of one lead; in a batch, queued and written for all its leads in one UPDATE
 * at its end (anything reading the lead back before then, a postback, flushes it first).
 */
async function writeVerdict(tx: Tx, lead: Lead, data: VerdictColumns): Promise<Lead> {
  if (deferWrite(tx, "lead-verdicts", { id: lead.id, ...data }, (rows) => writeVerdicts(tx, rows))) {
    return {
      ...lead,
      ...data,
      fields: (data.fields ?? lead.fields) as Lead["fields"],
      checks: data.checks as Lead["checks"],
      scoreReasons: (data.scoreReasons ?? lead.scoreReasons) as Lead["scoreReasons"],
    };
  }
  return tx.lead.update({ where: { id: lead.id }, data });
}

/** Many leads' verdicts in one UPDATE; a column a verdict leaves out keeps its value. */
async function writeVerdicts(tx: Tx, rows: Array<VerdictColumns & { id: string }>) {
  const json = JSON.stringify(rows);
  await txExecute(tx)`
    UPDATE "Lead" AS l SET
      status = (r.v->>'status')::"LeadStatus",
      reasons = ARRAY(SELECT jsonb_array_elements_text(r.v->'reasons')),
      checks = r.v->'checks',
      fields = CASE WHEN r.v ? 'fields' THEN r.v->'fields' ELSE l.fields END,
      email = CASE WHEN r.v ? 'email' THEN r.v->>'email' ELSE l.email END,
      phone = CASE WHEN r.v ? 'phone' THEN r.v->>'phone' ELSE l.phone END,
      state = CASE WHEN r.v ? 'state' THEN r.v->>'state' ELSE l.state END,
      "postalCode" = CASE WHEN r.v ? 'postalCode' THEN r.v->>'postalCode' ELSE l."postalCode" END,
      "emailHash" = r.v->>'emailHash',
      "phoneHash" = r.v->>'phoneHash',
      "qualityScore" = CASE WHEN r.v ? 'qualityScore' THEN (r.v->>'qualityScore')::int ELSE l."qualityScore" END,
      "scoreReasons" = CASE WHEN r.v ? 'scoreReasons' THEN r.v->'scoreReasons' ELSE l."scoreReasons" END,
      temperature = CASE WHEN r.v ? 'temperature' THEN (r.v->>'temperature')::"Temperature" ELSE l.temperature END,
      "processedAt" = CASE WHEN r.v ? 'processedAt' THEN (r.v->>'processedAt')::timestamp(3) ELSE l."processedAt" END
    FROM jsonb_array_elements(${json}::jsonb) AS r(v)
    WHERE l.id = r.v->>'id'`;
}

/**
 * Accepts a verified lead and routes it: ACCEPTED → SOLD or UNSOLD. Used by the admin review
 * queue when a held lead is approved (the caller holds the lead's row lock).
 */
export async function acceptAndRouteLead(tx: Tx, lead: Lead, offer: Offer): Promise<"sold" | "unsold"> {
  const accepted = await tx.lead.update({ where: { id: lead.id }, data: { status: "ACCEPTED", reasons: [] } });
  await recordLeadEvent(tx, lead.id, "accepted", "Accepted");
  await notifyAffiliateOfLeadEvent(tx, lead.id, "accepted", lead.affiliateId);
  return routeAcceptedLead(tx, accepted, offer);
}

/** Routes an accepted lead (the second half, under the wallet locks): SOLD or UNSOLD. */
export async function routeAcceptedLead(tx: Tx, accepted: Lead, offer: Offer): Promise<"sold" | "unsold"> {
  const env = getEnv();
  // A lead posted with a bid token sells to the ping's winning bid (falling back to routing).
  const sell = accepted.pingId ? sellPingPostLead : routeLead;
  // An offer an admin unlisted while its leads waited in the queue sells none of them (moderation).
  const { sold, outOfFunds } = offer.unlistedAt ? { sold: 0, outOfFunds: 0 } : await sell(tx, accepted, offer, env.PLATFORM_FEE_BPS);
  const now = new Date();
  const unsold = sold > 0 ? null : offer.unlistedAt ? UNSOLD_REASONS.unlisted : outOfFunds > 0 ? UNSOLD_REASONS.outOfFunds : UNSOLD_REASONS.noOrder;
  const final = unsold ? { status: "UNSOLD" as const, reasons: [unsold.code], processedAt: now } : { status: "SOLD" as const, processedAt: now };
  // A batch writes its leads' final status in one UPDATE before anything reads it back.
  if (!deferWrite(tx, "lead-final-status", { id: accepted.id, ...final }, (rows) => writeFinalStatuses(tx, rows))) {
    await tx.lead.update({ where: { id: accepted.id }, data: final });
  }
  if (unsold) {
    await recordLeadEvent(tx, accepted.id, "unsold", unsold.line);
    return "unsold";
  }
  await notifyAffiliateOfLeadEvent(tx, accepted.id, "sold", accepted.affiliateId);
  return "sold";
}

/** The final status of many routed leads in one UPDATE (SOLD keeps the reasons it was accepted with). */
async function writeFinalStatuses(tx: Tx, rows: Array<{ id: string; status: "SOLD" | "UNSOLD"; reasons?: string[]; processedAt: Date }>) {
  const ids = rows.map((r) => r.id);
  const statuses = rows.map((r) => r.status);
  const reasons = rows.map((r) => r.reasons?.[0] ?? null);
  const processedAt = rows.map((r) => r.processedAt.toISOString());
  await txExecute(tx)`
    UPDATE "Lead" AS l SET status = v.status::"LeadStatus", "processedAt" = v.at::timestamp(3),
      reasons = CASE WHEN v.reason IS NOT NULL THEN ARRAY[v.reason]::text[] ELSE l.reasons END
    FROM unnest(${ids}::text[], ${statuses}::text[], ${reasons}::text[], ${processedAt}::text[]) AS v(id, status, reason, at)
    WHERE l.id = v.id`;
}
