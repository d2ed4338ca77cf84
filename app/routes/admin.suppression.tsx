import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { SuppressionPanel, type SuppressionActionData } from "~/components/suppression-panel";
import {
  addPlatformSuppressions,
  getPlatformSuppressionSummary,
  removePlatformSuppressions,
  suppressionUploadInput,
  suppressionUploadSchema,
} from "~/modules/quality/suppression.server";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Platform suppression list · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return { summary: await getPlatformSuppressionSummary(actor) };
}

/** The counts and the refused lines (up to thousands) are shown on the page, so this answers with data, not a flash. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const form = await readForm(request);
  const input = await suppressionUploadInput(form);
  return handleForm(
    form,
    suppressionUploadSchema,
    async (upload): Promise<SuppressionActionData> =>
      form.get("intent") === "remove" ? removePlatformSuppressions(actor, upload) : addPlatformSuppressions(actor, upload),
    { toInput: () => input },
  );
}

export default function AdminSuppression() {
  return (
    <SuppressionPanel
      title="Platform suppression list"
      description="Emails and phone numbers no one may buy: a lead that matches is rejected with the reason suppressed."
      allowRemove
    />
  );
}
