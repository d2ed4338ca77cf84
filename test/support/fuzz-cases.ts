import { createHmac } from "node:crypto";
import fc from "fast-check";
import Stripe from "stripe";
import type { DisputeFuzzContext } from "./fuzz-dispute-cases";
import {
  contentTypeFor,
  formEncode,
  hostileFormValue,
  hostileJsonValue,
  hostileKey,
  hostileText,
  longText,
  malformedJsonBody,
  rawJsonObject,
  rawPercentText,
} from "./hostile-input";

// The generated requests of test/fuzz-endpoints.test.ts: each machine endpoint and auth form, with
// a valid request as the base and one to four hostile changes, so most input gets past the API key
// and reaches validation.

export type Endpoint =
  | "postback"
  | "ping"
  | "post"
  | "pull"
  | "lead-read"
  | "lead-contacted"
  | "conversion"
  | "stripe"
  | "login"
  | "signup"
  | "return"
  | "return-read"
  | "inquiry"
  | "conversion-dispute"
  | "dispute-response"
  | "dispute-withdraw"
  | "dispute-read"
  | "admin-company"
  | "admin-offer";

export interface FuzzRequest {
  method: "GET" | "POST";
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
}

export interface FuzzCase extends FuzzRequest {
  endpoint: Endpoint;
  /** The endpoint and encoding, e.g. "POST /api/v1/leads (json)". */
  label: string;
  /**
   * Run order: 0 machine endpoints with valid keys, 1 login and sign-up, 2 missing or wrong API
   * keys. Login, sign-up and API-key failures are rate-limited per client address, and every
   * request comes from 127.0.0.1: run last, a limit reached there cannot hide the rest.
   */
  phase: 0 | 1 | 2;
  /** What is hostile about it, in short. */
  notes: string;
  /** A ping to send first: its bid token replaces BID_TOKEN_PLACEHOLDER in the body. */
  pingFirst?: FuzzRequest;
}

/** What the generated requests need to know about the running app and its accounts. */
export interface FuzzContext {
  appUrl: string;
  affiliateKey: string;
  advertiserKey: string;
  affiliateCompanyId: string;
  /** The affiliate's published CPL offer (contact fields), with a funded advertiser's order on it. */
  offerId: string;
  /** The affiliate's offer with number, enum, boolean and date fields. */
  typedOfferId: string;
  /** A lead the advertiser bought. */
  soldLeadId: string;
  /** A cursor the pull API answered. */
  pullCursor: string;
  /** Leads the advertiser bought on CPA terms (events application, funded) and on CPS terms (12.5% of the sale). */
  cpaLeadId: string;
  cpsLeadId: string;
  /** A lead nobody bought. */
  unboughtLeadId: string;
  /** An ISO date after both leads were delivered: a valid `occurred_at`. */
  occurredAt: string;
  /** Conversions the advertiser reported on those leads, to reverse or correct. */
  cpaConversionIds: string[];
  cpsConversionIds: string[];
  loginEmail: string;
  loginPassword: string;
  stripeWebhookSecret: string;
  bidTokenSecret: string;
  /** Leads, conversions and open disputes for the returns and disputes endpoints. */
  disputes: DisputeFuzzContext;
  /** An admin's session and a company and offer of their own (no sessions, no leads) for the admin console's forms. */
  admin: { cookie: string; companyId: string; offerId: string };
}

export const BID_TOKEN_PLACEHOLDER = "__BID_TOKEN__";

export type Entries = Array<[string, string]>;
export type Mutation =
  { op: "set"; key: string; value: string } | { op: "delete"; key: string } | { op: "duplicate"; key: string; value: string; before: boolean };

export function applyMutations(base: Entries, mutations: readonly Mutation[]): Entries {
  let entries: Entries = base.map(([k, v]) => [k, v]);
  for (const m of mutations) {
    if (m.op === "delete") entries = entries.filter(([k]) => k !== m.key);
    else if (m.op === "duplicate") {
      if (m.before) entries.unshift([m.key, m.value]);
      else entries.push([m.key, m.value]);
    } else {
      const at = entries.findIndex(([k]) => k === m.key);
      if (at >= 0) entries[at] = [m.key, m.value];
      else entries.push([m.key, m.value]);
    }
  }
  return entries;
}

export const shown = (text: string) => {
  const quoted = JSON.stringify(text);
  return quoted.length > 40 ? `${quoted.slice(0, 37)}…(${text.length} chars)` : quoted;
};

export function describeMutations(mutations: readonly Mutation[]): string {
  return mutations.map((m) => (m.op === "delete" ? `without ${m.key}` : `${m.op === "duplicate" ? "twice " : ""}${shown(m.key)}=${shown(m.value)}`)).join(", ");
}

/** One to four changes to a valid record: a known key (or a hostile one) set, removed or repeated. */
export function mutations(keys: readonly string[], value: fc.Arbitrary<string>): fc.Arbitrary<Mutation[]> {
  const key = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: hostileKey });
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant("set" as const), key, value }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), key: fc.constantFrom(...keys) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("duplicate" as const), key: fc.constantFrom(...keys), value, before: fc.boolean() }) },
  );
  return fc.array(mutation, { minLength: 1, maxLength: 4 });
}

