import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { SuppressionPanel } from "~/components/suppression-panel";
import { addAdvertiserSuppressions, getAdvertiserSuppressionSummary, suppressionUploadFromForm } from "~/modules/quality/suppression.server";
import { zodFieldErrors } from "~/utils/errors";
import { formFailure, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Suppression list · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return { summary: await getAdvertiserSuppressionSummary(actor) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const upload = await suppressionUploadFromForm(await readForm(request));
  if (!upload.success) return formFailure(zodFieldErrors(upload.error.issues));
  return addAdvertiserSuppressions(actor, upload.data);
}

export default function AdvertiserSuppression() {
  return (
    <SuppressionPanel
      title="Suppression list"
      description="Emails and phone numbers you never want to buy: your orders skip any lead that matches, on every offer."
    />
  );
}
