// What the lead API answers (GET /api/v1/leads/{lead_id} and /api/v1/leads/by-external-id/{id}).

/** The lead's quality, explained: score, temperature, every check and the points behind the score. */
export function leadQualityJson(lead: { qualityScore: number | null; temperature: string | null; checks: unknown[]; scoreReasons: unknown[] }) {
  return { score: lead.qualityScore, temperature: lead.temperature?.toLowerCase() ?? null, checks: lead.checks, score_reasons: lead.scoreReasons };
}

/** An affiliate's own lead: its status and reasons, what it earned, its quality. */
export function affiliateLeadJson(lead: {
  id: string;
  externalId: string;
  offerId: string;
  status: string;
  reasons: string[];
  earningCents: number;
  receivedAt: Date;
  qualityScore: number | null;
  temperature: string | null;
  checks: unknown[];
  scoreReasons: unknown[];
}) {
  return {
    lead_id: lead.id,
    affiliate_lead_id: lead.externalId,
    offer_id: lead.offerId,
    status: lead.status.toLowerCase(),
    reasons: lead.reasons,
    earning_cents: lead.earningCents,
    received_at: lead.receivedAt,
    ...leadQualityJson(lead),
  };
}