export const formText = (entries: Entries) => entries.map(([k, v]) => `${formEncode(k)}=${v}`).join("&");
export const jsonEntries = (record: Record<string, string>): Entries => Object.entries(record).map(([k, v]) => [k, JSON.stringify(v)]);
export const formEntries = (record: Record<string, string>): Entries => Object.entries(record).map(([k, v]) => [k, formEncode(v)]);

/** A request body and what is hostile about it. */
export interface Encoded {
  body: string | Uint8Array<ArrayBuffer>;
  notes: string;
}

/** A JSON body: the base with hostile changes, now and then not JSON (or not an object) at all. */
export function jsonBody(base: Record<string, string>, keys: readonly string[], value: fc.Arbitrary<string> = hostileJsonValue): fc.Arbitrary<Encoded> {
  return fc.oneof(
    {
      weight: 40,
      arbitrary: mutations(keys, value).map((ms) => ({ body: rawJsonObject(applyMutations(jsonEntries(base), ms)), notes: describeMutations(ms) })),
    },
    { weight: 4, arbitrary: malformedJsonBody.map((body) => ({ body: body, notes: `malformed JSON ${shown(body)}` })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...keys),
          fc.oneof({ weight: 30, arbitrary: longText(65_000, 80_000) }, { weight: 1, arbitrary: longText(1_050_000, 1_100_000) }),
        )
        .map(([key, text]) => ({
          body: rawJsonObject([...jsonEntries(base), [key, JSON.stringify(text)]]),
          notes: `oversized ${key} (${text.length} chars)`,
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...keys),
          fc.uint8Array({ minLength: 1, maxLength: 12 }),
          fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00], [0xfe, 0xff]),
        )
        .map(([key, bytes, invalid]) => {
          const head = rawJsonObject(jsonEntries(base).filter(([k]) => k !== key)).slice(0, -1);
          const body = Buffer.concat([Buffer.from(`${head},${JSON.stringify(key)}:"`), Buffer.from(invalid), Buffer.from(bytes), Buffer.from('"}')]);
          return { body: new Uint8Array(body), notes: `invalid UTF-8 in ${key}` };
        }),
    },
  );
}

