import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CodeBlock } from "~/components/copy-button";
import { PageHeader } from "~/components/portal-shell";
import { SigningSecretPanel } from "~/components/signing-secret-panel";
import { getOwnSigningSecret } from "~/modules/deliveries/signing.server";
import { submitDeliveryIntent } from "~/modules/deliveries/delivery-forms.server";
import { getEnv } from "~/utils/env.server";
import { readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Settings · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return { secret: await getOwnSigningSecret(actor), appUrl: getEnv().APP_URL };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return (await submitDeliveryIntent(actor, await readForm(request))) ?? new Response("Unknown intent", { status: 400 });
}

export default function AdvertiserSettings() {
  const { secret, appUrl } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <PageHeader title="Settings" description="How Leadex delivers the leads you buy to your systems." />
      <SigningSecretPanel secret={secret} rotated={Boolean(actionData && "rotated" in actionData)} what="CRM webhook" />
      <section className="card">
        <h2>Pull API and CSV</h2>
        <p>
          Read the leads you bought with an <a href="/advertiser/api-keys">API key</a>, oldest sale first; follow <code>next</code> until it is{" "}
          <code>null</code>. Or <a href="/advertiser/leads.csv">download them as CSV</a>.
        </p>
        <CodeBlock
          title="Pull API"
          code={`curl -H "Authorization: Bearer $LEADEX_API_KEY" \\\n  "${appUrl}/api/v1/advertiser/leads?since=2025-01-01T00:00:00Z&limit=100"`}
        />
      </section>
    </>
  );
}
