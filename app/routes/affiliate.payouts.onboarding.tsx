import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { startPayoutOnboarding } from "~/modules/payouts/connect-accounts.server";
import { requireUser } from "~/utils/session.server";

// Stripe's refresh_url: the onboarding link expired or was used; a fresh one continues onboarding.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["AFFILIATE"]);
  return redirect(await startPayoutOnboarding(user.actor, user.email));
}
