import { createHmac, randomBytes } from "node:crypto";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";

// What Leadex sends a company is signed with that company's secret, Stripe-style:
//   Leadex-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body, or the URL when there is no body>")>
// The timestamp lets receivers refuse replays older than a few minutes.

export const SIGNATURE_HEADER = "Leadex-Signature";

function newSigningSecret(): string {
  return `lxsig_${randomBytes(24).toString("base64url")}`;
}

/** The company's signing secret, created the first time something needs it. */
export async function ensureSigningSecret(db: Db | Tx, companyId: string): Promise<string> {
  const company = await db.company.findUniqueOrThrow({ where: { id: companyId }, select: { signingSecret: true } });
  if (company.signingSecret) return company.signingSecret;
  // Two first uses at once must agree on one secret: only the first write wins.
  await db.company.updateMany({ where: { id: companyId, signingSecret: null }, data: { signingSecret: newSigningSecret() } });
  const created = await db.company.findUniqueOrThrow({ where: { id: companyId }, select: { signingSecret: true } });
  return created.signingSecret!;
}

/** Several companies' signing secrets at once (one read; a missing one is created as above). */
export async function ensureSigningSecrets(db: Db | Tx, companyIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(companyIds)];
  if (ids.length === 0) return new Map();
  const companies = await db.company.findMany({ where: { id: { in: ids } }, select: { id: true, signingSecret: true } });
  const secrets = new Map(companies.flatMap((c) => (c.signingSecret ? [[c.id, c.signingSecret] as const] : [])));
  for (const id of ids.filter((i) => !secrets.has(i))) secrets.set(id, await ensureSigningSecret(db, id));
  return secrets;
}

export async function getOwnSigningSecret(actor: Actor): Promise<string> {
  requirePermission(actor, "read:delivery:own");
  return ensureSigningSecret(prisma, actor.companyId);
}

/** Replaces the secret at once: whatever is sent from now on is signed with the new one. */
export async function rotateOwnSigningSecret(actor: Actor): Promise<string> {
  requirePermission(actor, "write:delivery:own");
  const secret = newSigningSecret();
  await prisma.company.update({ where: { id: actor.companyId }, data: { signingSecret: secret } });
  return secret;
}

export function signatureHeaderValue(secret: string, signedPayload: string, timestampSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${timestampSeconds}.${signedPayload}`).digest("hex");
  return `t=${timestampSeconds},v1=${mac}`;
}
