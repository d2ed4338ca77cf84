/**
 * Hostile input always gets an answer below 500, and a refused request stores nothing.
 *
 * At least 10,000 generated requests (fast-check, seeded) against every machine endpoint (lead
 * postback as JSON, form and query string; ping; post; the pull API; reading one lead; the
 * conversion postback as JSON, form and query string; the Stripe webhook, unsigned and validly
 * signed but malformed; lead returns, one or a list; conversion inquiries and disputes; a
 * dispute's answer, withdrawal and reading) and the login and sign-up forms. Each starts
 * from a valid request with a valid API key and gets one to four hostile changes (see
 * test/support/fuzz-cases.ts, fuzz-dispute-cases.ts and hostile-input.ts).
 *
 *   FUZZ_SEED=<n>    another seed (the default is fixed, so every run sends the same requests)
 *   FUZZ_RUNS=<n>    how many requests (default 10,000)
 *   FUZZ_CASE=<i,j>  replay only those cases of the seed, printing request and answer
 *   FUZZ_ENDPOINTS=login,signup  send only the cases of those endpoints (postback, ping, post,
 *                    pull, lead-read, lead-contacted, conversion, stripe, login, signup, return, return-read,
 *                    inquiry, conversion-dispute, dispute-response, dispute-withdraw, dispute-read,
 *                    admin-company, admin-offer)
 *
 * Requests go out in batches; every table's row count is compared before and after each batch
 * with what the accepted requests in it account for. The failure report names the seed, each
 * distinct failure with the smallest request that shows it, and the server's log for it.
 */
import fs from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { leadFields } from "./factories/leads";
import { CONTACT_FIELDS, makeOffer, makeOrder } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";
import { CPA_EVENTS } from "./support/conversions";
import { BID_TOKEN_PLACEHOLDER, fuzzCase, type FuzzCase, type FuzzContext, type FuzzRequest } from "./support/fuzz-cases";
import { disputeFuzzCase } from "./support/fuzz-dispute-cases";
import { prepareDisputeMarket } from "./support/fuzz-dispute-market";
import { failureReport, headlineOf, loggedErrorSummary, reproducer, type Answer, type Failure } from "./support/fuzz-report";
import { countRows, rowChanges, type RowCounts } from "./support/row-counts";
import { leadSoldInProcess } from "./support/sold-in-process";

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20_261_128;
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 10_000;
const ONLY = process.env.FUZZ_CASE ? process.env.FUZZ_CASE.split(",").map(Number) : null;
const ENDPOINTS = process.env.FUZZ_ENDPOINTS ? new Set(process.env.FUZZ_ENDPOINTS.split(",")) : null;
const IN_FLIGHT = 12;
const BATCH_SIZE = 250;
const REPRODUCE = `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`;

// Production mode, as deployed: in test mode neither Remix nor Express logs a 500's error, and the
// failure report shows the server's stack trace from its log. No workers, so nothing but the
// requests writes rows. Ping-post tokens outlive the run.
const stack = useTestStack({ workers: false, env: { NODE_ENV: "production", BID_TOKEN_TTL_SECONDS: "3600" } });

/** Rows an accepted request created, to tell them from rows a refused one must not create. */
interface Accepted {
  leads: Set<string>;
  pings: Set<string>;
  stripeEvents: Set<string>;
  sessions: number;
  signUps: number;
  /** Conversions recorded, and the leads and conversion ids that accepted conversion reports touched. */
  conversions: Set<string>;
  conversionLeads: Set<string>;
  conversionIds: Set<string>;
  /** Corrections applied (reversals, amount changes): one ConversionAdjustment and one timeline line each. */
  adjustments: number;
  /** Early reversals kept, by (conversion id, reversal key): new ones are rows. */
  pendingReversals: Set<string>;
  /** Disputes opened (returns, inquiries, conversion disputes), and the leads whose timelines their steps write. */
  disputes: Set<string>;
  disputeLeads: Set<string>;
  /** Approved inquiries and conversion disputes: a conversion corrected, re-decided or reversed (one ConversionAdjustment each). */
  disputeAdjustments: number;
  /** Request kinds whose side rows (timeline, outbox, sale ...) may appear in this batch. */
  kinds: Set<keyof typeof MAY_ALSO_WRITE>;
}

