import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { readPostbackRecordFrom, type ApiRequestParts } from "~/utils/api.server";
import { isDomainError, retryAfterHeaders } from "~/utils/errors";
import { receiveLead, type ReceivedLead } from "./lead-intake.server";

// The lead postback (POST JSON or form, or GET query string; docs/api.md), as a plain answer:
// the route module wraps it in a Response, and server.js writes it straight to the socket on the
// hot path (docs/decisions/003-postback-hot-path.md) without building a Web Request or Response.

export interface JsonAnswer {
  status: number;
  headers?: Record<string, string>;
  /** The JSON body, serialised. */
  json: string;
}

function leadAnswer(lead: ReceivedLead): JsonAnswer {
  if (lead.test) {
    return {
      status: 200,
      json: JSON.stringify({
        test: true,
        lead_id: null,
        affiliate_lead_id: lead.externalId,
        status: lead.status.toLowerCase(),
        reasons: lead.reasons,
        checks: lead.checks,
        score: lead.score,
        temperature: lead.temperature?.toLowerCase() ?? null,
        buyers: lead.buyers,
        payout_cents: lead.payoutCents,
        currency: lead.currency,
      }),
    };
  }
  return {
    status: lead.created ? 201 : 200,
    json: JSON.stringify({
      lead_id: lead.id,
      affiliate_lead_id: lead.externalId,
      status: lead.status.toLowerCase(),
      reasons: lead.reasons,
      duplicate_request: !lead.created,
    }),
  };
}

/** Authenticates, reads and receives one postback; typed domain errors become their JSON error answer. */
export async function answerLeadPostback(request: ApiRequestParts, clientAddress: string): Promise<JsonAnswer> {
  try {
    const actor = await authenticateApiKey(request, clientAddress);
    const record = await readPostbackRecordFrom(request);
    return leadAnswer(await receiveLead(actor, record));
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return {
      status: error.status,
      headers: retryAfterHeaders(error),
      json: JSON.stringify({ error: { code: error.code, message: error.message, fields: error.fieldErrors } }),
    };
  }
}

/** The answer as a Web Response (the route module's). */
export function jsonAnswerResponse(answer: JsonAnswer): Response {
  return new Response(answer.json, { status: answer.status, headers: { "content-type": "application/json", ...answer.headers } });
}
