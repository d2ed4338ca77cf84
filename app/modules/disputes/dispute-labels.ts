import { CONVERSION_DISPUTE_REASON_LABELS, INQUIRY_REASON_LABELS } from "./conversion-disputes.schema";
import { RETURN_REASON_LABELS, type DisputeKindValue } from "./disputes.schema";

// Each kind's reason codes in words, for every reader (parties, admins, API, CSV). Safe on both sides.

const REASON_LABELS: Record<DisputeKindValue, Record<string, string>> = {
  LEAD_RETURN: RETURN_REASON_LABELS,
  CONVERSION_INQUIRY: INQUIRY_REASON_LABELS,
  CONVERSION_DISPUTE: CONVERSION_DISPUTE_REASON_LABELS,
};

/** The reason as people read it: its kind's label, or the code in words. */
export function disputeReasonLabel(kind: DisputeKindValue, code: string): string {
  return REASON_LABELS[kind][code] ?? code.replace(/_/g, " ");
}
