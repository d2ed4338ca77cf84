import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CodeBlock } from "~/components/copy-button";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { curlGet, curlPost, ERROR_RESPONSE_EXAMPLE, RESPONSE_EXAMPLE, sampleLead, TEST_RESPONSE_EXAMPLE } from "~/modules/leads/postback-examples";
import { getSendLeadsView } from "~/modules/offers/own-offer-views.server";
import { publicUrl } from "~/utils/env.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Send leads · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const view = await getSendLeadsView(actor);
  const asked = new URL(request.url).searchParams.get("offer");
  const chosen = view.offers.find((o) => o.id === asked) ?? view.offers.find((o) => o.refusal === null) ?? view.offers[0] ?? null;
  return { ...view, chosen, postbackUrl: publicUrl("/api/v1/leads"), openApiUrl: publicUrl("/api/v1/openapi.json") };
}

export default function SendLeads() {
  const { offers, chosen, hasApiKey, postbackUrl, openApiUrl } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Send leads"
        description="Your server posts each lead to Leadex. (The other direction, Leadex calling your server when a lead is sold or returned, is Postbacks to you.)"
        actions={
          <Link to="/affiliate/postbacks" className="button button-ghost">
            Postbacks to you
          </Link>
        }
      />
      {hasApiKey ? null : (
        <p className="alert alert-warning" role="status">
          You have no API key yet: <Link to="/affiliate/api-keys">create one</Link> first. Every lead you send is signed with it.
        </p>
      )}
      <section className="card">
        <h2>How it works</h2>
        <dl className="details" data-testid="send-leads-how">
          <dt>URL</dt>
          <dd>
            <code data-testid="postback-url">{postbackUrl}</code>
          </dd>
          <dt>Method</dt>
          <dd>
            <code>POST</code> with a JSON or form-encoded body, or <code>GET</code> with the fields in the query string
          </dd>
          <dt>Headers</dt>
          <dd>
            <code>Authorization: Bearer YOUR_API_KEY</code> (or <code>X-Api-Key</code>, or <code>api_key</code> in the query string) and{" "}
            <code>Content-Type: application/json</code> for JSON
          </dd>
          <dt>API key</dt>
          <dd>
            <Link to="/affiliate/api-keys">API keys</Link>: create one and keep it on your server
          </dd>
          <dt>Each lead</dt>
          <dd>
            <code>offer_id</code>, your own <code>lead_id</code> (a retry with the same id returns the first lead and changes nothing), your sub-ids{" "}
            <code>s1</code>…<code>s5</code>, and the offer&apos;s fields. Consent in <code>consent_text</code>, <code>consent_at</code>,{" "}
            <code>consent_cert_url</code>; activity in <code>time_on_form</code> and <code>pages_viewed</code>.
          </dd>
          <dt>Test first</dt>
          <dd>
            Add <code>test=true</code>: Leadex runs every check, the score and routing, answers what would happen, and stores nothing.
          </dd>
          <dt>Reference</dt>
          <dd>
            <a href={openApiUrl}>The API&apos;s OpenAPI document</a> (every field, answer and error code); read a lead back with{" "}
            <code>GET /api/v1/leads/by-external-id/YOUR_LEAD_ID</code>.
          </dd>
        </dl>
      </section>

      {chosen === null ? (
        <EmptyState title="No offer to send leads to">
          <Link to="/affiliate/offers/new">Create an offer</Link> first: each lead names the offer it is for.
        </EmptyState>
      ) : (
        <section className="card" data-testid="send-leads-example">
          <h2>
            Example for “{chosen.title}” <StatusBadge status={chosen.status} />
          </h2>
          {offers.length > 1 ? (
            <Form method="get" className="form-inline">
              <label htmlFor="f-offer">Offer</label>
              <select id="f-offer" name="offer" defaultValue={chosen.id}>
                {offers.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.title}
                  </option>
                ))}
              </select>
              <button type="submit" className="button button-small">
                Show
              </button>
            </Form>
          ) : null}
          <p>
            <code>offer_id</code> <code data-testid="example-offer-id">{chosen.id}</code> ·{" "}
            <Link to={`/affiliate/offers/${chosen.id}`}>the offer&apos;s fields and rules</Link>
          </p>
          {chosen.refusal ? (
            <p className="alert alert-warning" role="status">
              {chosen.refusal}.
            </p>
          ) : null}
          <CodeBlock title="Test first (POST, JSON, stores nothing)" code={curlPost(postbackUrl, sampleLead(chosen, { test: true }))} />
          <CodeBlock title="POST (JSON)" code={curlPost(postbackUrl, sampleLead(chosen))} />
          <CodeBlock title="GET (query string)" code={curlGet(postbackUrl, sampleLead(chosen))} />
          <h3>Answers</h3>
          <CodeBlock title="A lead received" code={RESPONSE_EXAMPLE} copy={false} />
          <CodeBlock title="A test lead (nothing stored)" code={TEST_RESPONSE_EXAMPLE} copy={false} />
          <CodeBlock title="A refused lead (the field is named)" code={ERROR_RESPONSE_EXAMPLE} copy={false} />
          <p className="muted small">
            A received lead is checked, scored and offered to buyers within seconds; its status and every reason show on{" "}
            <Link to="/affiliate/leads">Leads</Link>.
          </p>
        </section>
      )}
    </>
  );
}