/**
 * Besides their own row (Lead, Ping, StripeEvent, User + Company, Session, Conversion,
 * ConversionAdjustment, PendingConversionReversal), what accepted requests may write: a recorded
 * conversion its billing job's outbox row (no workers bill it), a correction a line on its lead's
 * timeline. A refused login or sign-up may write AuditLog and UserNotice (a lock after repeated failures is audited and its owner told).
 * A dispute's step (opened, answered, approved, withdrawn) writes a timeline line, an audit row, notices
 * and emails, and evidence; an approval moves money (a lead's sale or a conversion reversed, an
 * inquiry's conversion billed) and suppresses a returned lead's person for its buyer.
 */
const MAY_ALSO_WRITE = {
  lead: ["LeadEvent", "OutboxMessage"],
  post: ["LeadEvent", "OutboxMessage", "LeadSale", "JournalEntry", "Posting", "LedgerAccount", "OutboundDelivery", "OutboundAttempt"],
  ping: ["PingBid"],
  authForm: ["AuditLog", "UserNotice"],
  adminForm: ["AuditLog", "CompanyNote", "UserNotice"],
  conversion: ["OutboxMessage", "LeadEvent"],
  dispute: ["DisputeEvidence", "LeadEvent", "AuditLog", "UserNotice", "EmailOutbox", "JournalEntry", "Posting", "LedgerAccount", "Earning", "SuppressionEntry"],
} as const;

/** Tables whose rows each stand for one accepted request, counted exactly. */
const COUNTED = [
  "Lead",
  "Ping",
  "StripeEvent",
  "User",
  "Company",
  "Session",
  "ApiKey",
  "Conversion",
  "ConversionAdjustment",
  "PendingConversionReversal",
  "Dispute",
] as const;

/** The column that dates a row of a COUNTED table. */
const DATED_BY: Partial<Record<(typeof COUNTED)[number], string>> = {
  Lead: "receivedAt",
  StripeEvent: "receivedAt",
  Conversion: "receivedAt",
  PendingConversionReversal: "receivedAt",
};

/** Early reversals kept during the run, by (conversion id, reversal key): the database keeps each once. */
const keptEarlyReversals = new Set<string>();

const MACHINE_PATH = /^\/(api|webhooks)\//;

async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  const contentType = response.headers.get("content-type") ?? "";
  let json: unknown = null;
  if (contentType.includes("json")) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: response.status, contentType, location: response.headers.get("location"), setCookie: response.headers.get("set-cookie"), text, json };
}

async function send(request: FuzzRequest): Promise<Answer> {
  try {
    const response = await fetch(new URL(request.path, stack().appUrl), {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(30_000),
    });
    return await readAnswer(response);
  } catch (error) {
    // A header fetch refuses to send is a mistake in the generator; a dropped connection is the server's.
    if (error instanceof TypeError && !/fetch failed|terminated|other side closed/i.test(error.message)) throw error;
    const cause = (error as Error & { cause?: Error }).cause;
    return { status: 0, contentType: "", location: null, setCookie: null, text: `no answer: ${cause?.message ?? (error as Error).message}`, json: null };
  }
}

function newAccepted(): Accepted {
  return {
    leads: new Set(),
    pings: new Set(),
    stripeEvents: new Set(),
    sessions: 0,
    signUps: 0,
    conversions: new Set(),
    conversionLeads: new Set(),
    conversionIds: new Set(),
    adjustments: 0,
    pendingReversals: new Set(),
    disputes: new Set(),
    disputeLeads: new Set(),
    disputeAdjustments: 0,
    kinds: new Set(),
  };
}

function hasSessionCookie(answer: Answer): boolean {
  return /__leadex_session=[^;]+/.test(answer.setCookie ?? "") && !/__leadex_session=;/.test(answer.setCookie ?? "");
}

