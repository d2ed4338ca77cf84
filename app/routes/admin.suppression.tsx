import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { SuppressionPanel } from "~/components/suppression-panel";
import {
  addPlatformSuppressions,
  getPlatformSuppressionSummary,
  removePlatformSuppressions,
  suppressionUploadFromForm,
} from "~/modules/quality/suppression.server";
import { zodFieldErrors } from "~/utils/errors";
import { formFailure, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Platform suppression list · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return { summary: await getPlatformSuppressionSummary(actor) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const form = await readForm(request);
  const upload = await suppressionUploadFromForm(form);
  if (!upload.success) return formFailure(zodFieldErrors(upload.error.issues));
  return form.get("intent") === "remove" ? removePlatformSuppressions(actor, upload.data) : addPlatformSuppressions(actor, upload.data);
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
