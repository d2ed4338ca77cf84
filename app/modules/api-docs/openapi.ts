import { z } from "zod";
import { ConversionStatus } from "~/generated/prisma/enums";
import { CONVERSION_REFUSALS, CONVERSION_REPORT_TYPES, MAX_SALE_AMOUNT_CENTS } from "~/modules/conversions/conversions.schema";
import { postbackEnvelopeSchema } from "~/modules/leads/leads.schema";
import { NO_BID_REASONS, PING_ENVELOPE_KEYS, TOKEN_REFUSALS } from "~/modules/ping-post/ping-post.schema";
import { PULL_DEFAULT_LIMIT, PULL_MAX_LIMIT } from "~/modules/deliveries/deliveries.schema";
import { CHECK_REASON_CODES, DECISION_REASON_CODES } from "~/modules/leads/lead-reasons";
import { RETURN_REFUSAL_CODES, RETURN_SCHEMAS, returnPaths } from "./return-openapi";
import { DISPUTE_ERROR_CODES, DISPUTE_SCHEMAS, disputePaths } from "./dispute-openapi";
import { TRUE_UP_SCHEMAS, trueUpPaths } from "./true-up-openapi";

// The OpenAPI 3.1 document of the API (served at GET /api/v1/openapi.json; prose in docs/api.md).
// The postback envelope is derived from its Zod schema and the code lists come from the modules'
// constants where they exist, so the document follows the code.

// The reason codes and their words live in one place (leads/lead-reasons.ts).
export { CHECK_REASON_CODES, DECISION_REASON_CODES };

export const LEAD_REASON_CODES = [...CHECK_REASON_CODES, ...DECISION_REASON_CODES] as const;
export const PING_NO_BID_REASONS = Object.values(NO_BID_REASONS);
export const LEAD_STATUSES = ["received", "rejected", "held", "accepted", "sold", "unsold", "returned"] as const;

/** The reason codes of a refused conversion report (`error.code`), each with its HTTP status in CONVERSION_REFUSALS. */
export const CONVERSION_REFUSAL_CODES = Object.keys(CONVERSION_REFUSALS) as Array<keyof typeof CONVERSION_REFUSALS>;
export const CONVERSION_STATUSES = Object.values(ConversionStatus).map((status) => status.toLowerCase());

/** Every `error.code` an API route answers with (each once: some are shared by conversions, returns and disputes). */
export const API_ERROR_CODES = [
  ...new Set([
    "malformed_body",
    "malformed_url",
    "malformed_event",
    "unauthorized",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "conflict",
    "payload_too_large",
    "invalid_fields",
    "bad_signature",
    "rate_limited",
    ...Object.values(TOKEN_REFUSALS),
    ...CONVERSION_REFUSAL_CODES,
    ...RETURN_REFUSAL_CODES,
    ...DISPUTE_ERROR_CODES,
  ]),
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });
const errorAnswer = (description: string) => json(ref("Error"), description);
const security = [{ bearer: [] }, { apiKeyHeader: [] }, { apiKeyQuery: [] }];
const rateLimited = {
  ...errorAnswer("rate_limited: too many requests with a missing or invalid key from this address (a valid key is never refused)"),
  headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer", minimum: 1 } } },
};

/** A lead's quality, explained (GET /api/v1/leads/{lead_id}, both views). */
const LEAD_QUALITY_PROPERTIES = {
  score: { type: ["integer", "null"], minimum: 0, maximum: 100 },
  temperature: { type: ["string", "null"], enum: ["cold", "warm", "hot", null] },
  checks: { type: "array", items: ref("CheckResult") },
  score_reasons: {
    type: "array",
    items: {
      type: "object",
      required: ["code", "points", "detail"],
      properties: { code: { type: "string" }, points: { type: "integer" }, detail: { type: "string" } },
    },
  },
};

