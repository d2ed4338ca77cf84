import fc from "fast-check";
import { CONVERSION_DISPUTE_REASON_CODES, INQUIRY_REASON_CODES, RETURN_REASON_CODES } from "~/modules/disputes/disputes.schema";
import { INQUIRY_CSV_COLUMNS } from "~/modules/disputes/conversion-disputes.constants";
import {
  credentials,
  formBody,
  joinQuery,
  jsonBody,
  shown,
  withHeaders,
  applyMutations,
  describeMutations,
  jsonEntries,
  mutations,
  type FuzzCase,
  type FuzzContext,
} from "./fuzz-cases";
import { contentTypeFor, formEncode, hostileFormValue, hostileJsonValue, hostileText, longText, rawJsonObject, rawPercentText } from "./hostile-input";

// The generated requests of test/fuzz-endpoints.test.ts for returns and disputes: lead returns
// (one, or a list), missing-conversion inquiries, conversion disputes, the other side's answer, the
// opener's withdrawal, and reading them. Each starts from a valid request (some are accepted) and
// gets hostile changes: wrong types, huge or broken text, negative and absurd amounts, dates long
// past or in the future, unknown reasons, other companies' leads, conversions and disputes.

/** What the dispute cases need: leads, conversions and disputes set up before the run. */
export interface DisputeFuzzContext {
  /** CPL leads the advertiser bought, with no return yet (a valid return's lead). */
  returnableLeadIds: string[];
  /** Leads the advertiser bought on CPA and CPS terms, kept apart from the conversion cases' leads. */
  cpaLeadId: string;
  cpsLeadId: string;
  /** An ISO date after both were delivered: a valid inquiry's occurred_at. */
  occurredAt: string;
  /** Billed conversions on those leads (external ids): CPS sales of 1000.00 and CPA actions, for wrong_amount inquiries. */
  trackedCpsConversionIds: string[];
  trackedCpaConversionIds: string[];
  /** Rejected conversions, for wrongly_rejected inquiries. */
  rejectedConversionIds: string[];
  /** Billed, locked conversions nobody disputed yet (external ids; CPS ones are sales of 1000.00). */
  disputableConversionIds: string[];
  /** Disputes opened before the run, awaiting the other side's answer. */
  awaitingReturnIds: string[];
  awaitingInquiryIds: string[];
  awaitingConversionDisputeIds: string[];
  /** Another affiliate's lead, another advertiser's conversion, and a dispute between those two. */
  strangerLeadId: string;
  strangerConversionId: string;
  strangerDisputeId: string;
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length];
const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v));

const RETURN_KEYS = ["lead_id", "reason", "note", "evidence_text", "evidence_url", "evidence_file", "api_key"] as const;
// The inquiry form takes the CSV template's columns, a file, and (API) the key.
const INQUIRY_KEYS = [...INQUIRY_CSV_COLUMNS, "evidence_file", "api_key"] as const;
const CONVERSION_DISPUTE_KEYS = ["conversion_id", "reason", "amount", "note", "evidence_text", "evidence_url", "evidence_file", "api_key"] as const;
const RESPONSE_KEYS = ["response", "note", "evidence_text", "evidence_url", "evidence_file", "api_key"] as const;

const DAY_MS = 86_400_000;