/** A form body or query string: the base with hostile changes, now and then raw garbage. */
export function formBody(base: Record<string, string>, keys: readonly string[], value: fc.Arbitrary<string> = hostileFormValue) {
  const bracketKeys = fc.constantFrom(...keys).map((k) => `${k}[]`);
  return fc.oneof(
    { weight: 12, arbitrary: mutations(keys, value).map((ms) => ({ body: formText(applyMutations(formEntries(base), ms)), notes: describeMutations(ms) })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(bracketKeys, value)
        .map(([key, v]) => ({ body: `${formText(formEntries(base))}&${formEncode(key)}=${v}&fields%5Bx%5D=${v}`, notes: `bracket keys ${key}` })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(rawPercentText, fc.constantFrom("", "&", "&&", "=", "&=&", "a", ";")).map(([garbage, sep]) => ({
        body: `${formText(formEntries(base))}${sep}${garbage}`,
        notes: `raw ${shown(garbage)}`,
      })),
    },
  );
}

type KeyChoice = "own" | "otherRole" | "none" | "unknown" | "malformed";
const keyChoice = fc.oneof(
  { weight: 90, arbitrary: fc.constant<KeyChoice>("own") },
  { weight: 3, arbitrary: fc.constant<KeyChoice>("otherRole") },
  { weight: 3, arbitrary: fc.constant<KeyChoice>("none") },
  { weight: 2, arbitrary: fc.constant<KeyChoice>("unknown") },
  { weight: 2, arbitrary: fc.constant<KeyChoice>("malformed") },
);
const keyPlace = fc.constantFrom("bearer", "bearer", "bearer", "bearer", "x-api-key", "query", "bearer-and-query");
const malformedAuthorization = fc.oneof(
  fc.constantFrom(
    "Bearer",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "Bearer lx_",
    "Bearer lx_0123456789_",
    "Token abc",
    "bearer  lx_ zz",
    "Bearer null",
    "Bearer undefined",
  ),
  longText(100, 20_000).map((t) => `Bearer ${t.replace(/[^\x21-\x7e]/g, "a")}`),
);

export interface Credentials {
  headers: Record<string, string>;
  /** Appended to the query string (already encoded), or "". */
  query: string;
  phase: 0 | 2;
  notes: string;
}

/** The API key of a request: mostly the right role's key, sometimes another role's, none or a wrong one. */
export function credentials(ctx: FuzzContext, role: "affiliate" | "advertiser"): fc.Arbitrary<Credentials> {
  const own = role === "affiliate" ? ctx.affiliateKey : ctx.advertiserKey;
  const other = role === "affiliate" ? ctx.advertiserKey : ctx.affiliateKey;
  return fc.tuple(keyChoice, keyPlace, malformedAuthorization, hostileFormValue).map(([choice, place, malformed, queryJunk]): Credentials => {
    if (choice === "none") return { headers: {}, query: "", phase: 2, notes: "no API key" };
    if (choice === "malformed") {
      return place === "query"
        ? { headers: {}, query: `api_key=${queryJunk}`, phase: 2, notes: "malformed api_key" }
        : { headers: { authorization: malformed }, query: "", phase: 2, notes: "malformed Authorization" };
    }
    const key = choice === "own" ? own : choice === "otherRole" ? other : `lx_${"0123456789"}_${"x".repeat(32)}`;
    const phase = choice === "unknown" ? 2 : 0;
    const notes = choice === "own" ? "" : `${choice} key; `;
    if (place === "x-api-key") return { headers: { "x-api-key": key }, query: "", phase, notes };
    if (place === "query") return { headers: {}, query: `api_key=${encodeURIComponent(key)}`, phase, notes };
    // Contradictory: the right key in the header, another company's in the query (the header wins).
    if (place === "bearer-and-query") return { headers: { authorization: `Bearer ${key}` }, query: `api_key=${encodeURIComponent(other)}`, phase, notes };
    return { headers: { authorization: `Bearer ${key}` }, query: "", phase, notes };
  });
}

/** Now and then a body that claims a compression it does not have. */
const contentEncoding = fc.oneof(
  { weight: 30, arbitrary: fc.constant<string | undefined>(undefined) },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>("gzip", "deflate", "br", "x-unknown", "identity") },
);

export function withHeaders(base: Record<string, string>, contentType: string | undefined, encoding: string | undefined): Record<string, string> {
  const headers = { ...base };
  if (contentType !== undefined) headers["content-type"] = contentType;
  if (encoding !== undefined) headers["content-encoding"] = encoding;
  return headers;
}

export const joinQuery = (...parts: string[]) => parts.filter((p) => p !== "").join("&");

// ---- postback ----------------------------------------------------------------------------------

const POSTBACK_KEYS = [
  "offer_id",
  "lead_id",
  "first_name",
  "last_name",
  "email",
  "phone",
  "state",
  "postal_code",
  "s1",
  "s2",
  "s5",
  "ip_address",
  "user_agent",
  "consent_text",
  "consent_at",
  "consent_cert_url",
  "time_on_form",
  "pages_viewed",
  "test",
  "fields",
  "sub_ids",
  "api_key",
  "age",
  "home_owner",
  "coverage",
  "move_date",
  "undeclared_note",
] as const;

/** A lead that passes the offer's field checks; `typed` adds the typed offer's fields. */
function validLead(ctx: FuzzContext, id: string, typed: boolean): Record<string, string> {
  const lead: Record<string, string> = {
    offer_id: typed ? ctx.typedOfferId : ctx.offerId,
    lead_id: `fuzz-${id}`,
    first_name: "Ada",
    last_name: "Lovelace",
    email: `ada.${id.slice(0, 8)}@example.com`,
    phone: "(415) 555-2671",
    state: "CA",
    postal_code: "94107",
    s1: "fuzz",
  };
  if (typed) Object.assign(lead, { age: "42", home_owner: "yes", coverage: "Basic", move_date: "2026-03-01" });
  return lead;
}

const POSTBACK_VALUES_JSON = fc.oneof(
  { weight: 8, arbitrary: hostileJsonValue },
  // Values the envelope parses: test mode, counts, timestamps, URLs.
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '"1"',
      '"true"',
      "true",
      "1",
      '"yes"',
      '"2025-01-31T14:05:00Z"',
      '"2025-02-30T25:61:00Z"',
      '"https://cert.example/x"',
      '"http://x"',
      '"86401"',
      "86400.5",
      '"1e3"',
    ),
  },
);

function postback(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const base = fc.tuple(fc.uuid(), fc.boolean()).map(([id, typed]) => validLead(ctx, id, typed));
  const json = fc.tuple(base, credentials(ctx, "affiliate"), contentTypeFor("application/json"), contentEncoding).chain(([lead, creds, type, encoding]) =>
    jsonBody(lead, POSTBACK_KEYS, POSTBACK_VALUES_JSON).map(({ body, notes }) => ({
      endpoint: "postback" as const,
      label: "POST /api/v1/leads (json)",
      phase: creds.phase,
      method: "POST" as const,
      path: `/api/v1/leads${creds.query ? `?${creds.query}` : ""}`,
      headers: withHeaders(creds.headers, type, encoding),
      body,
      notes: `${creds.notes}${notes}; content-type ${shown(type ?? "none")}${encoding ? `; content-encoding ${encoding}` : ""}`,
    })),
  );
  const form = fc.tuple(base, credentials(ctx, "affiliate"), contentTypeFor("application/x-www-form-urlencoded")).chain(([lead, creds, type]) =>
    formBody(lead, POSTBACK_KEYS).map(({ body, notes }) => ({
      endpoint: "postback" as const,
      label: "POST /api/v1/leads (form)",
      phase: creds.phase,
      method: "POST" as const,
      path: `/api/v1/leads${creds.query ? `?${creds.query}` : ""}`,
      headers: withHeaders(creds.headers, type, undefined),
      body,
      notes: `${creds.notes}${notes}; content-type ${shown(type ?? "none")}`,
    })),
  );
  const get = fc.tuple(base, credentials(ctx, "affiliate")).chain(([lead, creds]) =>
    formBody(lead, POSTBACK_KEYS).map(({ body, notes }) => ({
      endpoint: "postback" as const,
      label: "GET /api/v1/leads (query)",
      phase: creds.phase,
      method: "GET" as const,
      path: `/api/v1/leads?${joinQuery(body, creds.query)}`,
      headers: creds.headers,
      notes: `${creds.notes}${notes}`,
    })),
  );
  return fc.oneof({ weight: 3, arbitrary: json }, { weight: 1, arbitrary: form }, { weight: 1, arbitrary: get });
}

