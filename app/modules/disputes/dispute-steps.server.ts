import type { Dispute } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { recordNotice } from "~/modules/notices/notices.server";
import type { Tx } from "~/utils/db.server";
import { DISPUTE_KIND_LABELS } from "./disputes.schema";

// Every state change of a dispute leaves three rows, in the transaction that made it: a line on
// the lead's timeline, an audit row (targetType "Dispute": the dispute's own history), and a
// notice plus an outbox email for each user of each party told. Messages never name the other
// company: affiliates do not see buyers, buyers see affiliates pseudonymised.

export type DisputeStep =
  | "opened"
  | "approved_by_evidence"
  | "awaiting_response"
  | "accepted"
  | "contested"
  | "deadline_approved"
  | "deadline_escalated"
  | "approved"
  | "denied"
  | "withdrawn"
  | "evidence_added";

type DisputeRef = Pick<Dispute, "id" | "kind" | "leadId" | "advertiserId" | "affiliateId">;

export interface DisputeStepInput {
  /** The user who made it happen; null for the platform (evidence, deadlines). */
  actorId: string | null;
  /** The timeline line (also the audit row's message). */
  message: string;
  /** What each party is told; a party left out is not notified. */
  tell?: { advertiser?: string; affiliate?: string };
  data?: Record<string, string | number | boolean | null>;
}

/** Where each party reads a dispute in the portal. */
export function disputeHref(role: "ADVERTISER" | "AFFILIATE" | "ADMIN", disputeId: string): string {
  return `/${role.toLowerCase()}/disputes/${disputeId}`;
}

export async function recordDisputeStep(tx: Tx, dispute: DisputeRef, step: DisputeStep, input: DisputeStepInput): Promise<void> {
  const data = { disputeId: dispute.id, kind: dispute.kind, step, ...input.data };
  await recordLeadEvent(tx, dispute.leadId, "dispute", input.message, data);
  await recordAudit(tx, {
    actorId: input.actorId,
    action: `dispute.${step}`,
    targetType: "Dispute",
    targetId: dispute.id,
    data: { ...data, message: input.message },
  });
  const tell = input.tell ?? {};
  if (tell.advertiser) await notifyCompany(tx, dispute.advertiserId, "ADVERTISER", dispute, tell.advertiser);
  if (tell.affiliate) await notifyCompany(tx, dispute.affiliateId, "AFFILIATE", dispute, tell.affiliate);
}

async function notifyCompany(tx: Tx, companyId: string, role: "ADVERTISER" | "AFFILIATE", dispute: DisputeRef, message: string) {
  const users = await tx.user.findMany({ where: { companyId }, select: { id: true, email: true } });
  const subject = `${DISPUTE_KIND_LABELS[dispute.kind]} ${dispute.id}: ${message.length > 80 ? `${message.slice(0, 77)}...` : message}`;
  for (const user of users) {
    await recordNotice(tx, user.id, { kind: "DISPUTE", data: { disputeId: dispute.id, message, href: disputeHref(role, dispute.id) } });
  }
  if (users.length > 0) {
    await tx.emailOutbox.createMany({
      data: users.map((user) => ({
        userId: user.id,
        toAddress: user.email,
        subject,
        body: `${message}\n\nOpen it in Leadex: ${disputeHref(role, dispute.id)}`,
      })),
    });
  }
}