/** The postback envelope as JSON Schema (input side), widened for what JSON bodies may also send. */
function postbackEnvelopeJsonSchema() {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(postbackEnvelopeSchema, { io: "input" }) as {
    $schema?: string;
    properties: Record<string, object>;
    required: string[];
  };
  const props = schema.properties;
  return {
    ...schema,
    properties: {
      ...props,
      ip_address: { ...props.ip_address, description: "The consumer's IP; without it the lead has none (never the caller's address)" },
      consent_at: { ...props.consent_at, format: "date-time", description: "ISO 8601 with a time zone, e.g. 2025-01-31T14:05:00Z" },
      consent_cert_url: { ...props.consent_cert_url, format: "uri", description: "An https:// URL of a consent certificate" },
      time_on_form: { anyOf: [props.time_on_form, { type: "number", minimum: 0, maximum: 86_400 }], description: "Seconds on the form, at most 86400" },
      pages_viewed: { anyOf: [props.pages_viewed, { type: "integer", minimum: 0, maximum: 10_000 }], description: "Pages viewed, at most 10000" },
      test: { anyOf: [props.test, { type: "boolean" }], description: "true or 1: a test postback; nothing is stored" },
      fields: { type: "object", additionalProperties: true, description: "JSON only: the lead fields, instead of (or as well as) top-level keys" },
    },
    additionalProperties: { description: "Any other key is a lead field, checked against the offer's field spec" },
  };
}

const decimalAmount = (description: string) => ({
  anyOf: [
    { type: "string", pattern: "^\\d{1,9}(\\.\\d{1,2})?$" },
    { type: "number", minimum: 0, maximum: MAX_SALE_AMOUNT_CENTS / 100 },
  ],
  description,
});
const advField = { anyOf: [{ type: "string", maxLength: 200 }, { type: "number" }], description: "Your own field, matched by your conversion rules" };

/** A conversion report (conversions.schema.ts `conversionReportSchema`), as JSON, form or query string. */
const conversionReportJsonSchema = {
  type: "object",
  required: ["conversion_id"],
  properties: {
    type: { type: "string", enum: CONVERSION_REPORT_TYPES, default: "conversion", description: "conversion (default), reversal or amount_change" },
    conversion_id: {
      anyOf: [{ type: "string", minLength: 1, maxLength: 120 }, { type: "number" }],
      description: "Your id of the conversion: every report is idempotent on it",
    },
    lead_id: { type: "string", maxLength: 64, description: "The Leadex lead id (required for a conversion)" },
    event: { type: "string", maxLength: 40, description: "CPA: one of the offer's event codes" },
    amount: decimalAmount("CPS: the sale amount in units (125.50); a reversal: the part refunded; amount_change: the corrected amount"),
    currency: { type: "string", pattern: "^[A-Za-z]{3}$", description: "Default: the offer's currency" },
    occurred_at: {
      anyOf: [{ type: "string", format: "date-time" }, { type: "string", pattern: "^\\d{9,10}$" }, { type: "integer" }],
      description: "When it happened: ISO 8601 or Unix seconds; default now",
    },
    reversal_id: { type: "string", maxLength: 120, description: "A reversal's own id: the same reversal again changes nothing" },
    reason: { type: "string", maxLength: 500 },
    adv1: advField,
    adv2: advField,
    adv3: advField,
    adv4: advField,
    adv5: advField,
    api_key: { type: "string", description: "The API key, for GET reports (never stored)" },
  },
};

const conversionAnswerJsonSchema = {
  type: "object",
  required: ["conversion_id", "leadex_conversion_id", "lead_id", "status", "payout", "currency", "occurred_at", "duplicate_request"],
  properties: {
    conversion_id: { type: "string" },
    leadex_conversion_id: { type: "string" },
    lead_id: { type: "string" },
    status: ref("ConversionStatus"),
    reason_code: { type: ["string", "null"], description: "Why it is rejected or not billed yet (e.g. awaiting_funds)" },
    reason: { type: ["string", "null"] },
    event: { type: ["string", "null"] },
    amount: { type: ["string", "null"], description: "CPS: the sale amount" },
    currency: { type: "string" },
    payout: { type: "string", description: "What you pay for it, net of reversals" },
    reversed_amount: { type: ["string", "null"], description: "CPS: the part of the sale reversed so far" },
    occurred_at: { type: "string", format: "date-time" },
    duplicate_request: { type: "boolean" },
    reversal_id: { type: "string", description: "Reversals: the reversal's id" },
  },
};