/** Values that reach the disputes' own checks, as JSON text: reasons, amounts, dates, ids, answers, evidence. */
function disputeValues(ctx: FuzzContext): string[] {
  const d = ctx.disputes;
  const daysAgo = (days: number) => JSON.stringify(new Date(Date.now() - days * DAY_MS).toISOString());
  return [
    // reasons: every kind's, the ones refused by name, unknown, odd case and spacing
    ...quoted(RETURN_REASON_CODES),
    ...quoted(INQUIRY_REASON_CODES),
    ...quoted(CONVERSION_DISPUTE_REASON_CODES),
    ...quoted(["did_not_convert", "not_interested", "lost", "MISSING", " refunded ", "Wrong_Person", "invalid-phone", "missing,wrong_amount"]),
    // answers
    ...quoted(["accept", "contest", "confirm", "decline", "ACCEPT", "maybe", "approve", "deny"]),
    // amounts: negative, zero, absurd, over-precise, localised, numbers
    ...quoted(["-5.00", "0", "0.00", "0.01", "100.00", "999.99", "1000.00", "1000.01", "125.505", "1,000.00", "$5", "10000000.01", "99999999999"]),
    "-5",
    "0",
    "100",
    "1e400",
    "-1e400",
    "12.5",
    // dates: long past, just inside and outside the 90 days, future, no calendar day, Unix seconds
    JSON.stringify(d.occurredAt),
    daysAgo(89),
    daysAgo(91),
    daysAgo(-1),
    ...quoted(["2020-01-01", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-02-30T00:00:00Z", "1700000000", "now", "+275760-09-13T00:00:00.000Z"]),
    "1700000000",
    "4102444800",
    // ids: ours, other companies', of another kind
    ...quoted([d.cpaLeadId, d.cpsLeadId, ctx.soldLeadId, ctx.unboughtLeadId, d.strangerLeadId, ` ${d.cpaLeadId} `, d.cpaLeadId.toUpperCase(), "no-such-lead"]),
    ...quoted([pick(d.returnableLeadIds, 0), pick(d.trackedCpsConversionIds, 0), pick(d.rejectedConversionIds, 0), pick(d.disputableConversionIds, 0)]),
    ...quoted([d.strangerConversionId, d.strangerDisputeId, pick(d.awaitingReturnIds, 0), pick(d.awaitingInquiryIds, 0), "c".repeat(121)]),
    // events, notes, evidence
    ...quoted(["application", "funded", " FUNDED ", "closed_won", "e".repeat(41), "", "   "]),
    JSON.stringify("n".repeat(2001)),
    JSON.stringify("t".repeat(5001)),
    ...quoted(["https://crm.example/calls/1", "javascript:alert(1)", "ftp://x.example/a", "https://", `https://x.example/${"a".repeat(2000)}`, "not a url"]),
    '{"name":"log.pdf","contentType":"application/pdf","bytes":"JVBERi0="}',
    '{"name":"log.pdf","contentType":"application/pdf","bytes":[37,80,68,70]}',
    '[{"lead_id":"x","reason":"duplicate"}]',
  ];
}

function disputeJsonValues(ctx: FuzzContext) {
  return fc.oneof({ weight: 5, arbitrary: hostileJsonValue }, { weight: 5, arbitrary: fc.constantFrom(...disputeValues(ctx)) });
}

function disputeFormValues(ctx: FuzzContext) {
  const specific = fc.constantFrom(...disputeValues(ctx)).map((v) => formEncode(v.startsWith('"') ? (JSON.parse(v) as string) : v));
  return fc.oneof({ weight: 5, arbitrary: hostileFormValue }, { weight: 5, arbitrary: specific });
}

/** A JSON or form POST of `record` to `path`, with hostile changes. */
function postRecord(
  ctx: FuzzContext,
  endpoint: FuzzCase["endpoint"],
  path: string,
  role: "affiliate" | "advertiser",
  record: Record<string, string>,
  keys: readonly string[],
  notes: string,
): fc.Arbitrary<FuzzCase> {
  return fc
    .tuple(credentials(ctx, role), fc.constantFrom("json", "json", "json", "form"), contentTypeFor("application/json"))
    .chain(([creds, format, jsonType]) => {
      const type = format === "json" ? jsonType : "application/x-www-form-urlencoded";
      const body = format === "json" ? jsonBody(record, keys, disputeJsonValues(ctx)) : formBody(record, keys, disputeFormValues(ctx));
      return body.map(({ body, notes: changes }) => ({
        endpoint,
        label: `POST ${path.replace(/\/disputes\/[^/]+/, "/disputes/:id")} (${format})`,
        phase: creds.phase,
        method: "POST" as const,
        path: `${path}${creds.query ? `?${creds.query}` : ""}`,
        headers: withHeaders(creds.headers, type, undefined),
        body,
        notes: `${creds.notes}${notes}: ${changes}; content-type ${shown(type ?? "none")}`,
      }));
    });
}

// ---- lead returns ------------------------------------------------------------------------------

function validReturn(ctx: FuzzContext, n: number, reason: number): Record<string, string> {
  return {
    lead_id: pick(ctx.disputes.returnableLeadIds, n),
    reason: pick(RETURN_REASON_CODES, reason),
    note: "Called three times: wrong person each time",
    evidence_text: "Call log 14:05, 15:30, 17:10",
    evidence_url: "https://crm.example/calls/123",
  };
}

/** A bulk body {returns: [...]}: valid items, hostile items, or a `returns` that is no list of items. */
function bulkReturns(ctx: FuzzContext): fc.Arbitrary<{ body: string; notes: string }> {
  const item = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([n, r]) => ({ text: JSON.stringify(validReturn(ctx, n, r)), notes: "valid" })) },
    {
      weight: 4,
      arbitrary: fc.tuple(fc.nat(), fc.nat()).chain(([n, r]) =>
        mutations(RETURN_KEYS, disputeJsonValues(ctx)).map((ms) => ({
          text: rawJsonObject(applyMutations(jsonEntries(validReturn(ctx, n, r)), ms)),
          notes: describeMutations(ms),
        })),
      ),
    },
    { weight: 1, arbitrary: hostileJsonValue.map((text) => ({ text, notes: `item ${shown(text)}` })) },
  );
  const list = fc.array(item, { minLength: 1, maxLength: 6 }).map((items) => ({
    body: `{"returns":[${items.map((i) => i.text).join(",")}]}`,
    notes: `returns: ${items.map((i) => i.notes).join(" | ")}`,
  }));
  const notAList = fc.oneof(
    hostileJsonValue.map((value) => ({ body: `{"returns":${value}}`, notes: `returns=${shown(value)}` })),
    fc.constant({ body: `{"returns":[${Array(501).fill("{}").join(",")}]}`, notes: "501 returns" }),
    fc.constant({
      body: `{"returns":[],"lead_id":${JSON.stringify(pick(ctx.disputes.returnableLeadIds, 0))},"reason":"duplicate"}`,
      notes: "empty list beside one return",
    }),
  );
  return fc.oneof({ weight: 5, arbitrary: list }, { weight: 1, arbitrary: notAList });
}