/** Books what an answered request stored, from its answer. */
function account(fuzz: FuzzCase, answer: Answer, accepted: Accepted) {
  if (fuzz.endpoint === "login" || fuzz.endpoint === "signup") accepted.kinds.add("authForm");
  if (fuzz.endpoint === "admin-company" || fuzz.endpoint === "admin-offer") accepted.kinds.add("adminForm");
  if (answer.status < 200 || answer.status >= 400) return;
  const body = answer.json ?? {};
  if ((fuzz.endpoint === "postback" || fuzz.endpoint === "post") && answer.status === 201 && typeof body.lead_id === "string") {
    accepted.leads.add(body.lead_id);
    accepted.kinds.add(fuzz.endpoint === "post" ? "post" : "lead");
  }
  if (fuzz.endpoint === "ping" && typeof body.ping_id === "string") {
    accepted.pings.add(body.ping_id);
    accepted.kinds.add("ping");
  }
  if (fuzz.endpoint === "stripe" && typeof body.eventId === "string" && body.result !== "duplicate") accepted.stripeEvents.add(body.eventId);
  if (fuzz.endpoint === "conversion") accountConversion(body, answer.status, accepted);
  if (DISPUTE_ENDPOINTS.has(fuzz.endpoint) && fuzz.method === "POST") accountDispute(fuzz, body, accepted);
  if (fuzz.endpoint === "login" && hasSessionCookie(answer)) accepted.sessions++;
  if (fuzz.endpoint === "signup" && hasSessionCookie(answer)) accepted.signUps++;
}

/**
 * What an accepted conversion report stored, from its answer: 202 with a Leadex id is a new
 * conversion, 202 "reversal_pending" an early reversal kept (once per conversion id and key), 201
 * a reversal applied, 200 without a reversal id and not a duplicate an amount changed.
 */
function accountConversion(body: any, status: number, accepted: Accepted) {
  accepted.kinds.add("conversion");
  if (typeof body.lead_id === "string") accepted.conversionLeads.add(body.lead_id);
  if (typeof body.leadex_conversion_id === "string") accepted.conversionIds.add(body.leadex_conversion_id);
  if (status === 202 && body.status === "reversal_pending") {
    const key = JSON.stringify([body.conversion_id, body.reversal_id]);
    if (!keptEarlyReversals.has(key)) accepted.pendingReversals.add(key);
  } else if (status === 202 && typeof body.leadex_conversion_id === "string") accepted.conversions.add(body.leadex_conversion_id);
  else if (status === 201 && typeof body.reversal_id === "string") accepted.adjustments++;
  else if (status === 200 && body.reversal_id === undefined && body.duplicate_request === false) accepted.adjustments++;
}

const DISPUTE_ENDPOINTS = new Set<FuzzCase["endpoint"]>([
  "return",
  "return-read",
  "inquiry",
  "conversion-dispute",
  "dispute-response",
  "dispute-withdraw",
  "dispute-read",
]);

/**
 * What an accepted dispute request stored, from its answer: a dispute opened (one return, each
 * return a list created, an inquiry, a conversion dispute); an answer that approved an inquiry
 * (a `missing` one records its conversion, the others correct or re-decide one) or a conversion
 * dispute (the conversion reversed); and the lead whose timeline each step writes.
 */
function accountDispute(fuzz: FuzzCase, body: any, accepted: Accepted) {
  accepted.kinds.add("dispute");
  const opened = (id: unknown, leadId: unknown) => {
    if (typeof id === "string") accepted.disputes.add(id);
    if (typeof leadId === "string") accepted.disputeLeads.add(leadId);
  };
  if (fuzz.endpoint === "return" && Array.isArray(body.results)) {
    for (const r of body.results) if (r.result === "created") opened(r.return_id, r.lead_id);
  } else if (fuzz.endpoint === "return") opened(body.id, body.lead_id);
  else if (fuzz.endpoint === "inquiry" || fuzz.endpoint === "conversion-dispute") opened(body.dispute_id, body.lead_id);
  else if (typeof body.lead_id === "string") accepted.disputeLeads.add(body.lead_id);
  if (fuzz.endpoint !== "dispute-response" || body.status !== "approved") return;
  if (body.kind === "conversion_inquiry" && body.reason_code === "missing") {
    accepted.conversions.add(body.conversion_id);
    accepted.conversionIds.add(body.conversion_id);
  } else if (body.kind === "conversion_inquiry" || body.kind === "conversion_dispute") accepted.disputeAdjustments++;
}

