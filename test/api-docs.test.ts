import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { API_ERROR_CODES } from "~/modules/api-docs/openapi";
import { CONVERSION_REFUSALS, conversionReportSchema } from "~/modules/conversions/conversions.schema";
import { decideConversion } from "~/modules/conversions/conversion-decisions.server";
import { openConversionDispute } from "~/modules/disputes/conversion-disputes.server";
import { openInquiry } from "~/modules/disputes/conversion-inquiries.server";
import { personHash } from "~/modules/quality/person-hash.server";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { deliveredLead, makeConversionMarket, postConversion, settledConversion } from "./support/conversions";
import { makeMarket, postAndSettle } from "./support/selling";
import { useTestStack } from "./support/app";
import { extractDocExamples, runDocExample } from "./support/doc-examples";

// docs/api.md is exact: every `# expect` example runs against the real app, and the reason and
// error codes it lists are the ones the OpenAPI document (built from the code) lists.

const stack = useTestStack({ workers: true });
const root = path.resolve(__dirname, "..");
const apiDoc = readFileSync(path.join(root, "docs/api.md"), "utf8");
const examples = extractDocExamples("docs/api.md", apiDoc);

const POST_EMAIL = "linus@example.com";
const POST_PHONE = "+14155552674";
const env: Record<string, string> = {};

beforeAll(async () => {
  const market = await makeMarket(stack());
  const bought = await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id);
  expect(bought.status).toBe("SOLD");
  // An advertiser buying on CPA (application $15, funded $120) and CPS (10%, $5 to $200 per sale) terms, with a lead delivered on each.
  const cpa = await makeConversionMarket(stack());
  const cpsOffer = await makeOffer(cpa.affiliate.actor, {
    title: "Solar sales",
    pricingModel: "CPS",
    priceCents: 0,
    salePercentBps: 1000,
    saleMinCents: 500,
    saleMaxCents: 20_000,
  });
  await makeOrder(cpa.buyer.actor, cpsOffer.id, { priceCents: undefined });
  const cpaLead = await deliveredLead(stack(), cpa);
  const cpsLead = await deliveredLead(stack(), { affiliate: cpa.affiliate, offer: cpsOffer });
  // For the disputes examples: two billed conversions the buyer approved (one to dispute in the
  // doc, one disputed here), and an inquiry of the seller's awaiting the buyer's answer.
  const approvedConversion = async (body: Record<string, string>) => {
    const answer = await postConversion(stack().appUrl, cpa.buyer.apiKey, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    const billed = await settledConversion(answer.body.leadex_conversion_id);
    await decideConversion(cpa.buyer.actor, billed.id, "approve", "");
    return body.conversion_id;
  };
  const disputable = await approvedConversion({ lead_id: cpsLead.id, conversion_id: "order-7001", amount: "300.00" });
  const disputed = await approvedConversion({ lead_id: cpaLead.id, conversion_id: "app-7002", event: "application" });
  const conversionDispute = await openConversionDispute(cpa.buyer.actor, { conversion_id: disputed, reason: "cancelled", note: "Application withdrawn" });
  const inquiry = await openInquiry(cpa.affiliate.actor, {
    lead_id: cpaLead.id,
    reason: "missing",
    event: "application",
    occurred_at: new Date().toISOString(),
    order_ref: "app-7003",
  });
  Object.assign(env, {
    CONVERSIONS_API_KEY: cpa.buyer.apiKey,
    CPA_LEAD_ID: cpaLead.id,
    CPS_LEAD_ID: cpsLead.id,
    SELLER_API_KEY: cpa.affiliate.apiKey,
    DISPUTABLE_CONVERSION_ID: disputable,
    CONVERSION_DISPUTE_ID: conversionDispute.id,
    INQUIRY_ID: inquiry.id,
    APP_URL: stack().appUrl,
    LEADEX_API_KEY: market.affiliate.apiKey,
    OFFER_ID: market.offer.id,
    LEAD_ID: bought.id,
    ADVERTISER_API_KEY: market.buyer.apiKey,
    PING_EMAIL_HASH: personHash(POST_EMAIL),
    PING_PHONE_HASH: personHash(POST_PHONE),
  });
});