function returns(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const one = fc
    .tuple(fc.nat(), fc.nat())
    .chain(([n, r]) => postRecord(ctx, "return", "/api/v1/returns", "advertiser", validReturn(ctx, n, r), RETURN_KEYS, "return"));
  const bulk = fc.tuple(credentials(ctx, "advertiser"), bulkReturns(ctx)).map(([creds, { body, notes }]) => ({
    endpoint: "return" as const,
    label: "POST /api/v1/returns (bulk json)",
    phase: creds.phase,
    method: "POST" as const,
    path: `/api/v1/returns${creds.query ? `?${creds.query}` : ""}`,
    headers: withHeaders(creds.headers, "application/json", undefined),
    body,
    notes: `${creds.notes}${notes}`,
  }));
  return fc.oneof({ weight: 3, arbitrary: one }, { weight: 2, arbitrary: bulk });
}

/** GET /api/v1/returns with hostile filters, and GET /api/v1/returns/{id}. */
function returnReads(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const value = fc.oneof(
    { weight: 3, arbitrary: hostileFormValue },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          "awaiting_response",
          "APPROVED",
          "lost",
          "0",
          "201",
          "-1",
          "1e400",
          "2026-01-01T00:00:00Z",
          "+275760-09-13T00:00:00.000Z",
          "-271821-04-20T00:00:00.000Z",
          "0000-01-01T00:00:00Z",
          "9999-12-31T23:59:59Z",
          "now",
          Buffer.from(`+275760-09-13T00:00:00.000Z|${ctx.disputes.awaitingReturnIds[0]}`).toString("base64url"),
          ctx.disputes.returnableLeadIds[0],
        )
        .map(formEncode),
    },
  );
  const list = fc.tuple(
    credentials(ctx, "advertiser"),
    formBody({ status: "awaiting_response", limit: "10" }, ["status", "lead_id", "since", "cursor", "limit"], value),
  );
  const listCase = list.map(([creds, { body, notes }]) => ({
    endpoint: "return-read" as const,
    label: "GET /api/v1/returns",
    phase: creds.phase,
    method: "GET" as const,
    path: `/api/v1/returns?${joinQuery(body, creds.query)}`,
    headers: creds.headers,
    notes: `${creds.notes}${notes}`,
  }));
  const id = fc.oneof(
    fc.constantFrom(...ctx.disputes.awaitingReturnIds, ctx.disputes.strangerDisputeId, ctx.disputes.awaitingInquiryIds[0]),
    hostileFormValue,
    rawPercentText,
  );
  const oneCase = fc.tuple(credentials(ctx, "advertiser"), id).map(([creds, returnId]) => ({
    endpoint: "return-read" as const,
    label: "GET /api/v1/returns/:id",
    phase: creds.phase,
    method: "GET" as const,
    path: `/api/v1/returns/${returnId}${creds.query ? `?${creds.query}` : ""}`,
    headers: creds.headers,
    notes: `${creds.notes}return id ${shown(returnId)}`,
  }));
  return fc.oneof(listCase, oneCase);
}