// ---- ping-post ---------------------------------------------------------------------------------

const PING_KEYS = [
  "offer_id",
  "state",
  "postal_code",
  "email_hash",
  "phone_hash",
  "s1",
  "s3",
  "fields",
  "sub_ids",
  "first_name",
  "email",
  "age",
  "coverage",
  "api_key",
] as const;

function validPing(ctx: FuzzContext, typed: boolean): Record<string, string> {
  const ping: Record<string, string> = { offer_id: typed ? ctx.typedOfferId : ctx.offerId, state: "CA", postal_code: "94107", s1: "fuzz" };
  if (typed) Object.assign(ping, { age: "42", coverage: "Basic" });
  return ping;
}

function ping(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const hashLike = fc.oneof(hostileJsonValue, fc.constantFrom(`"${"a".repeat(64)}"`, `"${"A".repeat(64)}"`, `"${"g".repeat(64)}"`, `"${"a".repeat(63)}"`));
  return fc.tuple(fc.boolean(), credentials(ctx, "affiliate"), fc.boolean(), contentTypeFor("application/json")).chain(([typed, creds, asForm, type]) => {
    const body = asForm
      ? formBody(validPing(ctx, typed), PING_KEYS)
      : jsonBody(validPing(ctx, typed), PING_KEYS, fc.oneof({ weight: 4, arbitrary: hostileJsonValue }, { weight: 1, arbitrary: hashLike }));
    const contentType = asForm ? "application/x-www-form-urlencoded" : type;
    return body.map(({ body, notes }) => ({
      endpoint: "ping" as const,
      label: `POST /api/v1/ping (${asForm ? "form" : "json"})`,
      phase: creds.phase,
      method: "POST" as const,
      path: `/api/v1/ping${creds.query ? `?${creds.query}` : ""}`,
      headers: withHeaders(creds.headers, contentType, undefined),
      body,
      notes: `${creds.notes}${notes}; content-type ${shown(contentType ?? "none")}`,
    }));
  });
}

function signToken(payloadText: string, secret: string): string {
  const encoded = Buffer.from(payloadText).toString("base64url");
  return `${encoded}.${createHmac("sha256", secret).update(encoded).digest("base64url")}`;
}

/** Bid tokens: a real one from a ping sent first, a forged or garbled one, or a signed one that names no ping. */
function bidToken(ctx: FuzzContext): fc.Arbitrary<{ token: string; real: boolean; notes: string }> {
  const signedPayload = (overrides: Record<string, unknown>) =>
    JSON.stringify({
      pid: "no-such-ping",
      bid: "no-such-bid",
      aff: ctx.affiliateCompanyId,
      off: ctx.offerId,
      price: 3000,
      cur: "usd",
      dh: "0".repeat(64),
      exp: 4_102_444_800,
      ...overrides,
    });
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant({ token: BID_TOKEN_PLACEHOLDER, real: true, notes: "real token" }) },
    { weight: 2, arbitrary: hostileText.map((token) => ({ token, real: false, notes: `token ${shown(token)}` })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.json({ maxDepth: 2 }), fc.string({ maxLength: 20 })).map(([payload, sig]) => ({
        token: `${Buffer.from(payload).toString("base64url")}.${Buffer.from(sig).toString("base64url")}`,
        real: false,
        notes: "forged token",
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          { notes: "signed token for no ping", payload: signedPayload({}) },
          { notes: "expired signed token", payload: signedPayload({ exp: 1_000_000_000 }) },
          { notes: "signed token for another offer", payload: signedPayload({ off: "another-offer" }) },
          { notes: "signed token of another affiliate", payload: signedPayload({ aff: "another-affiliate" }) },
          { notes: "signed token, payload not an object", payload: "[]" },
        )
        .map(({ notes, payload }) => ({ token: signToken(payload, ctx.bidTokenSecret), real: false, notes })),
    },
  );
}

function post(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc.tuple(fc.uuid(), credentials(ctx, "affiliate"), bidToken(ctx), fc.boolean()).chain(([id, creds, token, asForm]) => {
    const lead = { ...validLead(ctx, id, false), token: token.token };
    const keys = [...POSTBACK_KEYS, "token"];
    const body = asForm ? formBody(lead, keys) : jsonBody(lead, keys);
    const contentType = asForm ? "application/x-www-form-urlencoded" : "application/json";
    const pingFirst: FuzzRequest | undefined = token.real
      ? {
          method: "POST",
          path: "/api/v1/ping",
          headers: { authorization: `Bearer ${ctx.affiliateKey}`, "content-type": "application/json" },
          body: JSON.stringify({ offer_id: ctx.offerId, state: "CA", postal_code: "94107" }),
        }
      : undefined;
    return body.map(({ body, notes }) => ({
      endpoint: "post" as const,
      label: `POST /api/v1/post (${asForm ? "form" : "json"})`,
      phase: creds.phase,
      method: "POST" as const,
      path: `/api/v1/post${creds.query ? `?${creds.query}` : ""}`,
      headers: withHeaders(creds.headers, contentType, undefined),
      body,
      notes: `${creds.notes}${token.notes}; ${notes}`,
      pingFirst,
    }));
  });
}

