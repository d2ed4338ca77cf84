import { MAX_TRUE_UP_ROWS, TRUE_UP_ACTIONS, TRUE_UP_OUTCOMES, TRUE_UP_REASON_CODES } from "~/modules/reconciliation/true-up.schema";
import { TRUE_UP_COLUMNS } from "~/modules/reconciliation/true-up.constants";

// The true-up endpoints of the OpenAPI document (prose and examples: docs/api.md, "True-ups").
// Built with the document's own helpers, so answers and errors read as everywhere else.

interface Helpers {
  ref: (name: string) => object;
  json: (schema: object, description: string) => object;
  errorAnswer: (description: string) => object;
  rateLimited: object;
}

const decimal = { type: "string", pattern: "^-?\\d+\\.\\d{2}$" };
const countAndAmount = { type: "object", required: ["count", "payout_delta"], properties: { count: { type: "integer" }, payout_delta: decimal } };

export function trueUpPaths({ ref, json, errorAnswer, rateLimited }: Helpers) {
  const period = [
    { name: "period_start", in: "query", required: false, schema: { type: "string" }, description: "text/csv bodies: the first day, e.g. 2026-11-01" },
    { name: "period_end", in: "query", required: false, schema: { type: "string" }, description: "text/csv bodies: the last day, included" },
    { name: "reference", in: "query", required: false, schema: { type: "string", maxLength: 120 } },
  ];
  return {
    "/api/v1/conversions/true-ups": {
      post: {
        operationId: "postTrueUp",
        summary: "An advertiser's own list of its conversions for a period, matched against Leadex's by a worker",
        parameters: period,
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: ref("TrueUpRequest") },
            "text/csv": {
              schema: { type: "string", description: `A header row naming the columns (${TRUE_UP_COLUMNS.join(", ")}), then one conversion a row` },
            },
          },
        },
        responses: {
          "200": json(ref("TrueUpStored"), "The same reference again: the first true-up (duplicate_request: true)"),
          "202": json(ref("TrueUpStored"), "Stored; the worker matches it (GET report_url)"),
          "400": errorAnswer("malformed_body"),
          "401": errorAnswer("unauthorized"),
          "403": errorAnswer("forbidden: not an advertiser key"),
          "405": errorAnswer("method_not_allowed"),
          "409": errorAnswer("conflict: the reference was used for another period"),
          "413": errorAnswer("payload_too_large: over 32 MB"),
          "422": errorAnswer("invalid_fields: the period, the rows, or a CSV that cannot be read as a whole"),
          "429": rateLimited,
        },
      },
    },
    "/api/v1/conversions/true-ups/{trueUpId}": {
      get: {
        operationId: "getTrueUp",
        summary: "A true-up's report: where it stands, the counts and amounts, and a page of rows",
        parameters: [
          { name: "trueUpId", in: "path", required: true, schema: { type: "string" } },
          {
            name: "outcome",
            in: "query",
            required: false,
            schema: { type: "string", enum: [...TRUE_UP_OUTCOMES.map((o) => o.toLowerCase()), "proposed", "disputed"] },
          },
          { name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1 } },
        ],
        responses: {
          "200": json(ref("TrueUpReport"), "The report (summary null until matched)"),
          "401": errorAnswer("unauthorized"),
          "403": errorAnswer("forbidden: not an advertiser key"),
          "404": errorAnswer("not_found: unknown, or another advertiser's"),
          "429": rateLimited,
        },
      },
    },
  };
}

export const TRUE_UP_SCHEMAS = {
  TrueUpRow: {
    type: "object",
    required: ["conversion_id"],
    properties: {
      conversion_id: { type: "string", maxLength: 120 },
      lead_id: { type: "string", description: "The Leadex lead id: needed for a conversion Leadex does not have" },
      event: { type: "string", description: "CPA: the event" },
      amount: { anyOf: [{ type: "string" }, { type: "number" }], description: "CPS: the sale amount, e.g. 125.50" },
      currency: { type: "string", pattern: "^[A-Za-z]{3}$" },
      occurred_at: { type: "string", description: "ISO 8601 or Unix seconds: needed for a conversion Leadex does not have" },
    },
  },
  TrueUpRequest: {
    type: "object",
    required: ["period_start", "period_end", "rows"],
    properties: {
      period_start: { type: "string", description: "2026-11-01, or a date-time with a zone" },
      period_end: { type: "string", description: "The last day, included (or a date-time with a zone: excluded)" },
      reference: { type: "string", maxLength: 120, description: "Your reference: the same again answers the first true-up" },
      rows: { type: "array", maxItems: MAX_TRUE_UP_ROWS, items: { $ref: "#/components/schemas/TrueUpRow" } },
    },
  },
  TrueUpStored: {
    type: "object",
    required: ["true_up_id", "status", "period_start", "period_end", "rows", "unreadable_rows", "duplicate_request", "report_url"],
    properties: {
      true_up_id: { type: "string" },
      status: { type: "string", enum: ["uploaded", "reconciled", "approved", "failed"] },
      period_start: { type: "string", format: "date-time" },
      period_end: { type: "string", format: "date-time", description: "The instant the period ends (excluded)" },
      rows: { type: "integer" },
      unreadable_rows: { type: "integer" },
      duplicate_request: { type: "boolean" },
      report_url: { type: "string" },
    },
  },
  TrueUpReport: {
    type: "object",
    required: ["true_up_id", "status", "summary", "rows", "page", "next_page", "total_rows"],
    properties: {
      true_up_id: { type: "string" },
      status: { type: "string", enum: ["uploaded", "reconciled", "approved", "failed"] },
      reference: { type: ["string", "null"] },
      period_start: { type: "string", format: "date-time" },
      period_end: { type: "string", format: "date-time" },
      reconciled_at: { type: ["string", "null"], format: "date-time" },
      approved_at: { type: ["string", "null"], format: "date-time" },
      applied_at: { type: ["string", "null"], format: "date-time" },
      summary: {
        type: ["object", "null"],
        properties: {
          currency: { type: "string" },
          list_rows: { type: "integer" },
          leadex_conversions: { type: "integer" },
          matched: { type: "integer" },
          amount_differs: { type: "integer" },
          only_advertiser: { type: "integer" },
          only_leadex: { type: "integer" },
          refused_rows: { type: "integer" },
          not_recordable: { type: "integer" },
          leadex_payout: decimal,
          proposed: { type: "object", properties: { record: countAndAmount, adjust: countAndAmount, reverse: countAndAmount } },
          proposed_payout_delta: decimal,
          disputes: countAndAmount,
        },
      },
      rows: {
        type: "array",
        items: {
          type: "object",
          properties: {
            row: { type: ["integer", "null"], description: "The row in your list; null for a conversion only Leadex has" },
            conversion_id: { type: "string" },
            lead_id: { type: ["string", "null"] },
            outcome: { type: "string", enum: ["pending", ...TRUE_UP_OUTCOMES.map((o) => o.toLowerCase())] },
            action: { type: "string", enum: [...TRUE_UP_ACTIONS] },
            payout_delta: decimal,
            reason_code: { type: ["string", "null"], enum: [...TRUE_UP_REASON_CODES, null] },
            reason: { type: ["string", "null"] },
            result: { type: ["string", "null"], enum: ["applied", "refused", null] },
            result_message: { type: ["string", "null"] },
          },
        },
      },
      page: { type: "integer" },
      next_page: { type: ["integer", "null"] },
      total_rows: { type: "integer" },
    },
  },
};
