import { z } from "zod";
import type { Role } from "~/generated/prisma/enums";
import { apiKeyLabelSchema } from "~/modules/accounts/accounts.schema";
import { createApiKey, listApiKeys, revokeApiKey } from "~/modules/accounts/api-keys.server";
import { formFailureFrom, parseForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

// The loader and action behind each portal's API keys page (affiliate: postbacks; advertiser:
// reading bought leads). The route files only say which role the page is for.

export type ApiKeyHolderRole = Extract<Role, "AFFILIATE" | "ADVERTISER">;

const revokeSchema = z.object({ id: z.string().min(1) });

/** The signed-in company's keys (prefix and dates only: the secret is never stored). */
export async function loadApiKeys(request: Request, role: ApiKeyHolderRole) {
  const { actor } = await requireUser(request, [role]);
  return { keys: await listApiKeys(actor) };
}

/** `intent=create` with a `label` creates a key and answers it in clear once; `intent=revoke` with an `id` revokes one. */
export async function submitApiKeyForm(request: Request, role: ApiKeyHolderRole) {
  const { actor } = await requireUser(request, [role]);
  const form = await readForm(request);
  if (form.get("intent") === "revoke") {
    try {
      const { id } = revokeSchema.parse(Object.fromEntries(form));
      await revokeApiKey(actor, id);
      return { revoked: true as const };
    } catch (error) {
      return formFailureFrom(error);
    }
  }
  const parsed = parseForm(form, apiKeyLabelSchema);
  if (!parsed.success) return parsed.failure;
  try {
    const created = await createApiKey(actor, parsed.data.label);
    // The key in clear exists only in this response: it is never stored or shown again.
    return { created: { id: created.id, key: created.key, label: parsed.data.label } };
  } catch (error) {
    return formFailureFrom(error, parsed.values);
  }
}