const pingEnvelopeJsonSchema = {
  type: "object",
  required: ["offer_id"],
  properties: {
    ...Object.fromEntries(PING_ENVELOPE_KEYS.map((key) => [key, { type: "string" }])),
    offer_id: { type: "string", minLength: 1 },
    email_hash: { type: "string", pattern: "^[0-9a-fA-F]{64}$", description: "SHA-256 hex of the trimmed, lower-case email" },
    phone_hash: { type: "string", pattern: "^[0-9a-fA-F]{64}$", description: "SHA-256 hex of the E.164 phone" },
  },
  additionalProperties: { description: "A non-personal lead field (no email, phone or identity names)" },
};

function buildOpenApiDocument() {
  const postbackBody = {
    required: true,
    content: {
      "application/json": { schema: ref("PostbackEnvelope") },
      "application/x-www-form-urlencoded": { schema: ref("PostbackEnvelope") },
    },
  };
  const postbackAnswers = {
    "200": json(
      { oneOf: [ref("LeadReceived"), ref("TestLeadOutcome")] },
      "A retry of a lead already posted (duplicate_request: true), or a test postback's outcome",
    ),
    "201": json(ref("LeadReceived"), "A new lead, stored"),
    "400": errorAnswer("malformed_body"),
    "401": errorAnswer("unauthorized"),
    "403": errorAnswer("forbidden: another affiliate's offer, or not an affiliate key"),
    "404": errorAnswer("not_found: unknown offer"),
    "409": errorAnswer("conflict: the offer is paused"),
    "413": errorAnswer("payload_too_large"),
    "422": errorAnswer("invalid_fields, naming each field"),
    "429": rateLimited,
  };
  const refusals = (status: number) => CONVERSION_REFUSAL_CODES.filter((code) => CONVERSION_REFUSALS[code] === status).join(", ");
  const conversionAnswers = {
    "200": json(ref("ConversionAnswer"), "The same report again (duplicate_request: true), an amount change, or a reversal already applied"),
    "201": json(ref("ConversionAnswer"), "A reversal, applied"),
    "202": json(
      { oneOf: [ref("ConversionAnswer"), ref("ConversionReversalPending")] },
      "A new conversion, recorded and billed in the background; or a reversal kept until its conversion arrives",
    ),
    "400": errorAnswer("malformed_body"),
    "401": errorAnswer("unauthorized"),
    "403": errorAnswer(`forbidden (not an advertiser key), or ${refusals(403)}`),
    "404": errorAnswer(refusals(404)),
    "409": errorAnswer(refusals(409)),
    "413": errorAnswer("payload_too_large"),
    "422": errorAnswer(refusals(422)),
    "429": rateLimited,
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Leadex API",
      version: "1",
      description: "Lead postbacks, ping-post, conversion postbacks and the advertiser pull API. Prose, examples and reason codes: docs/api.md.",
    },
    security,
    paths: {
      "/api/v1/leads": {
        post: {
          operationId: "postLead",
          summary: "Lead postback (JSON or form)",
          requestBody: postbackBody,
          responses: postbackAnswers,
        },
        get: {
          operationId: "postLeadByGet",
          summary: "Lead postback as a query string (tracking-pixel style)",
          parameters: [
            { name: "offer_id", in: "query", required: true, schema: { type: "string" } },
            { name: "lead_id", in: "query", required: true, schema: { type: "string", maxLength: 100 } },
            { name: "test", in: "query", required: false, schema: { type: "string", enum: ["true", "1", "false", "0"] } },
          ],
          description: "Every envelope key and lead field as a query parameter (see PostbackEnvelope).",
          responses: postbackAnswers,
        },
      },
      "/api/v1/leads/{leadId}": {
        get: {
          operationId: "getLead",
          summary: "One lead: an affiliate's own lead, or a lead the advertiser bought",
          parameters: [{ name: "leadId", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": json({ oneOf: [ref("AffiliateLead"), ref("BoughtLead")] }, "The lead"),
            "401": errorAnswer("unauthorized"),
            "404": errorAnswer("not_found: unknown, or not yours"),
            "429": rateLimited,
          },
        },
      },
      "/api/v1/leads/by-external-id/{externalId}": {
        get: {
          operationId: "getLeadByExternalId",
          summary: "An affiliate's own lead by the lead_id it posted it with (affiliate keys only)",
          parameters: [{ name: "externalId", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": json(ref("AffiliateLead"), "The lead"),
            "401": errorAnswer("unauthorized"),
            "404": errorAnswer("not_found: unknown, another affiliate's, or an advertiser's key"),
            "429": rateLimited,
          },
        },
      },
      "/api/v1/ping": {
        post: {
          operationId: "ping",
          summary: "Ping-post step 1: partial, non-personal data in, best bid and a bid token out",
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("PingRequest") }, "application/x-www-form-urlencoded": { schema: ref("PingRequest") } },
          },
          responses: {
            "200": json(ref("PingAnswer"), "The best bid, or bid: null with reasons"),
            "400": errorAnswer("malformed_body"),
            "401": errorAnswer("unauthorized"),
            "403": errorAnswer("forbidden"),
            "404": errorAnswer("not_found: unknown offer"),
            "409": errorAnswer("conflict: offer paused, or not CPL"),
            "413": errorAnswer("payload_too_large"),
            "422": errorAnswer("invalid_fields: a bad field, or personal data"),
            "429": rateLimited,
          },
        },
      },
      "/api/v1/post": {
        post: {
          operationId: "post",
          summary: "Ping-post step 2: the bid token and the full lead",
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("PostRequest") }, "application/x-www-form-urlencoded": { schema: ref("PostRequest") } },
          },
          responses: {
            "200": json(ref("PostAnswer"), "The same post again (duplicate_request: true)"),
            "201": json(ref("PostAnswer"), "A new lead, stored and processed"),
            "400": errorAnswer("malformed_body"),
            "401": errorAnswer("unauthorized"),
            "403": errorAnswer("token_not_yours, or forbidden"),
            "404": errorAnswer("not_found"),
            "409": errorAnswer("token_used, or conflict (lead_id already used)"),
            "410": errorAnswer("expired_token"),
            "413": errorAnswer("payload_too_large"),
            "422": errorAnswer("invalid_fields, invalid_token, token_offer_mismatch or data_mismatch"),
            "429": rateLimited,
          },
        },
      },
      "/api/v1/conversions": {
        post: {
          operationId: "reportConversion",
          summary: "Conversion postback: a conversion (CPA action or CPS sale), a reversal or an amount change (JSON or form)",
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("ConversionReport") }, "application/x-www-form-urlencoded": { schema: ref("ConversionReport") } },
          },
          responses: conversionAnswers,
        },
        get: {
          operationId: "reportConversionByGet",
          summary: "Conversion postback as a query string",
          description: "Every key of ConversionReport as a query parameter.",
          parameters: [
            { name: "conversion_id", in: "query", required: true, schema: { type: "string", maxLength: 120 } },
            { name: "lead_id", in: "query", required: false, schema: { type: "string" } },
            { name: "event", in: "query", required: false, schema: { type: "string" } },
            { name: "amount", in: "query", required: false, schema: { type: "string" } },
            { name: "type", in: "query", required: false, schema: { type: "string", enum: CONVERSION_REPORT_TYPES } },
          ],
          responses: conversionAnswers,
        },
      },
      "/api/v1/advertiser/leads": {
        get: {
          operationId: "pullBoughtLeads",
          summary: "The leads this advertiser bought, oldest sale first",
          parameters: [
            { name: "since", in: "query", required: false, schema: { type: "string", format: "date-time" } },
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: PULL_MAX_LIMIT, default: PULL_DEFAULT_LIMIT } },
            { name: "cursor", in: "query", required: false, schema: { type: "string" }, description: "The `next` of the previous page" },
          ],
          responses: {
            "200": json(ref("BoughtLeadsPage"), "One page"),
            "401": errorAnswer("unauthorized"),
            "403": errorAnswer("forbidden: not an advertiser key"),
            "422": errorAnswer("invalid_fields, naming the bad parameter"),
            "429": rateLimited,
          },
        },
      },
      "/api/v1/advertiser/leads/{leadId}/contacted": {
        post: {
          operationId: "markLeadContacted",
          summary: "Speed to lead: the advertiser contacted a lead it bought (the first contact time stays)",
          parameters: [{ name: "leadId", in: "path", required: true, schema: { type: "string" }, description: "Leadex's lead id (lead_id)" }],
          responses: {
            "200": json(ref("LeadContacted"), "Marked; asking again answers the first time with already_marked: true"),
            "401": errorAnswer("unauthorized"),
            "403": errorAnswer("forbidden: not an advertiser key"),
            "404": errorAnswer("not_found: unknown, or not bought by this advertiser"),
            "405": errorAnswer("method_not_allowed"),
            "429": rateLimited,
          },
        },
      },
      "/api/v1/conversions/pixel": {
        get: {
          operationId: "conversionPixel",
          summary: "Conversion pixel: the conversion postback's fields in the query string, with the advertiser's pixel token",
          security: [],
          parameters: [
            { name: "token", in: "query", required: true, schema: { type: "string" }, description: "The pixel token, lxp_<prefix>_<secret>" },
            { name: "format", in: "query", required: false, schema: { enum: ["gif", "iframe"], default: "gif" } },
          ],
          responses: {
            "200": {
              description:
                "Always (a refusal too): a transparent 1×1 GIF, or with format=iframe a tiny HTML page. The outcome is in the headers: X-Leadex-Status (accepted | refused), X-Leadex-Reason (the reason code), X-Leadex-Api-Status (what the conversion postback would answer), X-Leadex-Fields, X-Leadex-Conversion-Id, X-Leadex-Conversion-Status",
              content: { "image/gif": { schema: { type: "string", format: "binary" } }, "text/html": { schema: { type: "string" } } },
            },
          },
        },
      },
      ...trueUpPaths({ ref, json, errorAnswer, rateLimited }),
      ...returnPaths({ ref, json, errorAnswer, rateLimited }),
      ...disputePaths({ ref, json, errorAnswer, rateLimited }),
      "/api/v1/openapi.json": {
        get: {
          operationId: "openApiDocument",
          summary: "This document",
          security: [],
          responses: { "200": json({ type: "object" }, "The OpenAPI 3.1 document") },
        },
      },
      "/webhooks/stripe": {
        post: {
          operationId: "stripeWebhook",
          summary: "Stripe events (verified with the Stripe-Signature header)",
          security: [],
          parameters: [{ name: "Stripe-Signature", in: "header", required: true, schema: { type: "string" } }],
          requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
          responses: {
            "200": json(
              {
                type: "object",
                required: ["received", "eventId", "result"],
                properties: {
                  received: { const: true },
                  eventId: { type: "string" },
                  result: { type: "string" },
                  reason: { type: "string", description: "Why an event was ignored (result: ignored)" },
                },
              },
              "Applied, ignored (with the reason), or a duplicate (result: duplicate)",
            ),
            "400": errorAnswer("bad_signature, or malformed_event for a signed body that is no readable event"),
          },
        },
      },
      "/webhooks/stripe/conversions/{advertiserId}": {
        post: {
          operationId: "advertiserStripeWebhook",
          summary:
            "Events from an advertiser's own Stripe account (invoice.paid, invoice_payment.paid, charge.refunded, customer.created, customer.updated), verified with the signing secret it saved",
          security: [],
          parameters: [
            { name: "advertiserId", in: "path", required: true, schema: { type: "string" } },
            { name: "Stripe-Signature", in: "header", required: true, schema: { type: "string" } },
          ],
          requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
          responses: {
            "200": json(
              {
                type: "object",
                required: ["received", "eventId", "result"],
                properties: {
                  received: { const: true },
                  eventId: { type: "string" },
                  result: { enum: ["recorded", "duplicate", "ignored", "refused", "kept", "reversed", "remembered"] },
                  reason: { type: "string" },
                  reason_code: { type: "string", description: "The conversion refusal's reason code (result: refused)" },
                  conversion: { type: "object" },
                },
              },
              "Applied, or acknowledged with the reason nothing was done",
            ),
            "400": errorAnswer("bad_signature, or malformed_event"),
            "404": errorAnswer("not_found: no advertiser with a saved signing secret at this URL"),
            "413": errorAnswer("payload_too_large"),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Authorization: Bearer lx_<prefix>_<secret> (preferred)" },
        apiKeyHeader: { type: "apiKey", in: "header", name: "X-Api-Key" },
        apiKeyQuery: { type: "apiKey", in: "query", name: "api_key" },
      },
      schemas: {
        ErrorCode: { type: "string", enum: API_ERROR_CODES },
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: ref("ErrorCode"),
                message: { type: "string" },
                fields: { type: "object", additionalProperties: { type: "string" }, description: "Field name → what is wrong with it" },
                existing_return_id: { type: "string", description: "return_exists only: the return already asked for this lead" },
              },
            },
          },
        },
        LeadStatus: { type: "string", enum: LEAD_STATUSES },
        ConversionStatus: { type: "string", enum: CONVERSION_STATUSES },
        ConversionRefusalCode: { type: "string", enum: CONVERSION_REFUSAL_CODES },
        ConversionReport: conversionReportJsonSchema,
        ConversionAnswer: conversionAnswerJsonSchema,
        ConversionReversalPending: {
          type: "object",
          required: ["conversion_id", "status", "reversal_id", "message"],
          properties: {
            conversion_id: { type: "string" },
            status: { const: "reversal_pending" },
            reversal_id: { type: "string" },
            message: { type: "string" },
          },
        },
        LeadReasonCode: { type: "string", enum: LEAD_REASON_CODES },
        PingNoBidReason: { type: "string", enum: PING_NO_BID_REASONS },
        PostbackEnvelope: postbackEnvelopeJsonSchema(),
        LeadReceived: {
          type: "object",
          required: ["lead_id", "affiliate_lead_id", "status", "reasons", "duplicate_request"],
          properties: {
            lead_id: { type: "string" },
            affiliate_lead_id: { type: "string" },
            status: ref("LeadStatus"),
            reasons: { type: "array", items: ref("LeadReasonCode") },
            duplicate_request: { type: "boolean" },
          },
        },
        CheckResult: {
          type: "object",
          required: ["code", "outcome", "detail"],
          properties: {
            code: { type: "string" },
            outcome: { type: "string", enum: ["pass", "fail", "hold", "skip"] },
            reason: ref("LeadReasonCode"),
            detail: { type: "string" },
            data: {
              type: "object",
              properties: { lineType: { type: "string", description: "phone_type: the number's line type, e.g. MOBILE, FIXED_LINE, FIXED_LINE_OR_MOBILE" } },
            },
          },
        },
        TestLeadOutcome: {
          type: "object",
          required: ["test", "lead_id", "affiliate_lead_id", "status", "reasons", "checks", "score", "temperature", "buyers", "payout_cents", "currency"],
          properties: {
            test: { const: true },
            lead_id: { type: "null" },
            affiliate_lead_id: { type: "string" },
            status: ref("LeadStatus"),
            reasons: { type: "array", items: ref("LeadReasonCode") },
            checks: { type: "array", items: ref("CheckResult") },
            score: { type: ["integer", "null"], minimum: 0, maximum: 100 },
            temperature: { type: ["string", "null"], enum: ["cold", "warm", "hot", null] },
            buyers: { type: "integer", minimum: 0 },
            payout_cents: { type: "integer", minimum: 0 },
            currency: { type: "string" },
          },
        },
        AffiliateLead: {
          type: "object",
          required: [
            "lead_id",
            "affiliate_lead_id",
            "offer_id",
            "status",
            "reasons",
            "earning_cents",
            "received_at",
            "score",
            "temperature",
            "checks",
            "score_reasons",
          ],
          properties: {
            lead_id: { type: "string" },
            affiliate_lead_id: { type: "string" },
            offer_id: { type: "string" },
            status: ref("LeadStatus"),
            reasons: { type: "array", items: ref("LeadReasonCode") },
            earning_cents: { type: "integer" },
            received_at: { type: "string", format: "date-time" },
            ...LEAD_QUALITY_PROPERTIES,
          },
        },
        BoughtLead: {
          type: "object",
          required: ["lead_id", "order_id", "offer", "price_cents", "currency", "sold_at", "fields", "score", "temperature", "checks", "score_reasons"],
          properties: {
            lead_id: { type: "string" },
            order_id: { type: "string" },
            offer: { type: "string" },
            price_cents: { type: "integer" },
            currency: { type: "string" },
            sold_at: { type: "string", format: "date-time" },
            fields: { type: "object", additionalProperties: true },
            ...LEAD_QUALITY_PROPERTIES,
          },
        },
        PingRequest: pingEnvelopeJsonSchema,
        PingAnswer: {
          type: "object",
          required: ["ping_id", "bid", "reasons", "buyers_asked", "bids_received"],
          properties: {
            ping_id: { type: "string" },
            bid: {
              oneOf: [
                { type: "null" },
                {
                  type: "object",
                  required: ["price_cents", "currency", "payout_cents", "token", "expires_at"],
                  properties: {
                    price_cents: { type: "integer" },
                    currency: { type: "string" },
                    payout_cents: { type: "integer" },
                    token: { type: "string" },
                    expires_at: { type: "string", format: "date-time" },
                  },
                },
              ],
            },
            reasons: { type: "array", items: ref("PingNoBidReason") },
            buyers_asked: { type: "integer" },
            bids_received: { type: "integer" },
          },
        },
        PostRequest: {
          allOf: [ref("PostbackEnvelope"), { type: "object", required: ["token"], properties: { token: { type: "string" } } }],
        },
        PostAnswer: {
          type: "object",
          required: [
            "lead_id",
            "affiliate_lead_id",
            "ping_id",
            "status",
            "reasons",
            "sold_at_bid",
            "price_cents",
            "payout_cents",
            "currency",
            "duplicate_request",
          ],
          properties: {
            lead_id: { type: "string" },
            affiliate_lead_id: { type: "string" },
            ping_id: { type: "string" },
            status: ref("LeadStatus"),
            reasons: { type: "array", items: ref("LeadReasonCode") },
            sold_at_bid: { type: "boolean" },
            price_cents: { type: "integer" },
            payout_cents: { type: "integer" },
            currency: { type: "string" },
            duplicate_request: { type: "boolean" },
          },
        },
        SoldLead: {
          type: "object",
          required: [
            "lead_id",
            "sale_id",
            "order_id",
            "offer_id",
            "offer",
            "vertical",
            "price_cents",
            "currency",
            "sold_at",
            "received_at",
            "score",
            "temperature",
            "contact",
            "fields",
          ],
          properties: {
            lead_id: { type: "string" },
            sale_id: { type: "string" },
            order_id: { type: "string" },
            offer_id: { type: "string" },
            offer: { type: "string" },
            vertical: { type: "string" },
            price_cents: { type: "integer" },
            currency: { type: "string" },
            sold_at: { type: "string", format: "date-time" },
            received_at: { type: "string", format: "date-time" },
            score: { type: ["integer", "null"] },
            temperature: { type: ["string", "null"], enum: ["cold", "warm", "hot", null] },
            contact: {
              type: "object",
              properties: {
                email: { type: ["string", "null"] },
                phone: { type: ["string", "null"] },
                state: { type: ["string", "null"] },
                postal_code: { type: ["string", "null"] },
              },
            },
            fields: { type: "object", additionalProperties: true },
          },
        },
        ...TRUE_UP_SCHEMAS,
        ...RETURN_SCHEMAS,
        ...DISPUTE_SCHEMAS,
        LeadContacted: {
          type: "object",
          required: ["lead_id", "contacted_at", "already_marked"],
          properties: {
            lead_id: { type: "string" },
            contacted_at: { type: "string", format: "date-time", description: "The first time the lead was marked contacted" },
            already_marked: { type: "boolean", description: "true: it was marked before; nothing changed" },
          },
        },
        BoughtLeadsPage: {
          type: "object",
          required: ["leads", "next", "next_url", "has_more"],
          properties: {
            leads: { type: "array", items: ref("SoldLead") },
            next: { type: ["string", "null"] },
            next_url: { type: ["string", "null"], format: "uri" },
            has_more: { type: "boolean", description: "More leads are there now: ask again with `next` at once" },
          },
        },
      },
    },
  };
}

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;

/** The OpenAPI 3.1 document; `serverUrl` (the app's origin) fills `servers`. */
export function openApiDocument(serverUrl?: string) {
  cached ??= buildOpenApiDocument();
  return serverUrl ? { ...cached, servers: [{ url: serverUrl }] } : cached;
}