// ---- pull API and reading one lead -------------------------------------------------------------

function pull(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const cursor = fc.oneof(
    fc.constant(ctx.pullCursor),
    fc
      .tuple(
        fc.constantFrom("2025-01-01T00:00:00.000Z", "+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "0001-01-01T00:00:00Z", "garbage", ""),
        hostileText,
      )
      .map(([iso, id]) => Buffer.from(`${iso}|${id}`).toString("base64url")),
    hostileText.map((t) => Buffer.from(t).toString("base64url")),
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: hostileFormValue },
    {
      weight: 2,
      arbitrary: fc.constantFrom("0", "-1", "1e400", "500", "501", "1.5", "0x10", "%205", "5%20", "NaN", "Infinity", "-0", "", "99999999999999999999"),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "2025-01-01T00:00:00Z",
        "2025-13-45T99:99:99Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        "2025-01-01",
        "now",
        "2025-01-01T00:00:00%2B14:00",
      ),
    },
    { weight: 2, arbitrary: cursor.map(encodeURIComponent) },
  );
  return fc
    .tuple(credentials(ctx, "advertiser"), formBody({ limit: "10", since: "2025-01-01T00:00:00Z" }, ["limit", "since", "cursor", "api_key"], value))
    .map(([creds, { body, notes }]) => ({
      endpoint: "pull" as const,
      label: "GET /api/v1/advertiser/leads",
      phase: creds.phase,
      method: "GET" as const,
      path: `/api/v1/advertiser/leads?${joinQuery(body, creds.query)}`,
      headers: creds.headers,
      notes: `${creds.notes}${notes}`,
    }));
}

function leadRead(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const id = fc.oneof(fc.constant(encodeURIComponent(ctx.soldLeadId)), hostileFormValue, rawPercentText, longText(300, 3_000).map(formEncode));
  return fc.tuple(credentials(ctx, "advertiser"), id).map(([creds, leadId]) => ({
    endpoint: "lead-read" as const,
    label: "GET /api/v1/leads/:leadId",
    phase: creds.phase,
    method: "GET" as const,
    path: `/api/v1/leads/${leadId}${creds.query ? `?${creds.query}` : ""}`,
    headers: creds.headers,
    notes: `${creds.notes}lead id ${shown(leadId)}`,
  }));
}

/** POST /api/v1/advertiser/leads/:leadId/contacted: the bought lead (idempotent), a lead nobody bought, hostile ids. */
function leadContacted(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const id = fc.oneof(
    fc.constant(encodeURIComponent(ctx.soldLeadId)),
    fc.constant(encodeURIComponent(ctx.unboughtLeadId)),
    hostileFormValue,
    rawPercentText,
    longText(300, 3_000).map(formEncode),
  );
  return fc.tuple(credentials(ctx, "advertiser"), id).map(([creds, leadId]) => ({
    endpoint: "lead-contacted" as const,
    label: "POST /api/v1/advertiser/leads/:leadId/contacted",
    phase: creds.phase,
    method: "POST" as const,
    path: `/api/v1/advertiser/leads/${leadId}/contacted${creds.query ? `?${creds.query}` : ""}`,
    headers: creds.headers,
    notes: `${creds.notes}lead id ${shown(leadId)}`,
  }));
}

// ---- conversion postback -----------------------------------------------------------------------

const CONVERSION_KEYS = [
  "type",
  "conversion_id",
  "lead_id",
  "event",
  "amount",
  "currency",
  "occurred_at",
  "reversal_id",
  "reason",
  "adv1",
  "adv2",
  "adv5",
  "api_key",
] as const;

type ReportKind = "cpa" | "cps" | "reverse-cpa" | "reverse-cps" | "reverse-early" | "amount-change";

/** A report the conversion postback accepts: a conversion on a bought CPA or CPS lead, a reversal or an amount change. */
function validReport(ctx: FuzzContext, kind: ReportKind, id: string, pick: number, cents: number): Record<string, string> {
  const amount = (cents / 100).toFixed(2);
  switch (kind) {
    case "cpa":
      return { conversion_id: `fuzz-${id}`, lead_id: ctx.cpaLeadId, event: pick % 2 ? "funded" : "application", occurred_at: ctx.occurredAt, adv1: "fuzz" };
    case "cps":
      return { type: "conversion", conversion_id: `fuzz-${id}`, lead_id: ctx.cpsLeadId, amount, currency: "USD" };
    case "reverse-cpa":
      return { type: "reversal", conversion_id: ctx.cpaConversionIds[pick % ctx.cpaConversionIds.length], reversal_id: `r-${id}`, reason: "Cancelled" };
    case "reverse-cps":
      return { type: "reversal", conversion_id: ctx.cpsConversionIds[pick % ctx.cpsConversionIds.length], reversal_id: `r-${id}`, amount: "0.25" };
    case "reverse-early":
      return { type: "reversal", conversion_id: `fuzz-early-${id}`, amount, reason: "Refunded before it was reported" };
    case "amount-change":
      return { type: "amount_change", conversion_id: ctx.cpsConversionIds[pick % ctx.cpsConversionIds.length], amount, reason: "Corrected" };
  }
}

