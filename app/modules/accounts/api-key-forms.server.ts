import { redirect } from "@remix-run/node";
import type { Role } from "~/generated/prisma/enums";
import { createApiKey, listApiKeys, revokeApiKey } from "~/modules/accounts/api-keys.server";
import { redirectWithFlash } from "~/utils/flash.server";
import type { Actor } from "~/utils/permissions.server";
import { requireUser } from "~/utils/session.server";

// The loader and the form steps behind each portal's API keys page (affiliate: postbacks;
// advertiser: reading bought leads). The route files say which role the page is for and parse the forms.

export type ApiKeyHolderRole = Extract<Role, "AFFILIATE" | "ADVERTISER">;

/** The signed-in company's keys (prefix and dates only: the secret is never stored), and the active key `?confirm=<id>` asks to revoke. */
export async function loadApiKeys(request: Request, role: ApiKeyHolderRole) {
  const { actor } = await requireUser(request, [role]);
  const keys = await listApiKeys(actor);
  const confirmId = new URL(request.url).searchParams.get("confirm");
  const confirmRevoke = keys.find((k) => k.id === confirmId && k.revokedAt === null) ?? null;
  return { keys, confirmRevoke: confirmRevoke ? { id: confirmRevoke.id, label: confirmRevoke.label, prefix: confirmRevoke.prefix } : null };
}

/** Creates a key and answers it in clear, once: it is never stored or shown again. */
export async function createKeyShownOnce(actor: Actor, label: string) {
  const created = await createApiKey(actor, label);
  return { created: { id: created.id, key: created.key, label } };
}

/** Without `confirm=yes`, back to the page (`here`) asking to confirm; with it, revokes the key and says so. */
export async function revokeKeyOnceConfirmed(actor: Actor, data: { id: string; confirm?: "yes" }, here: string) {
  if (data.confirm !== "yes") return redirect(`${here}?confirm=${encodeURIComponent(data.id)}#revoke`);
  const { label } = await revokeApiKey(actor, data.id);
  return redirectWithFlash(here, `Key “${label}” revoked: requests signed with it are refused from now on.`);
}
