import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CodeBlock } from "~/components/copy-button";
import { DataTable } from "~/components/data-table";
import { formatDateTime, humanize } from "~/components/format";
import { OfferTerms } from "~/components/offer-terms";
import { PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { type OfferField } from "~/modules/offers/offers.schema";
import { MAX_STRING_LENGTH } from "~/modules/offers/offers.constants";
import type { OfferQualityRules } from "~/modules/quality/quality.schema";
import { getOwnOffer } from "~/modules/offers/offers.server";
import { publicUrl } from "~/utils/env.server";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.offer.title ?? "Offer"} · Leadex` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const offer = await orNotFound(getOwnOffer(actor, params.offerId ?? ""));
  return { offer, postbackUrl: publicUrl("/api/v1/leads") };
}

const SAMPLE_BY_NAME: Record<string, string> = {
  first_name: "Ada",
  last_name: "Lovelace",
  email: "ada@example.com",
  phone: "(415) 555-2671",
  state: "CA",
  postal_code: "94107",
};

const SAMPLE_BY_TYPE: Record<OfferField["type"], string> = {
  string: "example",
  email: "ada@example.com",
  phone: "(415) 555-2671",
  state: "CA",
  postal_code: "94107",
  number: "1",
  enum: "",
  boolean: "true",
  date: "2025-01-31",
};

function sampleValue(f: OfferField): string {
  if (f.type === "enum") return f.options?.[0] ?? "";
  if ((f.type === "number" || f.type === "date") && f.min !== undefined) return String(f.min);
  return SAMPLE_BY_NAME[f.name] ?? SAMPLE_BY_TYPE[f.type];
}

/** A lead that passes this offer's field checks, for the examples. */
function sampleLead(offer: { id: string; fields: OfferField[]; states: string[]; qualityRules: OfferQualityRules }): Array<[string, string]> {
  const fields = offer.fields.map((f): [string, string] => {
    // Geo-limited offers: use a state they take.
    if (f.type === "state" && offer.states.length > 0 && !offer.states.includes("CA")) return [f.name, offer.states[0]];
    return [f.name, sampleValue(f)];
  });
  const rules = offer.qualityRules;
  const consent: Array<[string, string]> = rules.requireConsent
    ? [
        ["consent_text", "I agree to be contacted about quotes."],
        ["consent_at", "2025-01-31T14:05:00Z"],
      ]
    : [];
  if (rules.requireConsentCertificate) consent.push(["consent_cert_url", "https://cert.trustedform.com/0123456789abcdef"]);
  const signals: Array<[string, string]> = rules.minFormFillSeconds > 0 ? [["time_on_form", String(rules.minFormFillSeconds + 30)]] : [];
  return [["offer_id", offer.id], ["lead_id", "your-lead-id-1001"], ["s1", "campaign-a"], ...fields, ...consent, ...signals];
}

/** An enum's values or a number/date/string bound, in words. */
function fieldRule(f: OfferField): string {
  if (f.type === "enum") return `One of: ${(f.options ?? []).join(", ")}`;
  if (f.type === "boolean") return "true / false (also 1/0, yes/no)";
  const range = [f.min !== undefined ? `from ${f.min}` : null, f.max !== undefined ? `to ${f.max}` : null].filter(Boolean).join(" ");
  if (f.type === "date") return `yyyy-mm-dd${range ? `, ${range}` : ""}`;
  if (f.type === "string") return `At most ${f.maxLength ?? MAX_STRING_LENGTH} characters`;
  return range ? range[0].toUpperCase() + range.slice(1) : "";
}

const days = (n: number) => (n === 0 ? "off" : `${n} days`);
const limit = (n: number, per: string) => (n === 0 ? "no limit" : `${n} per ${per}`);

function QualityRules({ rules, distribution }: { rules: OfferQualityRules; distribution: string }) {
  return (
    <dl className="details" data-testid="quality-rules">
      <dt>Distribution</dt>
      <dd>{humanize(distribution)}</dd>
      <dt>Duplicate window</dt>
      <dd>
        this offer: {days(rules.duplicateWindowDays)}; other offers: {days(rules.crossOfferDuplicateWindowDays)}
      </dd>
      <dt>Velocity</dt>
      <dd>
        {limit(rules.maxLeadsPerAffiliatePerHour, "hour from you")}; {limit(rules.maxLeadsPerIpPerDay, "day per consumer IP")}
      </dd>
      <dt>Minimum form-fill time</dt>
      <dd>{rules.minFormFillSeconds === 0 ? "off" : `${rules.minFormFillSeconds} s (time_on_form)`}</dd>
      <dt>Consent</dt>
      <dd>
        {rules.requireConsent ? "required (consent_text, consent_at)" : "not required"}
        {rules.requireConsentCertificate ? "; certificate URL required (consent_cert_url)" : ""}
      </dd>
      <dt>Email</dt>
      <dd>
        disposable domains {rules.rejectDisposableEmail ? "rejected" : "accepted"}; role accounts {rules.rejectRoleEmail ? "rejected" : "accepted"}
      </dd>
      <dt>Phone types</dt>
      <dd>{rules.allowedPhoneTypes.length === 0 ? "any valid number" : rules.allowedPhoneTypes.map(humanize).join(", ")}</dd>
      <dt>Score thresholds</dt>
      <dd>
        accepted from {rules.acceptScore}; rejected below {rules.rejectScore}; held for review in between
      </dd>
    </dl>
  );
}

function curlPost(url: string, record: Array<[string, string]>): string {
  const body = JSON.stringify(Object.fromEntries(record), null, 2);
  return [`curl -X POST '${url}' \\`, `  -H 'Authorization: Bearer YOUR_API_KEY' \\`, `  -H 'Content-Type: application/json' \\`, `  -d '${body}'`].join("\n");
}

function curlGet(url: string, record: Array<[string, string]>): string {
  const query = new URLSearchParams([["api_key", "YOUR_API_KEY"], ...record]);
  return `curl '${url}?${query.toString()}'`;
}

const RESPONSE_EXAMPLE = `HTTP/1.1 201 Created
{
  "lead_id": "cm…",
  "affiliate_lead_id": "your-lead-id-1001",
  "status": "received",
  "reasons": [],
  "duplicate_request": false
}`;

export default function AffiliateOffer() {
  const { offer, postbackUrl } = useLoaderData<typeof loader>();
  const record = sampleLead(offer);
  return (
    <>
      <PageHeader
        title={offer.title}
        description={
          <>
            Offer id <code>{offer.id}</code> · created {formatDateTime(offer.createdAt)}
          </>
        }
        actions={<StatusBadge status={offer.status} />}
      />
      <div className="grid-2">
        <section className="card">
          <h2>Terms</h2>
          <OfferTerms offer={offer} />
          <h2>Quality rules</h2>
          <QualityRules rules={offer.qualityRules} distribution={offer.distribution} />
        </section>
        <section className="card">
          <h2>Lead fields</h2>
          <DataTable
            stackOnPhone
            rows={offer.fields}
            head={
              <>
                <th>Name</th>
                <th>Type</th>
                <th>Required</th>
                <th>Allowed values</th>
              </>
            }
            row={(f) => (
              <tr key={f.name}>
                <td data-label="Name">
                  <code>{f.name}</code>
                </td>
                <td data-label="Type">{humanize(f.type)}</td>
                <td data-label="Required">{f.required ? "Required" : "Optional"}</td>
                <td data-label="Allowed values">{fieldRule(f)}</td>
              </tr>
            )}
          />
        </section>
      </div>

      <section className="card">
        <h2>Post leads to this offer</h2>
        <p>
          Postback URL: <code data-testid="postback-url">{postbackUrl}</code>
        </p>
        <p className="muted">
          Send each lead once with your own <code>lead_id</code>; a retry with the same id returns the first lead and changes nothing. <code>s1</code>…
          <code>s5</code> are your sub-ids. Authenticate with an <Link to="/affiliate/api-keys">API key</Link> in <code>Authorization: Bearer …</code> (or{" "}
          <code>api_key</code> in the query string). JSON and form-encoded bodies are both accepted. Consent goes in <code>consent_text</code>,{" "}
          <code>consent_at</code> (ISO 8601) and <code>consent_cert_url</code>; activity in <code>time_on_form</code> (seconds) and <code>pages_viewed</code>.
          Add <code>test=true</code> to see what would happen to a lead without storing it.
        </p>
        <CodeBlock title="POST (JSON)" code={curlPost(postbackUrl, record)} />
        <CodeBlock title="GET (query string)" code={curlGet(postbackUrl, record)} />
        <CodeBlock title="Answer" code={RESPONSE_EXAMPLE} copy={false} />
      </section>
    </>
  );
}