/** Values that reach the report's own checks: amounts, dates, types, currencies, events, lead and conversion ids. */
function conversionValues(ctx: FuzzContext): fc.Arbitrary<string> {
  return fc.constantFrom(
    // amounts: numbers and numbers as text, negative, absurd, 3 decimals, localised
    "125.5",
    "0",
    "-5",
    "1e2",
    "1e400",
    "0.1",
    "12550",
    "-0",
    '"125.505"',
    '"125.50"',
    '" 125.50 "',
    '"-5.00"',
    '"0.00"',
    '"0.001"',
    '"1,000.00"',
    '"$125"',
    '"125."',
    '".5"',
    '"+5"',
    '"0x10"',
    '"1e3"',
    '"10000000.00"',
    '"10000000.01"',
    '"999999999.99"',
    '"9999999999"',
    '"١٢٣"',
    // dates
    JSON.stringify(ctx.occurredAt),
    '"2026-02-30T00:00:00Z"',
    '"2026-13-01T00:00:00Z"',
    '"2026-11-28T25:61:00Z"',
    '"2026-11-28T14:05:00+99:99"',
    '"2026-11-28T::::"',
    '"2026-11-28 14:05"',
    '"0000-01-01T00:00:00Z"',
    '"1970-01-01T00:00:00Z"',
    '"9999-12-31T23:59:59Z"',
    '"1700000000"',
    "1700000000",
    "4102444800",
    '"99999999999"',
    '"now"',
    // types, currencies, events
    '"conversion"',
    '"reversal"',
    '"amount_change"',
    '"REVERSAL"',
    '" reversal "',
    '"refund"',
    '"amount-change"',
    '"USD"',
    '"usd"',
    '"EUR"',
    '"US$"',
    '"usdd"',
    '"funded"',
    '" FUNDED "',
    '"application"',
    '"closed_won"',
    JSON.stringify("e".repeat(41)),
    // lead ids: bought on CPA, on CPS, on CPL, not bought, unknown
    JSON.stringify(ctx.cpaLeadId),
    JSON.stringify(ctx.cpsLeadId),
    JSON.stringify(ctx.soldLeadId),
    JSON.stringify(ctx.unboughtLeadId),
    JSON.stringify(` ${ctx.cpaLeadId} `),
    JSON.stringify(ctx.cpaLeadId.toUpperCase()),
    '"no-such-lead"',
    // conversion and reversal ids: repeated, reported, numeric, too long
    JSON.stringify(ctx.cpaConversionIds[0]),
    JSON.stringify(ctx.cpsConversionIds[0]),
    '"fuzz-repeated"',
    '"1"',
    "1",
    JSON.stringify("c".repeat(121)),
  );
}

function conversion(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const base = fc
    .tuple(
      fc.constantFrom<ReportKind>("cpa", "cpa", "cps", "cps", "reverse-cpa", "reverse-cps", "reverse-early", "amount-change"),
      fc.uuid(),
      fc.nat(),
      fc.integer({ min: 1, max: 1_000_000 }),
    )
    .map(([kind, id, pick, cents]) => ({ kind, report: validReport(ctx, kind, id, pick, cents) }));
  const specific = conversionValues(ctx);
  const jsonValues = fc.oneof({ weight: 5, arbitrary: hostileJsonValue }, { weight: 4, arbitrary: specific });
  const formValues = fc.oneof(
    { weight: 5, arbitrary: hostileFormValue },
    // The same values as a form sends them: text, unquoted.
    { weight: 4, arbitrary: specific.map((v) => formEncode(v.startsWith('"') ? (JSON.parse(v) as string) : v)) },
  );
  const format = fc.constantFrom("json", "json", "json", "form", "query");
  return fc
    .tuple(base, credentials(ctx, "advertiser"), format, contentTypeFor("application/json"), contentTypeFor("application/x-www-form-urlencoded"))
    .chain(([{ kind, report }, creds, format, jsonType, formType]): fc.Arbitrary<FuzzCase> => {
      if (format === "query") {
        return formBody(report, CONVERSION_KEYS, formValues).map(({ body, notes }) => ({
          endpoint: "conversion" as const,
          label: "GET /api/v1/conversions (query)",
          phase: creds.phase,
          method: "GET" as const,
          path: `/api/v1/conversions?${joinQuery(body, creds.query)}`,
          headers: creds.headers,
          notes: `${creds.notes}${kind}: ${notes}`,
        }));
      }
      const type = format === "json" ? jsonType : formType;
      const body = format === "json" ? jsonBody(report, CONVERSION_KEYS, jsonValues) : formBody(report, CONVERSION_KEYS, formValues);
      return body.map(({ body, notes }) => ({
        endpoint: "conversion" as const,
        label: `POST /api/v1/conversions (${format})`,
        phase: creds.phase,
        method: "POST" as const,
        path: `/api/v1/conversions${creds.query ? `?${creds.query}` : ""}`,
        headers: withHeaders(creds.headers, type, undefined),
        body,
        notes: `${creds.notes}${kind}: ${notes}; content-type ${shown(type ?? "none")}`,
      }));
    });
}

