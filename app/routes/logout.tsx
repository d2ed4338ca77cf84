import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { redirectWithFlash } from "~/utils/flash.server";
import { destroyUserSession } from "~/utils/session.server";

// Logging out is a POST (a link or a prefetch must not end a session); a GET just goes home.

export async function action({ request }: ActionFunctionArgs) {
  return redirectWithFlash("/", "You are signed out.", { headers: { "Set-Cookie": await destroyUserSession(request) } });
}

export function loader() {
  return redirect("/");
}
