import type { Dispute, DisputeStatus } from "~/generated/prisma/client";
import { prisma, type Tx } from "~/utils/db.server";
import { ForbiddenError, NotFoundError, ValidationError, zodFieldErrors } from "~/utils/errors";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { DISPUTE_APPROVERS } from "./dispute-approvals.server";
import { DisputeRefusedError } from "./dispute-errors";
import { addEvidence } from "./dispute-evidence.server";
import { DISPUTE_FLOWS, OPEN_STATUSES } from "./dispute-states";
import { recordDisputeStep } from "./dispute-steps.server";
import { DISPUTE_KIND_LABELS, disputeDecisionSchema, disputeResponseSchema } from "./disputes.schema";

// The moves after a dispute is opened: the other side answers, the opener withdraws, an admin
// decides, the deadline passes. Every move claims the dispute from the status it expects with a
// conditional UPDATE, so two moves racing (an answer and the deadline job, two admins, two
// workers) leave exactly one winner; the loser gets a 409 saying what happened instead.

/** Claims the dispute: moves it from one of `from` to `to` if nobody moved it first. */
async function claim(
  tx: Tx,
  disputeId: string,
  from: readonly DisputeStatus[],
  to: DisputeStatus,
  data: Record<string, unknown> = {},
): Promise<Dispute | null> {
  const { count } = await tx.dispute.updateMany({ where: { id: disputeId, status: { in: [...from] } }, data: { status: to, ...data } });
  if (count === 0) return null;
  return tx.dispute.findUniqueOrThrow({ where: { id: disputeId } });
}

async function alreadyMoved(tx: Tx, disputeId: string): Promise<DisputeRefusedError> {
  const now = await tx.dispute.findUniqueOrThrow({ where: { id: disputeId }, select: { status: true } });
  return new DisputeRefusedError("dispute_not_open", 409, `This dispute is already ${now.status.toLowerCase().replace("_", " ")}: nothing changed`);
}

/** The dispute as its party may see it (404 for anyone else's). */
async function disputeForParty(actor: Actor, disputeId: string): Promise<Dispute> {
  const dispute = await prisma.dispute.findUnique({ where: { id: disputeId } });
  const party =
    dispute &&
    ((actor.role === "ADVERTISER" && dispute.advertiserId === actor.companyId) || (actor.role === "AFFILIATE" && dispute.affiliateId === actor.companyId));
  if (!dispute || !party) throw new NotFoundError("Dispute");
  return dispute;
}

/**
 * The other side's answer: accept/confirm approves (money moves now), contest/decline sends it to
 * the admin queue. Only the respondent may answer, only while it awaits a response.
 */
export async function respondToDispute(actor: Actor, disputeId: string, record: Record<string, unknown>, now: Date = new Date()): Promise<Dispute> {
  requirePermission(actor, "write:dispute:own");
  const parsed = disputeResponseSchema.safeParse(record);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const input = parsed.data;
  const dispute = await disputeForParty(actor, disputeId);
  const flow = DISPUTE_FLOWS[dispute.kind];
  if (actor.role !== flow.respondent)
    throw new ForbiddenError(`Only the ${flow.respondent === "AFFILIATE" ? "seller" : "buyer"} answers a ${DISPUTE_KIND_LABELS[dispute.kind].toLowerCase()}`);
  if (input.response !== flow.agree && input.response !== flow.disagree) {
    throw new ValidationError({ response: `Answer ${flow.agree} or ${flow.disagree}` });
  }
  if (input.response === flow.disagree && !input.note) throw new ValidationError({ note: `Say why you ${flow.disagree} it` });

  return prisma.$transaction(async (tx) => {
    const answered = { respondedAt: now, respondedById: actor.userId, response: input.response, responseNote: input.note ?? null };
    const agree = input.response === flow.agree;
    const moved = await claim(tx, dispute.id, ["AWAITING_RESPONSE"], agree ? "APPROVED" : "IN_REVIEW", agree ? answered : { ...answered, responseDueAt: null });
    if (!moved) throw await alreadyMoved(tx, dispute.id);
    await addEvidence(tx, dispute.id, "respondent", actor.userId, input);
    if (agree) {
      return DISPUTE_APPROVERS[dispute.kind](tx, moved, {
        actorId: actor.userId,
        resolvedBy: "RESPONDENT",
        reason: input.note ?? `${input.response}ed`,
        atPlatformCost: false,
        now,
      });
    }
    const side = flow.respondent === "AFFILIATE" ? "seller" : "buyer";
    await recordDisputeStep(tx, moved, "contested", {
      actorId: actor.userId,
      message: `The ${side} ${input.response === "contest" ? "contested" : "declined"} it: "${input.note!.slice(0, 300)}". It goes to an admin`,
      tell: {
        [flow.opener === "ADVERTISER" ? "advertiser" : "affiliate"]:
          `Your ${DISPUTE_KIND_LABELS[dispute.kind].toLowerCase()} ${dispute.id} was ${input.response === "contest" ? "contested" : "declined"} by the ${side}: "${input.note!.slice(0, 300)}". An admin will decide.`,
      },
    });
    return moved;
  });
}