/** A ping of the data the doc's post examples send: its bid token is $BID_TOKEN. */
async function pingForBidToken(): Promise<string> {
  const response = await fetch(new URL("/api/v1/ping", env.APP_URL), {
    method: "POST",
    headers: { authorization: `Bearer ${env.LEADEX_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ offer_id: env.OFFER_ID, state: "CA", postal_code: "94107", email_hash: env.PING_EMAIL_HASH, phone_hash: env.PING_PHONE_HASH }),
  });
  const body = (await response.json()) as { bid: { token: string } | null; reasons: string[] };
  if (!body.bid) throw new Error(`the ping got no bid: ${JSON.stringify(body)}`);
  return body.bid.token;
}

async function openApi(): Promise<any> {
  const response = await fetch(new URL("/api/v1/openapi.json", stack().appUrl));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  return response.json();
}

/** Backticked codes in the given column of every markdown table of the doc that has that column. */
function codesInColumn(markdown: string, columns: string[]): Set<string> {
  const codes = new Set<string>();
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith("|") || !lines[i + 1]?.startsWith("| ---")) continue;
    const header = lines[i].split("|").map((c) => c.trim());
    const at = header.findIndex((c) => columns.includes(c));
    if (at < 0) continue;
    for (let j = i + 2; lines[j]?.startsWith("|"); j++) {
      const cell = lines[j].split("|")[at] ?? "";
      for (const match of cell.matchAll(/`([a-z_]+)`/g)) codes.add(match[1]);
    }
  }
  return codes;
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

describe("docs/api.md examples", () => {
  it("has an example for each kind of call the API reference promises", () => {
    const statuses = examples.map((e) => e.expectStatus);
    expect(examples.length).toBeGreaterThanOrEqual(15);
    for (const status of [200, 201, 202, 401, 403, 404, 409, 422]) expect(statuses).toContain(status);
    for (const pathname of ["/api/v1/leads", "/api/v1/ping", "/api/v1/post", "/api/v1/advertiser/leads", "/api/v1/conversions", "/api/v1/openapi.json"]) {
      expect(examples.some((e) => e.command.includes(`$APP_URL${pathname}`))).toBe(true);
    }
    for (const example of examples) expect(example.command, `line ${example.line}`).not.toMatch(/\|/);
  });

  for (const example of examples) {
    const what = example.command.replace(/\s+/g, " ").slice(0, 90);
    it(`line ${example.line} answers ${example.expectStatus}: ${what}`, async () => {
      if (example.command.includes("$BID_TOKEN") && !env.BID_TOKEN) env.BID_TOKEN = await pingForBidToken();
      const answer = await runDocExample(example, env);
      expect(answer.status, answer.body).toBe(example.expectStatus);
      expect(() => JSON.parse(answer.body), answer.body).not.toThrow();
    });
  }
});

describe("the OpenAPI document", () => {
  it("is served as OpenAPI 3.1 JSON without a key, with the app as its server", async () => {
    const document = await openApi();
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.servers).toEqual([{ url: stack().appUrl }]);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["apiKeyHeader", "apiKeyQuery", "bearer"]);
  });

  it("lists every path the app serves under /api/v1, and the Stripe webhook", async () => {
    const document = await openApi();
    const routePaths = readdirSync(path.join(root, "app/routes"))
      .filter((file) => file.startsWith("api.v1."))
      .map((file) =>
        `/${file.replace(/\.tsx?$/, "")}`
          .replace(/\[\.\]/g, "\u0000")
          .replace(/\./g, "/")
          .replace(/\u0000/g, ".")
          .replace(/\/\$(\w+)/g, "/{$1}"),
      );
    expect(routePaths).toContain("/api/v1/openapi.json");
    const documented = Object.keys(document.paths);
    expect(sorted(documented.filter((p) => p.startsWith("/api/v1/")))).toEqual(sorted(routePaths));
    expect(documented).toContain("/webhooks/stripe");
  });

  it("describes the postback envelope with every key the postback takes", async () => {
    const document = await openApi();
    const envelope = document.components.schemas.PostbackEnvelope;
    expect(envelope.required).toEqual(["offer_id", "lead_id"]);
    for (const key of [
      "offer_id",
      "lead_id",
      "s1",
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
    ]) {
      expect(envelope.properties, key).toHaveProperty(key);
      expect(apiDoc, key).toContain(`\`${key}\``);
    }
  });

  it("describes the conversion report with every key the schema takes, and lists its refusal codes and statuses as docs/api.md does", async () => {
    const document = await openApi();
    const report = document.components.schemas.ConversionReport;
    expect(sorted(Object.keys(report.properties).filter((k) => k !== "api_key"))).toEqual(sorted(Object.keys(conversionReportSchema.shape)));
    // adv2 … adv4 are written as the range "`adv1` … `adv5`".
    for (const key of Object.keys(conversionReportSchema.shape).filter((k) => !/^adv[2-4]$/.test(k))) expect(apiDoc, key).toContain(`\`${key}\``);
    expect(sorted(document.components.schemas.ConversionRefusalCode.enum)).toEqual(sorted(Object.keys(CONVERSION_REFUSALS)));
    const documented = codesInColumn(apiDoc, ["code"]);
    for (const code of Object.keys(CONVERSION_REFUSALS)) expect(documented.has(code), code).toBe(true);
    expect(sorted(codesInColumn(apiDoc, ["conversion status"]))).toEqual(sorted(document.components.schemas.ConversionStatus.enum));
    // Each refusal's status in the doc's table is the one the code answers with.
    for (const line of apiDoc.split("\n")) {
      const row = /^\| (\d{3}) \| `([a-z_]+)` \|/.exec(line);
      if (row && row[2] in CONVERSION_REFUSALS) expect(Number(row[1]), row[2]).toBe(CONVERSION_REFUSALS[row[2] as keyof typeof CONVERSION_REFUSALS]);
    }
  });

  it("lists exactly the reason codes docs/api.md lists", async () => {
    const document = await openApi();
    const inDocument = [...document.components.schemas.LeadReasonCode.enum, ...document.components.schemas.PingNoBidReason.enum];
    expect(sorted(codesInColumn(apiDoc, ["reason", "reason code"]))).toEqual(sorted(inDocument));
  });

  it("lists exactly the error codes docs/api.md lists", async () => {
    const document = await openApi();
    expect(sorted(document.components.schemas.ErrorCode.enum)).toEqual(sorted(API_ERROR_CODES));
    expect(sorted(codesInColumn(apiDoc, ["code"]))).toEqual(sorted(API_ERROR_CODES));
  });

  it("lists every lead status docs/api.md lists", async () => {
    const document = await openApi();
    expect(sorted(codesInColumn(apiDoc, ["status"]).values()).filter((s) => /^[a-z]/.test(s))).toEqual(sorted(document.components.schemas.LeadStatus.enum));
  });

  it("knows every reason code the lead checks and the pipeline write", async () => {
    const document = await openApi();
    const sources = [
      ...readdirSync(path.join(root, "app/modules/quality/checks")).map((f) => path.join("app/modules/quality/checks", f)),
      "app/modules/leads/lead-pipeline.server.ts",
    ].map((file) => readFileSync(path.join(root, file), "utf8"));
    const written = new Set<string>();
    for (const source of sources) {
      for (const match of source.matchAll(/\b(?:fail|hold)\(\s*[\w"]+,\s*(?:[\w ?:]+\?\s*)?"([a-z_]+)"(?:\s*:\s*"([a-z_]+)")?/g)) {
        written.add(match[1]);
        if (match[2]) written.add(match[2]);
      }
      for (const match of source.matchAll(/reasons: \["([a-z_]+)"\]/g)) written.add(match[1]);
      for (const match of source.matchAll(/\? \["([a-z_]+)"\]/g)) written.add(match[1]);
    }
    expect(written.size).toBeGreaterThanOrEqual(17);
    const documented = new Set(document.components.schemas.LeadReasonCode.enum);
    expect([...written].filter((code) => !documented.has(code))).toEqual([]);
  });
});