// ---- conversion inquiries and disputes ---------------------------------------------------------

type InquiryKind = "missing-cpa" | "missing-cps" | "wrong-amount-cps" | "wrong-amount-cpa" | "wrongly-rejected";

function validInquiry(ctx: FuzzContext, kind: InquiryKind, id: string, n: number): Record<string, string> {
  const d = ctx.disputes;
  const note = { note: "The customer confirmed the purchase by email", evidence_text: "Order confirmation #4411" };
  switch (kind) {
    case "missing-cpa":
      return { lead_id: d.cpaLeadId, reason: "missing", event: n % 2 ? "funded" : "application", occurred_at: d.occurredAt, order_ref: `fuzz-${id}`, ...note };
    case "missing-cps":
      return {
        lead_id: d.cpsLeadId,
        reason: "missing",
        amount: "250.00",
        occurred_at: d.occurredAt,
        order_ref: `fuzz-${id}`,
        expected_payout: "31.25",
        ...note,
      };
    case "wrong-amount-cps":
      return { lead_id: d.cpsLeadId, reason: "wrong_amount", conversion_id: pick(d.trackedCpsConversionIds, n), amount: `${700 + (n % 200)}.00`, ...note };
    case "wrong-amount-cpa":
      return { lead_id: d.cpaLeadId, reason: "wrong_amount", conversion_id: pick(d.trackedCpaConversionIds, n), event: "funded", ...note };
    case "wrongly-rejected":
      return { lead_id: d.cpaLeadId, reason: "wrongly_rejected", conversion_id: pick(d.rejectedConversionIds, n), ...note };
  }
}

function inquiries(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const post = fc
    .tuple(
      fc.constantFrom<InquiryKind>("missing-cpa", "missing-cpa", "missing-cps", "wrong-amount-cps", "wrong-amount-cpa", "wrongly-rejected"),
      fc.uuid(),
      fc.nat(),
    )
    .chain(([kind, id, n]) => postRecord(ctx, "inquiry", "/api/v1/conversion-inquiries", "affiliate", validInquiry(ctx, kind, id, n), INQUIRY_KEYS, kind));
  const cursor = fc.oneof(
    fc
      .tuple(
        fc.constantFrom("2026-01-01T00:00:00.000Z", "+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "0000-01-01T00:00:00Z", "x"),
        hostileText,
      )
      .map(([iso, id]) => Buffer.from(`${iso}|${id}`).toString("base64url")),
    fc
      .constantFrom("+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z")
      .map((iso) => Buffer.from(`${iso}|${ctx.disputes.awaitingInquiryIds[0]}`).toString("base64url")),
    hostileText.map((t) => Buffer.from(t).toString("base64url")),
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: hostileFormValue },
    { weight: 2, arbitrary: fc.constantFrom("awaiting_response", "IN_REVIEW", "lost", "lead_return", "0", "-1", "99999") },
    { weight: 2, arbitrary: cursor },
  );
  const list = fc
    .tuple(fc.constantFrom<"affiliate" | "advertiser">("affiliate", "advertiser"), fc.nat())
    .chain(([role]) => fc.tuple(credentials(ctx, role), formBody({ status: "awaiting_response" }, ["status", "cursor", "kind", "page", "api_key"], value)))
    .map(([creds, { body, notes }]) => ({
      endpoint: "inquiry" as const,
      label: "GET /api/v1/conversion-inquiries",
      phase: creds.phase,
      method: "GET" as const,
      path: `/api/v1/conversion-inquiries?${joinQuery(body, creds.query)}`,
      headers: creds.headers,
      notes: `${creds.notes}${notes}`,
    }));
  return fc.oneof({ weight: 3, arbitrary: post }, { weight: 1, arbitrary: list });
}

function conversionDisputes(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc.tuple(fc.nat(), fc.nat(), fc.boolean()).chain(([n, r, partly]) => {
    const record: Record<string, string> = {
      conversion_id: pick(ctx.disputes.disputableConversionIds, n),
      reason: pick(CONVERSION_DISPUTE_REASON_CODES, r),
      note: "Refunded on the customer's request after the lock",
      evidence_url: "https://billing.example/refunds/88",
    };
    if (partly) record.amount = "100.00";
    return postRecord(
      ctx,
      "conversion-dispute",
      "/api/v1/conversion-disputes",
      "advertiser",
      record,
      CONVERSION_DISPUTE_KEYS,
      `dispute ${record.conversion_id}`,
    );
  });
}