// ---- Stripe webhook ----------------------------------------------------------------------------

const STRIPE_EVENT_KEYS = ["id", "object", "type", "data", "created", "livemode", "api_version"] as const;
const STRIPE_VALUES = fc.oneof(
  { weight: 4, arbitrary: hostileJsonValue },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '"evt_"',
      '"evt_\\u0000"',
      '"ch_123"',
      '"checkout.session.completed"',
      '"checkout.session.expired"',
      '"checkout.session.async_payment_succeeded"',
      '"checkout.session."',
      '"payment_intent.succeeded"',
      '"charge.refunded"',
      '"invoice.paid"',
      '"invoice.overdue"',
      '{"object":{"id":"in_unknown","object":"invoice"}}',
      '{"object":{"id":"cs_test_unknown","object":"checkout.session"}}',
      '{"object":{"id":"","object":"checkout.session"}}',
      '{"object":{"id":"cs_\\u0000","object":"checkout.session"}}',
      '{"object":{"id":"../../v1/customers","object":"checkout.session"}}',
      '{"object":{"id":1e400,"object":"checkout.session"}}',
      '{"object":{"object":"checkout.session"}}',
      '{"object":null}',
      '{"object":[]}',
      "{}",
    ),
  },
);

function stripeWebhook(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const eventId = fc.oneof({ weight: 9, arbitrary: fc.uuid().map((id) => `evt_fuzz_${id}`) }, { weight: 1, arbitrary: fc.constant("evt_fuzz_repeated") });
  const event = fc
    .tuple(eventId, fc.constantFrom("checkout.session.completed", "checkout.session.expired", "customer.created", "payment_intent.succeeded"))
    .map(([id, type]) => ({
      id,
      object: "event",
      type,
    }));
  const signed = fc.tuple(event, fc.constantFrom("cs_test_unknown_session", "cs_fuzz")).chain(([base, session]) =>
    mutations(STRIPE_EVENT_KEYS, STRIPE_VALUES).map((ms) => {
      const entries = applyMutations([...jsonEntries(base), ["data", JSON.stringify({ object: { id: session, object: "checkout.session" } })]], ms);
      // Signed as the server reads it: a lone surrogate reaches it as U+FFFD.
      const payload = Buffer.from(rawJsonObject(entries)).toString("utf8");
      return {
        endpoint: "stripe" as const,
        label: "POST /webhooks/stripe (signed)",
        phase: 0 as const,
        method: "POST" as const,
        path: "/webhooks/stripe",
        headers: {
          "content-type": "application/json",
          "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload, secret: ctx.stripeWebhookSecret }),
        },
        body: payload,
        notes: `signed event ${describeMutations(ms)}`,
      };
    }),
  );
  const unsigned = fc
    .tuple(
      fc.oneof(
        malformedJsonBody,
        event.map((e) => JSON.stringify(e)),
      ),
      fc.constantFrom("none", "garbage", "t=abc,v1=zz", "wrong-secret", "stale", "empty"),
    )
    .map(([payload, signature]) => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      const wire = Buffer.from(payload).toString("utf8");
      if (signature === "garbage") headers["stripe-signature"] = "not a signature";
      if (signature === "t=abc,v1=zz") headers["stripe-signature"] = signature;
      if (signature === "empty") headers["stripe-signature"] = "";
      if (signature === "wrong-secret") headers["stripe-signature"] = Stripe.webhooks.generateTestHeaderString({ payload: wire, secret: "whsec_wrong" });
      if (signature === "stale") {
        headers["stripe-signature"] = Stripe.webhooks.generateTestHeaderString({
          payload: wire,
          secret: ctx.stripeWebhookSecret,
          timestamp: Math.floor(Date.now() / 1000) - 3600,
        });
      }
      return {
        endpoint: "stripe" as const,
        label: "POST /webhooks/stripe (unsigned)",
        phase: 0 as const,
        method: "POST" as const,
        path: "/webhooks/stripe",
        headers,
        body: wire,
        notes: `signature ${signature}; body ${shown(payload)}`,
      };
    });
  return fc.oneof({ weight: 3, arbitrary: signed }, { weight: 1, arbitrary: unsigned });
}

// ---- login and sign-up forms -------------------------------------------------------------------

const OFF_SITE_REDIRECTS = [
  "//evil.example",
  "https://evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/%2F%2Fevil.example",
  "%2F%2Fevil.example",
  "javascript:alert(1)",
  "/\t/evil.example",
  " //evil.example",
  "http:evil.example",
  "/.//evil.example",
  "/..//evil.example",
  "///evil.example",
];

