import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CodeBlock, CopyButton } from "~/components/copy-button";
import { Field, FormError, SubmitButton } from "~/components/field";
import { PageHeader } from "~/components/portal-shell";
import { loadConversionTracking, submitConversionTrackingForm } from "~/modules/conversions/conversion-tracking-forms.server";
import { LEAD_METADATA_KEY } from "~/modules/conversions/stripe-conversions.constants";
import { redirectWithFlash } from "~/utils/flash.server";
import { readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Conversion tracking · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return loadConversionTracking(actor);
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const answer = await submitConversionTrackingForm(actor, await readForm(request));
  if (answer && "done" in answer && answer.done) return redirectWithFlash("/advertiser/conversion-tracking", answer.done);
  return answer ?? new Response("Unknown intent", { status: 400 });
}

// What the schema takes (surrounding spaces are trimmed there), for the browser to check first.
const STRIPE_SECRET_PATTERN = String.raw`\s*whsec_[A-Za-z0-9+\/=_\-]{8,200}\s*`;

export default function ConversionTracking() {
  const { pixel, stripe, apiUrl } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failure = actionData && "errors" in actionData ? actionData : null;
  const newToken = actionData && "pixelToken" in actionData ? actionData.pixelToken : null;
  const snippets = newToken?.snippets ?? pixel.snippets;
  return (
    <>
      <PageHeader
        title="Conversion tracking"
        description="Tell Leadex when a lead you bought on CPA or CPS terms became a customer or a sale: by postback, with a pixel on your thank-you page, or from your own Stripe account."
      />

      <section className="card" aria-labelledby="pixel-title">
        <h2 id="pixel-title">Conversion pixel</h2>
        <p>
          For sites that cannot call an API: put the image (or the iframe) on the page your customer sees after buying, with the Leadex lead id, your own order
          id and the sale amount (CPS) or the event (CPA) filled in by your site. It takes the same fields as the conversion postback below, and always answers
          an invisible 1×1 image.
        </p>
        {newToken ? (
          <div className="alert alert-success" role="status" aria-live="polite">
            <p>
              <strong>New pixel token: copy it now, it is shown once.</strong> Leadex keeps only a hash. Any page still using the old token stopped counting
              conversions: update your snippets.
            </p>
            <div className="secret">
              <code data-testid="new-pixel-token">{newToken.token}</code>
              <CopyButton text={newToken.token} />
            </div>
          </div>
        ) : null}
        <p>
          {pixel.prefix || newToken ? (
            <>
              Token in use: <code>{`lxp_${newToken ? newToken.token.split("_")[1] : pixel.prefix}_…`}</code>
            </>
          ) : (
            "No token yet: generate one to use the pixel."
          )}
        </p>
        <Form method="post" className="form-actions">
          <input type="hidden" name="intent" value="pixel-token" />
          <button type="submit" className={`button button-small${pixel.prefix ? " button-danger" : ""}`}>
            {pixel.prefix ? "Rotate token" : "Generate token"}
          </button>
          {pixel.prefix ? <span className="hint">Rotating stops the current token at once.</span> : null}
        </Form>
        <CodeBlock title="Sale (CPS): image" code={snippets.saleImage} />
        <CodeBlock title="Action (CPA): image" code={snippets.actionImage} />
        <CodeBlock title="Sale (CPS): iframe" code={snippets.iframe} />
        <p className="hint">
          Leave out <code>occurred_at</code> to date the conversion now. Open the iframe URL in a browser to see what Leadex answers; the image carries the same
          answer in its <code>X-Leadex-Status</code> and <code>X-Leadex-Reason</code> headers.
        </p>
      </section>

      <section className="card" aria-labelledby="stripe-title">
        <h2 id="stripe-title">Sales from your Stripe account</h2>
        <p>
          {stripe.configured ? (
            <>
              Connected with the secret <code>{stripe.secretHint}</code>.
            </>
          ) : (
            "Not connected."
          )}{" "}
          Each paid invoice becomes a CPS sale of its total before tax, once per invoice; a refund reverses the sale in proportion.
        </p>
        <ol>
          <li>
            In your Stripe Dashboard, open <strong>Developers → Webhooks</strong> and add an endpoint with this URL:
            <div className="secret">
              <code data-testid="stripe-endpoint-url">{stripe.endpointUrl}</code>
              <CopyButton text={stripe.endpointUrl} />
            </div>
          </li>
          <li>Select these events: {stripe.events.map((e, i) => [i > 0 ? ", " : "", <code key={e}>{e}</code>])}.</li>
          <li>
            Put the Leadex lead id in the metadata of the customer (or of the invoice or subscription) as <code>{LEAD_METADATA_KEY}</code>. Invoices naming no
            lead are acknowledged and left out.
          </li>
          <li>Paste the endpoint&apos;s signing secret here:</li>
        </ol>
        <Form method="post" className="form form-inline" noValidate>
          <input type="hidden" name="intent" value="stripe-secret" />
          <FormError error={failure?.formError} />
          <Field
            name="secret"
            label="Signing secret"
            autoComplete="off"
            spellCheck={false}
            placeholder="whsec_…"
            pattern={STRIPE_SECRET_PATTERN}
            error={failure?.errors.secret}
            required
          />
          <SubmitButton>{stripe.configured ? "Replace secret" : "Save secret"}</SubmitButton>
        </Form>
        {stripe.configured ? (
          <Form method="post" className="form-actions">
            <input type="hidden" name="intent" value="stripe-remove" />
            <button type="submit" className="button button-small button-danger">
              Disconnect
            </button>
          </Form>
        ) : null}
      </section>

      <section className="card" aria-labelledby="api-title">
        <h2 id="api-title">Conversion postback (API)</h2>
        <p>
          Your server reports conversions, reversals and amount changes with an <a href="/advertiser/api-keys">API key</a>:
        </p>
        <CodeBlock
          title="curl"
          code={`curl -X POST "${apiUrl}" \\\n  -H "Authorization: Bearer $LEADEX_API_KEY" -H "Content-Type: application/json" \\\n  -d '{"lead_id": "<lead id>", "conversion_id": "order-1001", "amount": "249.00", "currency": "usd"}'`}
        />
      </section>
    </>
  );
}
