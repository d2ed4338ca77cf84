import type { Dispute, DisputeKind } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";
import { approveConversionDispute } from "./conversion-disputes.server";
import { approveConversionInquiry } from "./conversion-inquiries.server";
import { approveLeadReturn, type ApprovalContext } from "./lead-returns.server";

// What approving each kind of dispute does to money and records. Each approver moves the dispute
// to APPROVED (with resolvedBy, decision and journal entry) and records the step; the caller has
// already claimed the dispute from its previous status with a conditional update.

export type DisputeApprover = (tx: Tx, dispute: Dispute, ctx: ApprovalContext) => Promise<Dispute>;

export const DISPUTE_APPROVERS: Record<DisputeKind, DisputeApprover> = {
  LEAD_RETURN: approveLeadReturn,
  CONVERSION_INQUIRY: approveConversionInquiry,
  CONVERSION_DISPUTE: approveConversionDispute,
};
