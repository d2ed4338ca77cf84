import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ApiKeysPanel } from "~/components/api-keys-panel";
import { createKeyShownOnce, loadApiKeys, revokeKeyOnceConfirmed } from "~/modules/accounts/api-key-forms.server";
import { apiKeyLabelSchema, apiKeyRevokeFormSchema } from "~/modules/accounts/accounts.schema";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "API keys · Leadex" }];
export const loader = ({ request }: LoaderFunctionArgs) => loadApiKeys(request, "ADVERTISER");

/** intent=create: a key shown once; intent=revoke: asks to confirm, then (confirm=yes) revokes. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await readForm(request);
  if (form.get("intent") === "revoke") return handleForm(form, apiKeyRevokeFormSchema, (data) => revokeKeyOnceConfirmed(actor, data, "/advertiser/api-keys"));
  return handleForm(form, apiKeyLabelSchema, (data) => createKeyShownOnce(actor, data.label));
}

export default function AdvertiserApiKeys() {
  return (
    <ApiKeysPanel
      description={
        <>
          Keys let your systems read the leads you bought: <code>GET /api/v1/leads/&lt;lead id&gt;</code> with <code>Authorization: Bearer …</code>. Each key is
          shown once, when it is created.
        </>
      }
      emptyHint="Create one above to read your bought leads by API."
    />
  );
}
