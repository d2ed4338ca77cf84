import { DISPUTE_STATUSES, RETURN_REASON_CODES } from "~/modules/disputes/disputes.constants";
import { RETURN_REFUSALS } from "~/modules/disputes/return-list.schema";
import { MAX_RETURNS_AT_ONCE } from "~/modules/disputes/return-list.constants";

// The lead return endpoints of the OpenAPI document (prose and examples: docs/api.md, "Returns").
// Built with the document's own helpers, so answers and errors read as everywhere else.

interface Helpers {
  ref: (name: string) => object;
  json: (schema: object, description: string) => object;
  errorAnswer: (description: string) => object;
  rateLimited: object;
}

export const RETURN_REFUSAL_CODES = Object.keys(RETURN_REFUSALS) as Array<keyof typeof RETURN_REFUSALS>;
const decimal = { type: "string", pattern: "^-?\\d+\\.\\d{2}$" };
const nullableTime = { type: ["string", "null"], format: "date-time" };
const statuses = DISPUTE_STATUSES.map((s) => s.toLowerCase());

export function returnPaths({ ref, json, errorAnswer, rateLimited }: Helpers) {
  return {
    "/api/v1/returns": {
      post: {
        operationId: "postReturns",
        summary: `Ask to return a lead you bought (CPL), or up to ${MAX_RETURNS_AT_ONCE} at once as {returns: [...]}`,
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { oneOf: [ref("ReturnRequest"), ref("ReturnBulkRequest")] } },
            "application/x-www-form-urlencoded": { schema: ref("ReturnRequest") },
          },
        },
        responses: {
          "200": json(ref("ReturnBulkAnswer"), "A list: the result of each item (created, or refused with its code)"),
          "201": json(ref("ReturnCreated"), "One return: approved at once by the platform's evidence, or awaiting the seller's answer"),
          "400": errorAnswer("malformed_body"),
          "401": errorAnswer("unauthorized"),
          "403": errorAnswer("forbidden: not an advertiser key"),
          "404": errorAnswer("unknown_lead: no such lead among those this advertiser bought"),
          "405": errorAnswer("method_not_allowed"),
          "409": errorAnswer("return_exists (error.existing_return_id names it), or not_returnable_pricing: bought on CPA/CPS terms"),
          "413": errorAnswer("payload_too_large: over 4 MiB"),
          "422": errorAnswer(
            "invalid_fields (an unknown reason names `reason`), reason_not_returnable, return_window_closed (naming the deadline), return_cap_reached (with the figures)",
          ),
          "429": rateLimited,
        },
      },
      get: {
        operationId: "listReturns",
        summary: "This advertiser's returns, newest first",
        parameters: [
          { name: "status", in: "query", required: false, schema: { type: "string", enum: statuses } },
          { name: "lead_id", in: "query", required: false, schema: { type: "string" } },
          { name: "since", in: "query", required: false, schema: { type: "string", format: "date-time" }, description: "Asked at or after this time" },
          { name: "cursor", in: "query", required: false, schema: { type: "string" }, description: "next_cursor of the previous page" },
          { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
        ],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["returns", "next_cursor"],
              properties: { returns: { type: "array", items: ref("Return") }, next_cursor: { type: ["string", "null"] } },
            },
            "One page; next_cursor is null on the last",
          ),
          "401": errorAnswer("unauthorized"),
          "403": errorAnswer("forbidden: not an advertiser key"),
          "422": errorAnswer("invalid_fields, naming the bad parameter"),
          "429": rateLimited,
        },
      },
    },
    "/api/v1/returns/{returnId}": {
      get: {
        operationId: "getReturn",
        summary: "One return: where it stands, what the platform found, the seller's answer and the decision",
        parameters: [{ name: "returnId", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": json(ref("Return"), "The return"),
          "401": errorAnswer("unauthorized"),
          "403": errorAnswer("forbidden: not an advertiser key"),
          "404": errorAnswer("not_found: unknown, or another advertiser's"),
          "429": rateLimited,
        },
      },
    },
  };
}

const returnProperties = {
  id: { type: "string" },
  lead_id: { type: "string" },
  status: { type: "string", enum: statuses },
  reason: { type: "string", enum: [...RETURN_REASON_CODES] },
  reason_label: { type: "string" },
  note: { type: ["string", "null"] },
  finding: {
    type: ["object", "null"],
    description: "What the platform could tell by itself when the return was asked",
    required: ["verdict", "summary", "facts"],
    properties: { verdict: { enum: ["proven", "contradicted", "unknown"] }, summary: { type: "string" }, facts: { type: "array", items: { type: "string" } } },
  },
  response_due_at: { ...nullableTime, description: "While awaiting the seller: its deadline (no answer by then approves the return)" },
  seller_response: {
    type: ["object", "null"],
    properties: { response: { enum: ["accept", "contest"] }, note: { type: ["string", "null"] }, at: nullableTime },
  },
  decision: {
    type: ["object", "null"],
    properties: {
      resolved_by: { enum: ["evidence", "respondent", "deadline", "admin", "opener", null] },
      reason: { type: ["string", "null"] },
      at: { type: "string", format: "date-time" },
      at_platform_cost: { type: "boolean" },
    },
  },
  amount_credited: { oneOf: [decimal, { type: "null" }], description: "Back in the wallet once approved (the lead's price)" },
  currency: { type: "string" },
  created_at: { type: "string", format: "date-time" },
};

export const RETURN_SCHEMAS = {
  ReturnRefusalCode: { type: "string", enum: RETURN_REFUSAL_CODES },
  ReturnRequest: {
    type: "object",
    required: ["lead_id", "reason"],
    properties: {
      lead_id: { type: "string", maxLength: 100 },
      reason: { type: "string", enum: [...RETURN_REASON_CODES], description: "did_not_convert and not_interested are refused (reason_not_returnable)" },
      note: { type: "string", maxLength: 2000 },
      evidence_text: { type: "string", maxLength: 5000 },
      evidence_url: { type: "string", format: "uri", maxLength: 2000 },
    },
  },
  ReturnBulkRequest: {
    type: "object",
    required: ["returns"],
    properties: { returns: { type: "array", minItems: 1, maxItems: MAX_RETURNS_AT_ONCE, items: { $ref: "#/components/schemas/ReturnRequest" } } },
  },
  Return: { type: "object", required: Object.keys(returnProperties), properties: returnProperties },
  ReturnCreated: {
    type: "object",
    required: [...Object.keys(returnProperties), "outcome", "message"],
    properties: {
      ...returnProperties,
      outcome: { enum: ["approved", "awaiting_response"] },
      message: { type: "string", description: "What happened, in words" },
    },
  },
  ReturnBulkAnswer: {
    type: "object",
    required: ["created", "refused", "results"],
    properties: {
      created: { type: "integer" },
      refused: { type: "integer" },
      results: {
        type: "array",
        items: {
          type: "object",
          required: ["index", "lead_id", "result", "code", "message", "return_id"],
          properties: {
            index: { type: "integer", description: "The item's place in `returns`, from 0" },
            lead_id: { type: "string" },
            result: { enum: ["created", "refused"] },
            code: { type: "string", description: "created: approved or awaiting_response; refused: the error code (return_exists, return_window_closed ...)" },
            message: { type: "string" },
            return_id: { type: ["string", "null"], description: "The return created, or the one a return_exists collides with" },
          },
        },
      },
    },
  },
};
