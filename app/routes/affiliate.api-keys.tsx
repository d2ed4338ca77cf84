import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ApiKeysPanel } from "~/components/api-keys-panel";
import { loadApiKeys, submitApiKeyForm } from "~/modules/accounts/api-key-forms.server";

export const meta: MetaFunction = () => [{ title: "API keys · Leadex" }];
export const loader = ({ request }: LoaderFunctionArgs) => loadApiKeys(request, "AFFILIATE");
export const action = ({ request }: ActionFunctionArgs) => submitApiKeyForm(request, "AFFILIATE");

export default function AffiliateApiKeys() {
  return (
    <ApiKeysPanel
      description="Keys authenticate your lead postbacks. Each key is shown once, when it is created."
      emptyHint="Create one above to start posting leads."
    />
  );
}
