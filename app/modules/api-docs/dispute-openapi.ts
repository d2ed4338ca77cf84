import { CONVERSION_DISPUTE_REASON_CODES, DISPUTE_KINDS, DISPUTE_STATUSES, INQUIRY_REASON_CODES } from "~/modules/disputes/disputes.constants";

// The conversion inquiry, conversion dispute and dispute answer endpoints of the OpenAPI document.
// Built with the document's own helpers, so answers and errors read as everywhere else.

interface Helpers {
  ref: (name: string) => object;
  json: (schema: object, description: string) => object;
  errorAnswer: (description: string) => object;
  rateLimited: object;
}

/** The `error.code`s the dispute endpoints answer with beyond the common ones (invalid_fields, forbidden, not_found ...). */
export const DISPUTE_ERROR_CODES = [
  "lead_not_found",
  "lead_not_sold",
  "not_billed_on_conversions",
  "conversion_not_found",
  "conversion_required",
  "conversion_tracked",
  "conversion_not_rejected",
  "conversion_not_adjustable",
  "conversion_already_reversed",
  "conversion_not_billed",
  "conversion_still_pending",
  "inquiry_window_closed",
  "occurred_in_future",
  "inquiry_exists",
  "dispute_exists",
  "dispute_not_open",
] as const;

const decimal = { anyOf: [{ type: "string" }, { type: "number" }], description: "In units with up to 2 decimals, e.g. 125.50" };
const evidence = {
  evidence_text: { type: "string", maxLength: 5000 },
  evidence_url: { type: "string", format: "uri", maxLength: 2000, description: "http(s) only" },
};
const disputeId = { name: "disputeId", in: "path", required: true, schema: { type: "string" } };
const lower = (values: readonly string[]) => values.map((v) => v.toLowerCase());

export function disputePaths({ ref, json, errorAnswer, rateLimited }: Helpers) {
  const common = {
    "401": errorAnswer("unauthorized"),
    "429": rateLimited,
  };
  return {
    "/api/v1/conversion-inquiries": {
      post: {
        operationId: "postConversionInquiry",
        summary: "An affiliate asks the buyer about a conversion on one of its CPA/CPS leads: untracked, wrong amount, or wrongly rejected",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: ref("ConversionInquiryRequest") },
            "application/x-www-form-urlencoded": { schema: ref("ConversionInquiryRequest") },
          },
        },
        responses: {
          "201": json(ref("Dispute"), "Opened: the buyer has until response_due_at to confirm or decline"),
          "400": errorAnswer("malformed_body"),
          "403": errorAnswer("forbidden: not an affiliate key"),
          "404": errorAnswer("lead_not_found, conversion_not_found: not one of your leads, or no such conversion on it"),
          "409": errorAnswer(
            "inquiry_exists (the same claim is already asked about), lead_not_sold, not_billed_on_conversions (a CPL lead), conversion_tracked, conversion_not_rejected, conversion_not_adjustable",
          ),
          "422": errorAnswer(
            "invalid_fields, conversion_required, inquiry_window_closed (more than 90 days after the conversion), occurred_in_future, before_delivery, outside_attribution_window, unknown_event, invalid_amount",
          ),
          ...common,
        },
      },
      get: {
        operationId: "listConversionInquiries",
        summary: "An affiliate's own inquiries, or the inquiries an advertiser is asked to answer, newest first",
        parameters: [
          { name: "status", in: "query", required: false, schema: { type: "string", enum: lower(DISPUTE_STATUSES) } },
          { name: "cursor", in: "query", required: false, schema: { type: "string" }, description: "next_cursor of the previous page" },
        ],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["inquiries", "next_cursor"],
              properties: { inquiries: { type: "array", items: ref("DisputeRow") }, next_cursor: { type: ["string", "null"] } },
            },
            "A page of up to 50",
          ),
          "422": errorAnswer("invalid_fields: a cursor this list did not give"),
          ...common,
        },
      },
    },
    "/api/v1/conversion-disputes": {
      post: {
        operationId: "postConversionDispute",
        summary: "An advertiser disputes one of its approved or locked conversions (a refund after the lock, a chargeback); the affiliate answers",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: ref("ConversionDisputeRequest") },
            "application/x-www-form-urlencoded": { schema: ref("ConversionDisputeRequest") },
          },
        },
        responses: {
          "201": json(ref("Dispute"), "Opened: the affiliate has until response_due_at to accept or contest; no answer accepts it"),
          "400": errorAnswer("malformed_body"),
          "403": errorAnswer("forbidden: not an advertiser key"),
          "404": errorAnswer("conversion_not_found: not one of your conversions"),
          "405": errorAnswer("method_not_allowed"),
          "409": errorAnswer(
            "dispute_exists (a conversion is disputed once), conversion_already_reversed, conversion_not_billed, conversion_still_pending (reverse it with POST /api/v1/conversions, type=reversal)",
          ),
          "422": errorAnswer("invalid_fields: the reason, or a refunded amount larger than what is left of the sale"),
          ...common,
        },
      },
    },
    "/api/v1/disputes/{disputeId}": {
      get: {
        operationId: "getDispute",
        summary: "One dispute (return, inquiry, conversion dispute) for either of its parties: claim, finding, answer, decision, evidence",
        parameters: [disputeId],
        responses: { "200": json(ref("Dispute"), "The dispute"), "404": errorAnswer("not_found: unknown, or not yours"), ...common },
      },
    },
    "/api/v1/disputes/{disputeId}/response": {
      post: {
        operationId: "respondToDispute",
        summary: "The other side's answer: accept or contest a return or conversion dispute (the affiliate); confirm or decline an inquiry (the advertiser)",
        parameters: [disputeId],
        requestBody: {
          required: true,
          content: { "application/json": { schema: ref("DisputeResponse") }, "application/x-www-form-urlencoded": { schema: ref("DisputeResponse") } },
        },
        responses: {
          "200": json(ref("Dispute"), "Answered: accept/confirm approves it now (money moves); contest/decline sends it to an admin"),
          "400": errorAnswer("malformed_body"),
          "403": errorAnswer("forbidden: you opened it; the other side answers"),
          "404": errorAnswer("not_found: unknown, or not yours"),
          "405": errorAnswer("method_not_allowed"),
          "409": errorAnswer("dispute_not_open (already answered, decided or withdrawn), insufficient_balance (confirming an inquiry your wallet cannot pay)"),
          "422": errorAnswer("invalid_fields: the response, or a contest or decline without a note"),
          ...common,
        },
      },
    },
    "/api/v1/disputes/{disputeId}/withdraw": {
      post: {
        operationId: "withdrawDispute",
        summary: "The side that opened a dispute withdraws it while it is open; nothing is charged or credited",
        parameters: [disputeId],
        responses: {
          "200": json(ref("Dispute"), "Withdrawn"),
          "403": errorAnswer("forbidden: only the side that opened it withdraws it"),
          "404": errorAnswer("not_found: unknown, or not yours"),
          "405": errorAnswer("method_not_allowed"),
          "409": errorAnswer("dispute_not_open: already decided or withdrawn"),
          ...common,
        },
      },
    },
  };
}