/** Sends a case (its ping first, when its body waits for a real bid token). */
async function sendCase(fuzz: FuzzCase, accepted: Accepted): Promise<Answer> {
  if (!fuzz.pingFirst) return send(fuzz);
  const pinged = await send(fuzz.pingFirst);
  if (pinged.status === 200 && typeof pinged.json?.ping_id === "string") {
    accepted.pings.add(pinged.json.ping_id);
    accepted.kinds.add("ping");
  }
  const token: string = pinged.json?.bid?.token ?? "";
  const body =
    typeof fuzz.body === "string"
      ? fuzz.body.replaceAll(BID_TOKEN_PLACEHOLDER, token)
      : fuzz.body && Uint8Array.from(Buffer.from(Buffer.from(fuzz.body).toString("latin1").replaceAll(BID_TOKEN_PLACEHOLDER, token), "latin1"));
  return send({ ...fuzz, body });
}

/** What is wrong with an answer, if anything. */
function problemsOf(fuzz: FuzzCase, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status === 0) problems.push("no answer (connection dropped)");
  if (answer.status >= 500) problems.push(`answered ${answer.status}`);
  if (MACHINE_PATH.test(fuzz.path) && answer.status >= 400 && answer.status < 500 && answer.contentType.includes("json")) {
    const error = answer.json?.error;
    if (!error || typeof error.code !== "string" || typeof error.message !== "string")
      problems.push(`answered ${answer.status} JSON without the {error:{code,message}} envelope`);
  }
  // A dispute's own 422 (return_window_closed, return_cap_reached ...) is named by its code; invalid_fields names the field.
  const namesField = fuzz.endpoint === "conversion" || (DISPUTE_ENDPOINTS.has(fuzz.endpoint) && answer.json?.error?.code === "invalid_fields");
  if (namesField && answer.status === 422) {
    const fields = answer.json?.error?.fields;
    if (!fields || typeof fields !== "object" || Object.keys(fields).length === 0) problems.push("answered 422 without naming the field");
  }
  if (fuzz.endpoint === "login" && answer.status >= 300 && answer.status < 400 && answer.location) {
    const target = new URL(answer.location, stack().appUrl);
    if (target.origin !== new URL(stack().appUrl).origin) problems.push(`login redirected off-site to ${answer.location}`);
  }
  return problems;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** Rows a batch created that its accepted requests do not account for. */
async function unaccountedRows(before: RowCounts, after: RowCounts, since: Date, accepted: Accepted): Promise<string[]> {
  const problems: string[] = [];
  const changes = rowChanges(before, after);
  const expected: Record<string, number> = {
    Lead: accepted.leads.size,
    Ping: accepted.pings.size,
    StripeEvent: accepted.stripeEvents.size,
    User: accepted.signUps,
    Company: accepted.signUps,
    Session: accepted.sessions + accepted.signUps,
    Conversion: accepted.conversions.size,
    ConversionAdjustment: accepted.adjustments + accepted.disputeAdjustments,
    PendingConversionReversal: accepted.pendingReversals.size,
    Dispute: accepted.disputes.size,
  };
  for (const key of accepted.pendingReversals) keptEarlyReversals.add(key);
  for (const table of COUNTED) {
    if ((changes[table] ?? 0) !== (expected[table] ?? 0)) {
      const column = DATED_BY[table] ?? "createdAt";
      const rows = await prisma.$queryRawUnsafe(`SELECT * FROM "${table}" WHERE "${column}" >= $1 ORDER BY "${column}" LIMIT 40`, since);
      problems.push(
        `${table}: ${changes[table] ?? 0} rows added, accepted requests account for ${expected[table] ?? 0}; added: ${JSON.stringify(rows).slice(0, 3000)}`,
      );
    }
  }
  const mayChange = new Set<string>([...COUNTED, ...[...accepted.kinds].flatMap((kind) => MAY_ALSO_WRITE[kind])]);
  for (const [table, change] of Object.entries(changes)) {
    if (!mayChange.has(table)) problems.push(`${table}: ${change > 0 ? "+" : ""}${change} rows, though no accepted request writes it`);
  }
  const leads = [...accepted.leads];
  const strayEvents = await prisma.leadEvent.findMany({
    where: {
      createdAt: { gte: since },
      leadId: { notIn: [...leads, ...accepted.disputeLeads] },
      NOT: { leadId: { in: [...accepted.conversionLeads] }, type: "conversion" },
    },
    take: 3,
  });
  if (strayEvents.length > 0) problems.push(`LeadEvent rows of no accepted lead or correction: ${JSON.stringify(strayEvents).slice(0, 400)}`);
  const corrections = await prisma.leadEvent.count({ where: { createdAt: { gte: since }, leadId: { in: [...accepted.conversionLeads] }, type: "conversion" } });
  if (corrections !== accepted.adjustments) problems.push(`${corrections} conversion lines on lead timelines for ${accepted.adjustments} corrections applied`);
  const strayBids = await prisma.pingBid.findMany({ where: { createdAt: { gte: since }, pingId: { notIn: [...accepted.pings] } }, take: 3 });
  if (strayBids.length > 0) problems.push(`PingBid rows of no accepted ping: ${JSON.stringify(strayBids).slice(0, 400)}`);
  const outbox = await prisma.outboxMessage.findMany({ where: { createdAt: { gte: since } }, select: { key: true } });
  const owners = [...leads, ...accepted.conversionIds];
  const strayOutbox = outbox.filter(({ key }) => !owners.some((id) => key.includes(id)));
  if (strayOutbox.length > 0)
    problems.push(
      `OutboxMessage rows of no accepted lead or conversion: ${strayOutbox
        .slice(0, 3)
        .map((m) => m.key)
        .join(", ")}`,
    );
  return problems;
}

