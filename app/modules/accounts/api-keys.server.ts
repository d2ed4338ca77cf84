import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { requestParts, type ApiRequestParts } from "~/utils/api.server";
import { prisma } from "~/utils/db.server";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "~/utils/errors";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import { roleForCompanyKind } from "./accounts.server";
import { apiKeyFailuresByAddress, tooManyApiKeyFailuresError } from "./rate-limits.server";

// Key format: lx_<prefix>_<secret>. The prefix finds the row; only sha256(key) is stored.
const KEY_PATTERN = /^lx_([a-z0-9]{10})_([A-Za-z0-9_-]{32,})$/;

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Creates a key and returns it in clear exactly once. */
export async function createApiKey(actor: Actor, label: string): Promise<{ id: string; key: string }> {
  requirePermission(actor, "write:apikey:own");
  const prefix = randomBytes(8).toString("hex").slice(0, 10);
  const key = `lx_${prefix}_${randomBytes(24).toString("base64url")}`;
  const row = await prisma.apiKey.create({
    data: { companyId: actor.companyId, label, prefix, hash: sha256(key) },
  });
  return { id: row.id, key };
}

export async function listApiKeys(actor: Actor) {
  return prisma.apiKey.findMany({
    where: { companyId: actor.companyId },
    select: { id: true, label: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    orderBy: { createdAt: "desc" },
  });
}

/** Revokes one of the actor's company's keys (again: no change). 404 for a key of another company or none. */
export async function revokeApiKey(actor: Actor, id: string): Promise<{ label: string }> {
  requirePermission(actor, "write:apikey:own");
  const key = await prisma.apiKey.findFirst({ where: { id, companyId: actor.companyId }, select: { label: true } });
  if (!key) throw new NotFoundError("API key");
  await prisma.apiKey.updateMany({ where: { id, companyId: actor.companyId, revokedAt: null }, data: { revokedAt: new Date() } });
  for (const [hash, entry] of verifiedKeys) if (entry.apiKeyId === id) verifiedKeys.delete(hash);
  return key;
}

// Keys verified recently, by sha256(key): the postback endpoint must not pay a database round
// trip per lead for auth. A key revoked through this process is dropped at once; one revoked
// elsewhere (another web instance) stops working within VERIFIED_KEY_TTL_MS.
const VERIFIED_KEY_TTL_MS = 30_000;
const LAST_USED_RESOLUTION_MS = 60_000;
const verifiedKeys = new Map<string, { apiKeyId: string; actor: Actor; verifiedAt: number; lastUsedWrittenAt: number }>();

/** Reads the key from `Authorization: Bearer`, `X-Api-Key` or an `api_key` query parameter. */
export function readApiKey(request: Request | ApiRequestParts): string | null {
  const parts = "header" in request ? request : requestParts(request);
  const auth = parts.header("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
  const header = parts.header("x-api-key");
  if (header) return header.trim();
  return new URL(parts.url()).searchParams.get("api_key");
}

/**
 * The acting company for an API request; 401 for a missing, unknown or revoked key, and 429 once
 * the client address has API_KEY_ADDRESS_MAX_FAILURES of those in its window. Only failures are
 * counted, and a valid key is always accepted (even from an address that is refused for failures):
 * a busy affiliate's postbacks never touch the counter, and a cached valid key costs no Redis call.
 */
export async function authenticateApiKey(request: Request | ApiRequestParts, clientAddress: string): Promise<Actor> {
  try {
    return await verifyApiKey(request);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    const failures = await apiKeyFailuresByAddress.hit(clientAddress);
    if (failures.reached) throw tooManyApiKeyFailuresError(failures.retryAfterSeconds);
    throw error;
  }
}

async function verifyApiKey(request: Request | ApiRequestParts): Promise<Actor> {
  const key = readApiKey(request);
  if (!key) throw new UnauthorizedError("Missing API key (Authorization: Bearer <key>)");
  const match = KEY_PATTERN.exec(key);
  if (!match) throw new UnauthorizedError("Invalid API key");
  const keyHash = sha256(key);
  const now = Date.now();
  const cached = verifiedKeys.get(keyHash);
  if (cached && now - cached.verifiedAt < VERIFIED_KEY_TTL_MS) {
    if (now - cached.lastUsedWrittenAt > LAST_USED_RESOLUTION_MS) {
      cached.lastUsedWrittenAt = now;
      void touchApiKey(cached.apiKeyId);
    }
    return cached.actor;
  }
  const row = await prisma.apiKey.findUnique({ where: { prefix: match[1] }, include: { company: true } });
  const expected = Buffer.from(row?.hash ?? "0".repeat(64), "hex");
  const actual = Buffer.from(keyHash, "hex");
  if (!row || row.revokedAt || !timingSafeEqual(expected, actual)) {
    verifiedKeys.delete(keyHash);
    throw new UnauthorizedError("Invalid API key");
  }
  if (row.company.suspendedAt) {
    verifiedKeys.delete(keyHash);
    throw new ForbiddenError(
      `${row.company.name} is suspended by Leadex (${row.company.suspendedReason ?? "no reason given"}); its API keys are refused until it is reinstated`,
    );
  }
  const actor: Actor = { userId: null, companyId: row.companyId, role: roleForCompanyKind(row.company.kind) };
  verifiedKeys.set(keyHash, { apiKeyId: row.id, actor, verifiedAt: now, lastUsedWrittenAt: now });
  await touchApiKey(row.id);
  return actor;
}

/**
 * Drops this process's verified copies of a company's keys (when it is suspended), so its next
 * request is checked against the database at once; other web processes follow within VERIFIED_KEY_TTL_MS.
 */
export function forgetCompanyApiKeys(companyId: string): void {
  for (const [hash, entry] of verifiedKeys) if (entry.actor.companyId === companyId) verifiedKeys.delete(hash);
}

async function touchApiKey(id: string) {
  await prisma.apiKey
    .update({ where: { id }, data: { lastUsedAt: new Date() } })
    .catch((error: unknown) => console.warn(`api key ${id}: lastUsedAt not updated (${String(error)})`));
}