const disputeRowProperties = {
  dispute_id: { type: "string" },
  kind: { type: "string", enum: lower(DISPUTE_KINDS) },
  status: { type: "string", enum: lower(DISPUTE_STATUSES) },
  reason_code: { type: "string" },
  reason: { type: "string", description: "The reason code in words" },
  lead_id: { type: "string" },
  affiliate_lead_id: { type: "string", description: "Affiliates only: your own id of the lead" },
  conversion_id: { type: ["string", "null"], description: "The Leadex conversion disputed, or the one an approved inquiry recorded or corrected" },
  claim: {
    type: "object",
    additionalProperties: true,
    description: "What was claimed: order_ref, event, sale_amount, occurred_at, expected_payout ... (amounts as decimals)",
  },
  created_at: { type: "string", format: "date-time" },
  response_due_at: { type: ["string", "null"], format: "date-time" },
  awaiting_your_answer: { type: "boolean" },
};

export const DISPUTE_SCHEMAS = {
  ConversionInquiryRequest: {
    type: "object",
    required: ["lead_id", "reason"],
    properties: {
      lead_id: { type: "string", description: "The Leadex lead id" },
      reason: { type: "string", enum: [...INQUIRY_REASON_CODES] },
      order_ref: { type: "string", maxLength: 120, description: "The advertiser's order id, if known" },
      conversion_id: { type: "string", description: "wrong_amount, wrongly_rejected: the conversion (Leadex's id or the advertiser's)" },
      event: { type: "string", description: "CPA: the event (missing), or the event it should have been (wrong_amount)" },
      amount: { ...decimal, description: "CPS: the sale amount (missing), or what it should have been (wrong_amount)" },
      occurred_at: { type: "string", description: "When it happened (ISO 8601 or Unix seconds); at most 90 days ago. Required for missing" },
      expected_payout: decimal,
      note: { type: "string", maxLength: 2000 },
      ...evidence,
    },
  },
  ConversionDisputeRequest: {
    type: "object",
    required: ["conversion_id", "reason"],
    properties: {
      conversion_id: { type: "string", description: "Your conversion id, or Leadex's" },
      reason: { type: "string", enum: [...CONVERSION_DISPUTE_REASON_CODES] },
      amount: { ...decimal, description: "CPS: the part of the sale refunded; left out, the whole conversion" },
      note: { type: "string", maxLength: 2000 },
      ...evidence,
    },
  },
  DisputeResponse: {
    type: "object",
    required: ["response"],
    properties: {
      response: { type: "string", enum: ["accept", "contest", "confirm", "decline"] },
      note: { type: "string", maxLength: 2000, description: "Required to contest or decline" },
      ...evidence,
    },
  },
  DisputeRow: { type: "object", required: Object.keys(disputeRowProperties).filter((k) => k !== "affiliate_lead_id"), properties: disputeRowProperties },
  Dispute: {
    type: "object",
    properties: {
      ...disputeRowProperties,
      opened_by: { type: "string", enum: ["buyer", "seller", "admin"] },
      note: { type: ["string", "null"] },
      finding: {
        type: ["object", "null"],
        properties: {
          verdict: { type: "string", enum: ["proven", "contradicted", "unknown"] },
          summary: { type: "string" },
          facts: { type: "array", items: { type: "string" } },
        },
      },
      answers: { type: "array", items: { type: "string" }, description: "The answers you may give now (empty when it is not yours to answer)" },
      response: {
        type: ["object", "null"],
        properties: { answer: { type: "string" }, note: { type: ["string", "null"] }, responded_at: { type: ["string", "null"] } },
      },
      decision: {
        type: ["object", "null"],
        properties: { resolved_by: { type: "string" }, reason: { type: ["string", "null"] }, decided_at: { type: ["string", "null"] } },
      },
      evidence: {
        type: "array",
        items: {
          type: "object",
          properties: {
            evidence_id: { type: "string" },
            side: { type: "string", enum: ["opener", "respondent", "admin"] },
            text: { type: ["string", "null"] },
            url: { type: ["string", "null"] },
            file_name: { type: ["string", "null"] },
            content_type: { type: ["string", "null"] },
            size_bytes: { type: ["integer", "null"] },
            download_url: { type: ["string", "null"], description: "A file: download it signed in to the portal" },
            added_at: { type: "string", format: "date-time" },
          },
        },
      },
    },
  },
};
