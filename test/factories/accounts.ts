import { randomBytes } from "node:crypto";
import { createAdmin, roleForCompanyKind, signUp } from "~/modules/accounts/accounts.server";
import { createApiKey } from "~/modules/accounts/api-keys.server";
import type { Actor } from "~/utils/permissions.server";

// Shared by the tests and the demo seed: companies, members and API keys made through the modules.

export interface MadeAccount {
  email: string;
  password: string;
  companyName: string;
  actor: Actor;
}

export function uniqueSuffix(): string {
  return randomBytes(4).toString("hex");
}

/** A password the sign-up rule accepts: random, and unrelated to the email and company names. */
export function strongPassword(): string {
  return `pw-${randomBytes(12).toString("base64url")}`;
}

async function makeMember(role: "ADVERTISER" | "AFFILIATE", overrides: Partial<{ email: string; password: string; companyName: string; name: string }>) {
  const suffix = uniqueSuffix();
  const email = overrides.email ?? `${role.toLowerCase()}-${suffix}@example.test`;
  const password = overrides.password ?? strongPassword();
  const companyName = overrides.companyName ?? `${role === "ADVERTISER" ? "Buyer" : "Publisher"} ${suffix}`;
  const user = await signUp({ email, password, companyName, name: overrides.name ?? `${companyName} owner`, role });
  const actor: Actor = { userId: user.id, companyId: user.companyId!, role: roleForCompanyKind(role) };
  return { email, password, companyName, actor };
}

export async function makeAffiliate(overrides: Parameters<typeof makeMember>[1] = {}): Promise<MadeAccount & { apiKey: string }> {
  const account = await makeMember("AFFILIATE", overrides);
  const { key } = await createApiKey(account.actor, "Default");
  return { ...account, apiKey: key };
}

export async function makeAdvertiser(overrides: Parameters<typeof makeMember>[1] = {}): Promise<MadeAccount & { apiKey: string }> {
  const account = await makeMember("ADVERTISER", overrides);
  const { key } = await createApiKey(account.actor, "Default");
  return { ...account, apiKey: key };
}

export async function makeAdmin(overrides: Partial<{ email: string; password: string }> = {}) {
  const email = overrides.email ?? `admin-${uniqueSuffix()}@example.test`;
  const password = overrides.password ?? strongPassword();
  const user = await createAdmin({ email, password, name: "Leadex admin" });
  return { email, password, actor: { userId: user.id, companyId: "", role: "ADMIN" } as Actor };
}