// ---- a dispute's life: the answer, the withdrawal, reading it ----------------------------------

type Pool = "return" | "inquiry" | "conversion-dispute";
const RESPONDENT: Record<Pool, "affiliate" | "advertiser"> = { return: "affiliate", inquiry: "advertiser", "conversion-dispute": "affiliate" };
const OPENER: Record<Pool, "affiliate" | "advertiser"> = { return: "advertiser", inquiry: "affiliate", "conversion-dispute": "advertiser" };
const ANSWERS: Record<Pool, [string, string]> = { return: ["accept", "contest"], inquiry: ["confirm", "decline"], "conversion-dispute": ["accept", "contest"] };

function poolIds(ctx: FuzzContext, pool: Pool): string[] {
  const d = ctx.disputes;
  return pool === "return" ? d.awaitingReturnIds : pool === "inquiry" ? d.awaitingInquiryIds : d.awaitingConversionDisputeIds;
}

/** A dispute id for a path: mostly one of the pool's, now and then another company's or a hostile one. */
function disputeIdIn(ctx: FuzzContext, pool: Pool): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...poolIds(ctx, pool)) },
    { weight: 1, arbitrary: fc.constant(ctx.disputes.strangerDisputeId) },
    { weight: 2, arbitrary: fc.oneof(hostileFormValue, rawPercentText, longText(300, 3_000).map(formEncode)) },
  );
}

const POOLS = fc.constantFrom<Pool>("return", "inquiry", "conversion-dispute");

function responses(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc.tuple(POOLS, fc.boolean(), fc.boolean()).chain(([pool, agree, withNote]) =>
    disputeIdIn(ctx, pool).chain((id) => {
      const record: Record<string, string> = { response: ANSWERS[pool][agree ? 0 : 1], evidence_text: "Checked our records" };
      if (withNote || !agree) record.note = "The lead was checked on the phone before delivery";
      return postRecord(ctx, "dispute-response", `/api/v1/disputes/${id}/response`, RESPONDENT[pool], record, RESPONSE_KEYS, `${pool} ${record.response}`);
    }),
  );
}

function withdrawals(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc.tuple(POOLS, fc.constantFrom<"POST" | "GET">("POST", "POST", "POST", "GET"), hostileJsonValue).chain(([pool, method, junk]) =>
    fc.tuple(disputeIdIn(ctx, pool), credentials(ctx, OPENER[pool])).map(([id, creds]) => ({
      endpoint: "dispute-withdraw" as const,
      label: `${method} /api/v1/disputes/:id/withdraw`,
      phase: creds.phase,
      method,
      path: `/api/v1/disputes/${id}/withdraw${creds.query ? `?${creds.query}` : ""}`,
      headers: withHeaders(creds.headers, method === "POST" ? "application/json" : undefined, undefined),
      body: method === "POST" ? `{"note":${junk}}` : undefined,
      notes: `${creds.notes}${pool} ${shown(id)}`,
    })),
  );
}

function disputeReads(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc.tuple(POOLS, fc.constantFrom<"affiliate" | "advertiser">("affiliate", "advertiser")).chain(([pool, role]) =>
    fc.tuple(disputeIdIn(ctx, pool), credentials(ctx, role)).map(([id, creds]) => ({
      endpoint: "dispute-read" as const,
      label: "GET /api/v1/disputes/:id",
      phase: creds.phase,
      method: "GET" as const,
      path: `/api/v1/disputes/${id}${creds.query ? `?${creds.query}` : ""}`,
      headers: creds.headers,
      notes: `${creds.notes}${role} reads ${pool} ${shown(id)}`,
    })),
  );
}

/** Every generated request to the returns and disputes endpoints, weighted by endpoint. */
export function disputeFuzzCase(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    { weight: 6, arbitrary: returns(ctx) },
    { weight: 2, arbitrary: returnReads(ctx) },
    { weight: 5, arbitrary: inquiries(ctx) },
    { weight: 3, arbitrary: conversionDisputes(ctx) },
    { weight: 3, arbitrary: responses(ctx) },
    { weight: 2, arbitrary: withdrawals(ctx) },
    { weight: 1, arbitrary: disputeReads(ctx) },
  );
}
