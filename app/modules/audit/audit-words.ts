// What each audit action means, in words, and where its target is read in the admin console. An
// action not listed shows as its code with the dots and underscores as spaces.

export const AUDIT_ACTION_WORDS: Readonly<Record<string, string>> = {
  "account.locked": "Account locked after failed sign-ins",
  "billing.postpaid_terms_set": "Postpaid terms set",
  "company.suspended": "Company suspended",
  "company.reinstated": "Company reinstated",
  "company.note.added": "Note added to company",
  "conversion.fraud": "Conversion marked as fraud",
  "conversions.reconciliation.requested": "Conversion reconciliation run requested",
  "ledger.reconciliation.requested": "Ledger reconciliation run requested",
  "invoice.overdue_orders_paused": "Orders paused for an overdue invoice",
  "invoice.paid": "Invoice paid",
  "lead.review.approved": "Held lead approved (released to buyers)",
  "lead.review.rejected": "Held lead rejected",
  "offer.unlisted": "Offer unlisted",
  "offer.paused": "Offer paused",
  "offer.relisted": "Offer relisted",
  "payouts.held": "Payouts held",
  "payouts.released": "Payouts released",
  "payouts.run.requested": "Payout run requested",
  "suppression.added": "Added to the suppression list",
  "suppression.removed": "Removed from the suppression list",
  "true-up.approved": "True-up approved",
  "wallet.refund.requested": "Wallet refund requested",
  "wallet.refund.succeeded": "Wallet refund paid by Stripe",
  "wallet.refund.failed": "Wallet refund failed",
  "wallet.refund.retried": "Pending wallet refunds asked again",
  "chargeback.opened": "Card dispute opened",
  "chargeback.orders_paused": "Orders paused for a card dispute",
  "chargeback.evidence_submitted": "Card dispute evidence submitted",
  "chargeback.orders_resumed": "Orders resumed after a card dispute",
  "chargeback.funds_withdrawn": "Card dispute funds withdrawn",
  "chargeback.funds_reinstated": "Card dispute funds reinstated",
  "chargeback.closed": "Card dispute closed",
  "dispute.opened": "Dispute opened",
  "dispute.approved": "Dispute approved",
  "dispute.denied": "Dispute denied",
  "dispute.accepted": "Dispute accepted by the other party",
  "dispute.contested": "Dispute contested",
  "dispute.withdrawn": "Dispute withdrawn",
  "dispute.evidence_added": "Dispute evidence added",
  "dispute.awaiting_response": "Dispute awaiting an answer",
  "dispute.approved_by_evidence": "Dispute approved on its evidence",
  "dispute.deadline_approved": "Dispute approved at its deadline",
  "dispute.deadline_escalated": "Dispute sent to an admin at its deadline",
};

export function auditActionWords(action: string): string {
  return AUDIT_ACTION_WORDS[action] ?? action.replace(/[._]/g, " ");
}

/** The admin page of an audit row's target, when there is one (target types are matched without case). */
export function auditTargetHref(targetType: string, targetId: string): string | null {
  const id = encodeURIComponent(targetId);
  switch (targetType.toLowerCase()) {
    case "lead":
      return `/admin/leads/${id}`;
    case "company":
      return `/admin/companies/${id}`;
    case "offer":
      return `/admin/offers/${id}`;
    case "dispute":
      return `/admin/disputes/${id}`;
    case "stripechargedispute":
      return `/admin/chargebacks/${id}`;
    case "true_up":
      return `/admin/true-ups/${id}`;
    case "suppressionlist":
      return "/admin/suppression";
    default:
      return null;
  }
}