/** The opener withdraws its own dispute while it is open; nothing is charged or credited. */
export async function withdrawDispute(actor: Actor, disputeId: string, now: Date = new Date()): Promise<Dispute> {
  requirePermission(actor, "write:dispute:own");
  const dispute = await disputeForParty(actor, disputeId);
  if (actor.role !== DISPUTE_FLOWS[dispute.kind].opener) throw new ForbiddenError("Only the side that opened it may withdraw it");
  return prisma.$transaction(async (tx) => {
    const moved = await claim(tx, dispute.id, OPEN_STATUSES as DisputeStatus[], "WITHDRAWN", { resolvedBy: "OPENER", decidedAt: now, responseDueAt: null });
    if (!moved) throw await alreadyMoved(tx, dispute.id);
    const other = DISPUTE_FLOWS[dispute.kind].respondent === "AFFILIATE" ? "affiliate" : "advertiser";
    await recordDisputeStep(tx, moved, "withdrawn", {
      actorId: actor.userId,
      message: "Withdrawn by the side that opened it",
      tell: { [other]: `The ${DISPUTE_KIND_LABELS[dispute.kind].toLowerCase()} ${dispute.id} was withdrawn: nothing changes.` },
    });
    return moved;
  });
}

/** An admin's final decision on a dispute in review (or still awaiting its answer): audited, both sides told. */
export async function decideDispute(actor: Actor, disputeId: string, record: Record<string, unknown>, now: Date = new Date()): Promise<Dispute> {
  requirePermission(actor, "write:dispute:any");
  const parsed = disputeDecisionSchema.safeParse(record);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const input = parsed.data;
  const dispute = await prisma.dispute.findUnique({ where: { id: disputeId } });
  if (!dispute) throw new NotFoundError("Dispute");
  if (input.decision === "approve_at_platform_cost" && dispute.kind !== "LEAD_RETURN") {
    throw new ValidationError({ decision: "Only a lead return can be approved at the platform's cost" });
  }
  return prisma.$transaction(async (tx) => {
    const approve = input.decision !== "deny";
    const decided = { decidedById: actor.userId, decidedAt: now, decisionReason: input.reason, resolvedBy: "ADMIN" as const, responseDueAt: null };
    const moved = await claim(tx, dispute.id, ["IN_REVIEW", "AWAITING_RESPONSE"], approve ? "APPROVED" : "DENIED", approve ? {} : decided);
    if (!moved) throw await alreadyMoved(tx, dispute.id);
    await addEvidence(tx, dispute.id, "admin", actor.userId, input);
    if (approve) {
      return DISPUTE_APPROVERS[dispute.kind](tx, moved, {
        actorId: actor.userId,
        resolvedBy: "ADMIN",
        reason: input.reason,
        atPlatformCost: input.decision === "approve_at_platform_cost",
        now,
      });
    }
    const label = DISPUTE_KIND_LABELS[dispute.kind].toLowerCase();
    await recordDisputeStep(tx, moved, "denied", {
      actorId: actor.userId,
      message: `Denied by an admin: ${input.reason}`,
      tell: {
        advertiser: `The ${label} ${dispute.id} was denied by an admin: ${input.reason}. This decision is final.`,
        affiliate: `The ${label} ${dispute.id} was denied by an admin: ${input.reason}. This decision is final.`,
      },
    });
    return moved;
  });
}

/**
 * The response deadline (a scheduled job, safe with two workers): a return or conversion dispute
 * nobody answered is accepted; an inquiry nobody answered goes to the admin queue.
 */
export async function runDisputeDeadlines(now: Date = new Date(), batch = 200): Promise<{ approved: number; escalated: number }> {
  const due = await prisma.dispute.findMany({
    where: { status: "AWAITING_RESPONSE", responseDueAt: { lte: now } },
    orderBy: { responseDueAt: "asc" },
    take: batch,
    select: { id: true, kind: true },
  });
  let approved = 0;
  let escalated = 0;
  for (const { id, kind } of due) {
    const flow = DISPUTE_FLOWS[kind];
    await prisma.$transaction(async (tx) => {
      const moved = await claim(tx, id, ["AWAITING_RESPONSE"], flow.onDeadline, { responseDueAt: null });
      if (!moved) return;
      if (flow.onDeadline === "APPROVED") {
        await DISPUTE_APPROVERS[kind](tx, moved, {
          actorId: null,
          resolvedBy: "DEADLINE",
          reason: "no answer before the deadline",
          atPlatformCost: false,
          now,
        });
        approved++;
        return;
      }
      await recordDisputeStep(tx, moved, "deadline_escalated", {
        actorId: null,
        message: "The buyer did not answer before the deadline: it goes to an admin",
        tell: { affiliate: `Your ${DISPUTE_KIND_LABELS[kind].toLowerCase()} ${id} was not answered in time: an admin will decide.` },
      });
      escalated++;
    });
  }
  return { approved, escalated };
}
