import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CodeBlock } from "~/components/copy-button";
import { DataTable } from "~/components/data-table";
import { formatDateTime, humanize } from "~/components/format";
import { OfferTerms } from "~/components/offer-terms";
import { PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import type { OfferField } from "~/modules/offers/offers.schema";
import { getOwnOffer } from "~/modules/offers/offers.server";
import { getEnv } from "~/utils/env.server";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.offer.title ?? "Offer"} · Leadex` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const offer = await orNotFound(getOwnOffer(actor, params.offerId ?? ""));
  return { offer, postbackUrl: `${getEnv().APP_URL.replace(/\/+$/, "")}/api/v1/leads` };
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
};

/** A lead that passes this offer's field checks, for the examples. */
function sampleLead(offer: { id: string; fields: OfferField[]; states: string[] }): Array<[string, string]> {
  const fields = offer.fields.map((f): [string, string] => {
    // Geo-limited offers: use a state they take.
    if (f.type === "state" && offer.states.length > 0 && !offer.states.includes("CA")) return [f.name, offer.states[0]];
    return [f.name, SAMPLE_BY_NAME[f.name] ?? SAMPLE_BY_TYPE[f.type]];
  });
  return [["offer_id", offer.id], ["lead_id", "your-lead-id-1001"], ["s1", "campaign-a"], ...fields];
}

function curlPost(url: string, record: Array<[string, string]>): string {
  const body = JSON.stringify(Object.fromEntries(record), null, 2);
  return [
    `curl -X POST '${url}' \\`,
    `  -H 'Authorization: Bearer YOUR_API_KEY' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${body}'`,
  ].join("\n");
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
        </section>
        <section className="card">
          <h2>Lead fields</h2>
          <DataTable
            rows={offer.fields}
            head={
              <>
                <th>Name</th>
                <th>Type</th>
                <th>Required</th>
              </>
            }
            row={(f) => (
              <tr key={f.name}>
                <td>
                  <code>{f.name}</code>
                </td>
                <td>{humanize(f.type)}</td>
                <td>{f.required ? "Required" : "Optional"}</td>
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
          Send each lead once with your own <code>lead_id</code>; a retry with the same id returns the first lead and
          changes nothing. <code>s1</code>…<code>s5</code> are your sub-ids. Authenticate with an{" "}
          <Link to="/affiliate/api-keys">API key</Link> in <code>Authorization: Bearer …</code> (or <code>api_key</code> in
          the query string). JSON and form-encoded bodies are both accepted.
        </p>
        <CodeBlock title="POST (JSON)" code={curlPost(postbackUrl, record)} />
        <CodeBlock title="GET (query string)" code={curlGet(postbackUrl, record)} />
        <CodeBlock title="Answer" code={RESPONSE_EXAMPLE} copy={false} />
      </section>
    </>
  );
}
