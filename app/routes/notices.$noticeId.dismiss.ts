import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { dismissNotice } from "~/modules/notices/notices.server";
import { safeRedirect } from "~/utils/forms";
import { orNotFound, readForm } from "~/utils/route-errors.server";
import { homePathFor, requireUser } from "~/utils/session.server";
import { onlyPost } from "~/utils/api.server";

// The Dismiss button of a notice banner in any portal: hides the notice, back to the page it was on.

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  await orNotFound(dismissNotice(user.id, params.noticeId ?? ""));
  return redirect(safeRedirect(form.get("redirectTo"), homePathFor(user.role)));
}

export const loader = onlyPost;