async function prepareMarket(): Promise<FuzzContext> {
  const { appUrl, emulator, env } = stack();
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor);
  const typedOffer = await makeOffer(affiliate.actor, {
    title: "Moving quotes",
    fields: [
      ...CONTACT_FIELDS,
      { name: "age", type: "number", required: false, min: 18, max: 120 },
      { name: "home_owner", type: "boolean", required: false },
      { name: "coverage", type: "enum", required: false, options: ["Basic", "Full"] },
      { name: "move_date", type: "date", required: false, min: "2025-01-01" },
    ],
  });
  const advertiser = await makeAdvertiser();
  await makeOrder(advertiser.actor, offer.id, { priceCents: 3000 });
  await fundWallet(advertiser.actor, 5_000_000, emulator);
  const loginUser = await makeAffiliate();
  // The admin console's forms act on a company and an offer of their own: suspending them stops nothing else.
  const moderated = await makeAffiliate();
  const moderatedOffer = await makeOffer(moderated.actor);
  const admin = await makeAdmin();

  // One lead sold through ping-post, so the pull API has a page and a cursor.
  const api = (path: string, key: string, body?: unknown) =>
    fetch(new URL(path, appUrl), {
      method: body ? "POST" : "GET",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    }).then((r) => r.json());
  const pinged = await api("/api/v1/ping", affiliate.apiKey, { offer_id: offer.id, state: "CA", postal_code: "94107" });
  const sold = await api("/api/v1/post", affiliate.apiKey, {
    token: pinged.bid.token,
    offer_id: offer.id,
    lead_id: "fuzz-setup-1",
    first_name: "Ada",
    email: "ada.setup@example.com",
    phone: "(415) 555-2671",
    state: "CA",
    postal_code: "94107",
  });
  expect(sold.status).toBe("sold");
  const page = await api("/api/v1/advertiser/leads?limit=1", advertiser.apiKey);
  expect(page.next).toEqual(expect.any(String));

  // A lead the advertiser bought on CPA terms and one on CPS terms (sold in this process: no
  // workers), one nobody bought, and conversions on the first two to reverse or correct.
  const cpaOffer = await makeOffer(affiliate.actor, { title: "Loan applications", pricingModel: "CPA", priceCents: 0, conversionEvents: CPA_EVENTS });
  const cpsOffer = await makeOffer(affiliate.actor, { title: "Solar sales", pricingModel: "CPS", priceCents: 0, salePercentBps: 1250, conversionEvents: [] });
  await makeOrder(advertiser.actor, cpaOffer.id, { priceCents: undefined });
  await makeOrder(advertiser.actor, cpsOffer.id, { priceCents: undefined });
  const cpaLeadId = await leadSoldInProcess(appUrl, affiliate.apiKey, cpaOffer.id);
  const cpsLeadId = await leadSoldInProcess(appUrl, affiliate.apiKey, cpsOffer.id);
  const unbought = await api("/api/v1/leads", affiliate.apiKey, { offer_id: offer.id, lead_id: "fuzz-setup-unbought", ...leadFields() });
  const occurredAt = new Date().toISOString();
  const report = async (body: Record<string, string>) => {
    const answer = await api("/api/v1/conversions", advertiser.apiKey, body);
    expect(answer.status, JSON.stringify(answer)).toBe("received");
    return answer.conversion_id as string;
  };
  const cpaConversionIds: string[] = [];
  const cpsConversionIds: string[] = [];
  for (let i = 0; i < 16; i++) {
    cpaConversionIds.push(await report({ conversion_id: `setup-cpa-${i}`, lead_id: cpaLeadId, event: "funded", occurred_at: occurredAt }));
    cpsConversionIds.push(await report({ conversion_id: `setup-cps-${i}`, lead_id: cpsLeadId, amount: "1000.00", occurred_at: occurredAt }));
  }

  const disputes = await prepareDisputeMarket(stack(), {
    affiliate,
    advertiser,
    cplOfferId: offer.id,
    cpaOfferId: cpaOffer.id,
    cpsOfferId: cpsOffer.id,
  });

  return {
    appUrl,
    affiliateKey: affiliate.apiKey,
    advertiserKey: advertiser.apiKey,
    affiliateCompanyId: affiliate.actor.companyId,
    offerId: offer.id,
    typedOfferId: typedOffer.id,
    soldLeadId: sold.lead_id,
    pullCursor: page.next,
    cpaLeadId,
    cpsLeadId,
    unboughtLeadId: unbought.lead_id,
    occurredAt,
    cpaConversionIds,
    cpsConversionIds,
    loginEmail: loginUser.email,
    loginPassword: loginUser.password,
    stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET,
    bidTokenSecret: env.BID_TOKEN_SECRET,
    disputes,
    admin: { cookie: await signIn(appUrl, admin.email, admin.password), companyId: moderated.actor.companyId, offerId: moderatedOffer.id },
  };
}

