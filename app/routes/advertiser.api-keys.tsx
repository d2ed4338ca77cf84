import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ApiKeysPanel } from "~/components/api-keys-panel";
import { loadApiKeys, submitApiKeyForm } from "~/modules/accounts/api-key-forms.server";

export const meta: MetaFunction = () => [{ title: "API keys · Leadex" }];
export const loader = ({ request }: LoaderFunctionArgs) => loadApiKeys(request, "ADVERTISER");
export const action = ({ request }: ActionFunctionArgs) => submitApiKeyForm(request, "ADVERTISER");

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