/** Same-site Origin mostly (the cross-site check is its own test); sometimes none or another site. */
const origin = (ctx: FuzzContext) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | undefined>(ctx.appUrl) },
    { weight: 1, arbitrary: fc.constantFrom<string | undefined>(undefined, "https://evil.example", "null") },
  );

function formEndpoint(
  ctx: FuzzContext,
  endpoint: "login" | "signup",
  base: fc.Arbitrary<Record<string, string>>,
  keys: readonly string[],
  value: fc.Arbitrary<string>,
): fc.Arbitrary<FuzzCase> {
  const asJson = fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  return fc.tuple(base, origin(ctx), contentTypeFor("application/x-www-form-urlencoded"), asJson).chain(([record, from, type, asJson]) => {
    const body = asJson ? jsonBody(record, keys) : formBody(record, keys, value);
    return body.map(({ body, notes }) => {
      const headers = withHeaders(from === undefined ? {} : { origin: from }, asJson ? "application/json" : type, undefined);
      return {
        endpoint,
        label: `POST /${endpoint} (${asJson ? "json" : "form"})`,
        phase: 1 as const,
        method: "POST" as const,
        path: `/${endpoint}`,
        headers,
        body,
        notes: `${notes}; content-type ${shown(headers["content-type"] ?? "none")}; origin ${from ?? "none"}`,
      };
    });
  });
}

function login(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const base = fc.boolean().map((right) => ({ email: ctx.loginEmail, password: right ? ctx.loginPassword : "wrong-password-1", redirectTo: "/affiliate" }));
  const value = fc.oneof({ weight: 3, arbitrary: hostileFormValue }, { weight: 1, arbitrary: fc.constantFrom(...OFF_SITE_REDIRECTS).map(formEncode) });
  return formEndpoint(ctx, "login", base, ["email", "password", "redirectTo"], value);
}

function signup(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const base = fc.tuple(fc.uuid(), fc.constantFrom("ADVERTISER", "AFFILIATE")).map(([id, role]) => ({
    name: "Fuzz Tester",
    companyName: `Fuzz ${id.slice(0, 8)}`,
    email: `fuzz-${id}@example.test`,
    password: `violet-harbour-${id.slice(0, 8)}-lantern`,
    role,
  }));
  const value = fc.oneof(
    { weight: 4, arbitrary: hostileFormValue },
    { weight: 1, arbitrary: fc.constantFrom("ADMIN", "admin", "PLATFORM", "ADVERTISER%00", "AFFILIATE,ADMIN") },
  );
  return formEndpoint(ctx, "signup", base, ["name", "companyName", "email", "password", "role"], value);
}

// ---- admin console forms (company and offer moderation) -----------------------------------------

function adminForm(
  ctx: FuzzContext,
  endpoint: "admin-company" | "admin-offer",
  path: string,
  base: fc.Arbitrary<Record<string, string>>,
  keys: readonly string[],
) {
  return fc.tuple(base, origin(ctx), contentTypeFor("application/x-www-form-urlencoded")).chain(([record, from, type]) =>
    formBody(record, keys).map(({ body, notes }) => {
      const headers = withHeaders({ cookie: ctx.admin.cookie, ...(from === undefined ? {} : { origin: from }) }, type, undefined);
      return {
        endpoint,
        label: `POST ${path.replace(/[^/]+$/, ":id")} (form)`,
        phase: 0 as const,
        method: "POST" as const,
        path,
        headers,
        body,
        notes: `${notes}; content-type ${shown(headers["content-type"] ?? "none")}; origin ${from ?? "none"}`,
      };
    }),
  );
}

function adminCompany(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const base = fc
    .constantFrom("suspend", "reinstate", "hold-payouts", "release-payouts", "note")
    .map((intent) => ({ intent, reason: "Fuzzed reason", body: "Fuzzed note" }));
  return adminForm(ctx, "admin-company", `/admin/companies/${ctx.admin.companyId}`, base, ["intent", "reason", "body"]);
}

function adminOffer(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const base = fc.constantFrom("unlist", "pause", "relist").map((intent) => ({ intent, reason: "Fuzzed reason" }));
  return adminForm(ctx, "admin-offer", `/admin/offers/${ctx.admin.offerId}`, base, ["intent", "reason"]);
}

/** Every generated request but the returns and disputes ones (fuzz-dispute-cases.ts), weighted by endpoint. */
export function fuzzCase(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    { weight: 30, arbitrary: postback(ctx) },
    { weight: 12, arbitrary: ping(ctx) },
    { weight: 9, arbitrary: post(ctx) },
    { weight: 8, arbitrary: pull(ctx) },
    { weight: 3, arbitrary: leadRead(ctx) },
    { weight: 2, arbitrary: leadContacted(ctx) },
    { weight: 12, arbitrary: conversion(ctx) },
    { weight: 9, arbitrary: stripeWebhook(ctx) },
    { weight: 3, arbitrary: login(ctx) },
    { weight: 3, arbitrary: signup(ctx) },
    { weight: 2, arbitrary: adminCompany(ctx) },
    { weight: 2, arbitrary: adminOffer(ctx) },
  );
}
