import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { dismissAllNotices } from "~/modules/notices/notices.server";
import { onlyPost } from "~/utils/api.server";
import { safeRedirect } from "~/utils/forms";
import { readForm } from "~/utils/route-errors.server";
import { homePathFor, requireUser } from "~/utils/session.server";

// "Dismiss all notices" in any portal: hides every open notice of the signed-in user.

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  await dismissAllNotices(user.id);
  return redirect(safeRedirect(form.get("redirectTo"), homePathFor(user.role)));
}

export const loader = onlyPost;
