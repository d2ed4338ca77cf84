import { returnOfLead } from "~/modules/disputes/advertiser-disputes.server";
import { isReturnWindowOpen, returnDeadline } from "~/modules/disputes/return-window";
import type { Actor } from "~/utils/permissions.server";
import { getBoughtLead } from "./lead-queries.server";

/** A bought lead's page: the lead, the return asked of it (if any), and until when one may be asked. */
export async function boughtLeadView(actor: Actor, leadId: string) {
  const lead = await getBoughtLead(actor, leadId);
  const soldAt = new Date(lead.soldAt);
  return {
    lead,
    leadReturn: await returnOfLead(actor, lead.leadId),
    returnDeadline: returnDeadline(soldAt, lead.returnWindowDays),
    returnWindowOpen: isReturnWindowOpen(soldAt, lead.returnWindowDays),
  };
}
