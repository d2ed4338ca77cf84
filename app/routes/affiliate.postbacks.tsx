import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DeliveryLog } from "~/components/delivery-log";
import { PageHeader } from "~/components/portal-shell";
import { PostbackSettingsForm } from "~/components/postback-settings-form";
import { ReplayResult } from "~/components/replay-result";
import { SigningSecretPanel } from "~/components/signing-secret-panel";
import { ownPostbacksPageView, saveOwnPostbackSettings } from "~/modules/deliveries/affiliate-postbacks.server";
import { deliveryLogFilterSchema, postbackSettingsSchema } from "~/modules/deliveries/deliveries.schema";
import { submitDeliveryIntent } from "~/modules/deliveries/delivery-forms.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Postbacks to you · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const filter = deliveryLogFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await ownPostbacksPageView(actor, filter)) };
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

export default function AffiliatePostbacks() {
  const { settings, secret, deliveries, nextCursor, filter } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failure = actionData && "errors" in actionData ? actionData : null;
  const replayed = actionData && "replayed" in actionData ? actionData.replayed : null;
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
        <PostbackSettingsForm postbackUrl={settings.postbackUrl} postbackEvents={settings.postbackEvents} failure={failure} />
      </section>
      <SigningSecretPanel secret={secret} rotated={Boolean(actionData && "rotated" in actionData)} what="postback" />
      <section className="card">
        <h2>Log</h2>
        <ReplayResult replayed={replayed} />
        <DeliveryLog
          deliveries={deliveries}
          nextCursor={nextCursor}
          status={filter.status}
          clearTo="/affiliate/postbacks"
          empty="Postbacks fired for your leads show here, with every attempt."
        />
      </section>
    </>
  );
}
