import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DeliveryLog } from "~/components/delivery-log";
import { Field, FieldError, FormError, SubmitButton } from "~/components/field";
import { PageHeader } from "~/components/portal-shell";
import { ReplayResult } from "~/components/replay-result";
import { SigningSecretPanel } from "~/components/signing-secret-panel";
import { ownPostbacksPageView, saveOwnPostbackSettings } from "~/modules/deliveries/affiliate-postbacks.server";
import { postbackSettingsSchema } from "~/modules/deliveries/deliveries.schema";
import { AFFILIATE_POSTBACK_EVENTS, POSTBACK_MACROS } from "~/modules/deliveries/deliveries.constants";
import { submitDeliveryIntent } from "~/modules/deliveries/delivery-forms.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Postbacks to you · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return ownPostbacksPageView(actor);
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const form = await readForm(request);
  if (form.get("intent") !== "save") {
    return (await submitDeliveryIntent(actor, form)) ?? new Response("Unknown intent", { status: 400 });
  }
  return handleForm(
    form,
    postbackSettingsSchema,
    async (settings) => {
      await saveOwnPostbackSettings(actor, settings);
      return redirectWithFlash("/affiliate/postbacks", "Postback settings saved.");
    },
    { toInput: (f) => ({ postbackUrl: f.get("postbackUrl") ?? "", postbackEvents: f.getAll("postbackEvents") }) },
  );
}

const EVENT_HINTS: Record<(typeof AFFILIATE_POSTBACK_EVENTS)[number], string> = {
  accepted: "passed verification and scoring",
  rejected: "refused, with {reason}",
  sold: "bought, with your {payout}",
  returned: "returned by the buyer",
  converted: "the buyer reported an action or sale, with its {payout}",
  reversed: "the buyer reversed a conversion (refund, cancellation), with the {payout} taken back",
};

export default function AffiliatePostbacks() {
  const { settings, secret, deliveries } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failure = actionData && "errors" in actionData ? actionData : null;
  const replayed = actionData && "replayed" in actionData ? actionData.replayed : null;
  const events = failure?.values ? [] : settings.postbackEvents;
  return (
    <>
      <PageHeader
        title="Postbacks to you"
        description={
          <>
            Leadex calls your tracker when your leads are accepted, rejected, sold, returned, converted or reversed. (To send leads to Leadex, see{" "}
            <Link to="/affiliate/send-leads">Send leads</Link>.)
          </>
        }
      />
      <section className="card">
        <h2>Postback URL</h2>
        <Form method="post" className="form form-wide" noValidate>
          <input type="hidden" name="intent" value="save" />
          <FormError error={failure?.formError} />
          <Field
            name="postbackUrl"
            label="URL template"
            type="url"
            placeholder="https://tracker.example/postback?clickid={s1}&status={status}&payout={payout}"
            defaultValue={failure?.values?.postbackUrl ?? settings.postbackUrl ?? ""}
            error={failure?.errors.postbackUrl}
            hint="Called with GET. Leave empty to turn postbacks off. Macros are replaced by URL-encoded values."
          />
          <fieldset className="fieldset" aria-describedby={failure?.errors.postbackEvents ? "f-postbackEvents-error" : undefined}>
            <legend>Events</legend>
            <div className="field-grid">
              {AFFILIATE_POSTBACK_EVENTS.map((event) => (
                <label key={event} className="choice">
                  <input type="checkbox" name="postbackEvents" value={event} defaultChecked={events.includes(event)} />
                  <span>
                    <strong>{event}</strong>
                    <small>{EVENT_HINTS[event]}</small>
                  </span>
                </label>
              ))}
            </div>
            <FieldError id="f-postbackEvents-error" error={failure?.errors.postbackEvents} />
          </fieldset>
          <details>
            <summary>Macros</summary>
            <dl className="details">
              {Object.entries(POSTBACK_MACROS).map(([macro, meaning]) => (
                <div key={macro} className="details-row">
                  <dt>
                    <code>{`{${macro}}`}</code>
                  </dt>
                  <dd>{meaning}</dd>
                </div>
              ))}
            </dl>
          </details>
          <div className="form-actions">
            <SubmitButton>Save</SubmitButton>
          </div>
        </Form>
      </section>
      <SigningSecretPanel secret={secret} rotated={Boolean(actionData && "rotated" in actionData)} what="postback" />
      <section className="card">
        <h2>Log</h2>
        <ReplayResult replayed={replayed} />
        <DeliveryLog deliveries={deliveries} empty="Postbacks fired for your leads show here, with every attempt." />
      </section>
    </>
  );
}