const REQUEST_LINE = /^\[web\] (GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH) \S+ \d{3} /;

/** The server's log lines (other than request lines) written while `fuzz` is sent alone. */
async function serverLogFor(fuzz: FuzzCase): Promise<{ answer: Answer; log: string[] }> {
  const file = stack().logFile;
  const start = fs.statSync(file).size;
  const answer = await sendCase(fuzz, newAccepted());
  const requests = fuzz.pingFirst ? 2 : 1;
  let lines: string[] = [];
  // The children's output reaches the log file through a pipe: wait for the request line.
  for (let waited = 0; waited < 2000; waited += 20) {
    lines = fs.readFileSync(file).subarray(start).toString("utf8").split("\n");
    if (lines.filter((line) => REQUEST_LINE.test(line)).length >= requests) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { answer, log: lines.filter((line) => line.trim() && !REQUEST_LINE.test(line)) };
}

interface RunResult {
  failures: Failure[];
  /** Batches that stored rows their accepted requests do not account for. */
  storage: string[];
  /** Answers by endpoint and status, and 4xx answers of machine endpoints that are not JSON. */
  statuses: Map<string, Map<number, number>>;
  notJson: Map<string, string>;
  sent: number;
  seconds: number;
}

/** Sends the cases in batches, checking every answer and, after each batch, every table's rows. */
async function sendInBatches(cases: ReadonlyArray<{ fuzz: FuzzCase; index: number }>): Promise<RunResult> {
  const result: RunResult = { failures: [], storage: [], statuses: new Map(), notJson: new Map(), sent: 0, seconds: 0 };
  const started = performance.now();
  for (let from = 0; from < cases.length; from += BATCH_SIZE) {
    const batch = cases.slice(from, from + BATCH_SIZE);
    const accepted = newAccepted();
    let refused = 0;
    const before = await countRows();
    const since = new Date();
    await inParallel(batch, ONLY ? 1 : IN_FLIGHT, async ({ fuzz, index }) => {
      const answer = await sendCase(fuzz, accepted);
      result.sent += fuzz.pingFirst ? 2 : 1;
      account(fuzz, answer, accepted);
      if (answer.status < 200 || answer.status >= 400) refused++;
      const byStatus = result.statuses.get(fuzz.label) ?? new Map<number, number>();
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      result.statuses.set(fuzz.label, byStatus);
      if (MACHINE_PATH.test(fuzz.path) && answer.status >= 400 && answer.status < 500 && !answer.contentType.includes("json")) {
        result.notJson.set(`${fuzz.label} ${answer.status}`, `case ${index}: ${headlineOf(answer).slice(0, 100)}`);
      }
      if (ONLY) console.log(`${reproducer(index, fuzz, REPRODUCE)}\n  → ${answer.status} ${answer.text.slice(0, 2000)}`);
      for (const problem of problemsOf(fuzz, answer)) result.failures.push({ index, fuzz, problem, status: answer.status, headline: headlineOf(answer) });
    });
    const unaccounted = await unaccountedRows(before, await countRows(), since, accepted);
    if (unaccounted.length > 0) {
      const labels = [...new Set(batch.map((b) => b.fuzz.label))].join(", ");
      result.storage.push(
        `batch of cases ${batch[0].index}…: ${unaccounted.join("; ")}\n  refused in this batch: ${refused} of ${batch.length} requests (${labels})`,
      );
    }
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function summary(run: RunResult): string {
  const byLabel = [...run.statuses.entries()].map(
    ([label, byStatus]) =>
      `  ${label}: ${[...byStatus.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}×${n}`)
        .join(" ")}`,
  );
  const notJson = [...run.notJson.entries()].map(([what, example]) => `  ${what} (${example})`);
  return [
    `fuzz: ${run.sent} requests in ${run.seconds.toFixed(1)} s (${Math.round(run.sent / run.seconds)}/s), seed ${SEED}`,
    ...byLabel,
    ...(notJson.length > 0 ? ["machine endpoints' 4xx answers that are not JSON:", ...notJson] : []),
  ].join("\n");
}

describe("hostile input", () => {
  it(
    "10,000 generated hostile requests to every machine endpoint the login and sign-up forms and the admin console's moderation forms get no 5xx and store nothing when refused",
    { timeout: 900_000 },
    async () => {
      const ctx = await prepareMarket();
      // About one case in nine goes to the returns and disputes endpoints.
      const every = fc.oneof({ weight: 89, arbitrary: fuzzCase(ctx) }, { weight: 11, arbitrary: disputeFuzzCase(ctx) });
      const generated = fc.sample(every, { seed: SEED, numRuns: ONLY ? Math.max(...ONLY) + 1 : RUNS });
      const chosen = generated
        .map((fuzz, index) => ({ fuzz, index }))
        .filter(({ fuzz, index }) => (!ONLY || ONLY.includes(index)) && (!ENDPOINTS || ENDPOINTS.has(fuzz.endpoint)));
      // Stable: within a phase the generated order is kept.
      const ordered = [...chosen].sort((a, b) => a.fuzz.phase - b.fuzz.phase);
      const adminsBefore = await prisma.user.count({ where: { role: "ADMIN" } });

      const run = await sendInBatches(ordered);
      console.log(summary(run));

      const problems: string[] = [];
      if (run.failures.length > 0) {
        const logged = loggedErrorSummary(fs.readFileSync(stack().logFile, "utf8").split("\n"));
        problems.push(await failureReport(run.failures, serverLogFor, REPRODUCE));
        problems.push(`Errors the web server logged during the run (some belong to 4xx answers):\n${logged}`);
      }
      if (run.storage.length > 0) problems.push(`Rows stored that no accepted request accounts for (reproduce: ${REPRODUCE}):\n${run.storage.join("\n")}`);
      const adminsAfter = await prisma.user.count({ where: { role: "ADMIN" } });
      if (adminsAfter !== adminsBefore) problems.push(`Sign-up created ${adminsAfter - adminsBefore} admin accounts`);
      if (problems.length > 0) expect.fail(problems.join("\n\n"));
      if (!ONLY && !ENDPOINTS) expect(chosen.length).toBe(RUNS);
    },
  );
});
