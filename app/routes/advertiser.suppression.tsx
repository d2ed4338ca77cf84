import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { SuppressionPanel } from "~/components/suppression-panel";
import {
  addAdvertiserSuppressions,
  getAdvertiserSuppressionSummary,
  suppressionUploadInput,
  suppressionUploadSchema,
} from "~/modules/quality/suppression.server";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Suppression list · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return { summary: await getAdvertiserSuppressionSummary(actor) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await readForm(request);
  const input = await suppressionUploadInput(form);
  return handleForm(form, suppressionUploadSchema, (upload) => addAdvertiserSuppressions(actor, upload), { toInput: () => input });
}

export default function AdvertiserSuppression() {
  return (
    <SuppressionPanel
      title="Suppression list"
      description="Emails and phone numbers you never want to buy: your orders skip any lead that matches, on every offer."
    />
  );
}
