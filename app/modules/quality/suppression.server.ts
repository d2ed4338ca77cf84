import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import { z } from "zod";
import type { SuppressionKind } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { prisma, type Tx } from "~/utils/db.server";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import { personHash } from "./person-hash.server";

// Suppression lists: hashed emails and phones that must never be sold. Platform-wide (admins:
// a lead on it is rejected) or one advertiser's (routing never sells it to that advertiser).
// Hashes are SHA-256 hex of the normalised value (lower-case email, E.164 phone), the same as
// Lead.emailHash / Lead.phoneHash, so buyers may upload hashes instead of contact data.

export const PLATFORM_SCOPE = "platform";
export const advertiserScope = (advertiserId: string) => `advertiser:${advertiserId}`;

export const MAX_SUPPRESSION_LINES = 50_000;
const SHA256_HEX = /^[0-9a-f]{64}$/i;
const emailSchema = z.string().email();

export const suppressionUploadSchema = z.object({
  kind: z.enum(["EMAIL", "PHONE"], { message: "Choose whether the lines are emails or phones" }),
  text: z.string().max(5_000_000, "The list is too large: split it into files of 5 MB"),
});
export type SuppressionUpload = z.infer<typeof suppressionUploadSchema>;

export interface SuppressionUploadResult {
  added: number;
  alreadyPresent: number;
  badLines: Array<{ line: number; message: string }>;
}

/** The hash of one line: SHA-256 hex as given, or a plain email / phone normalised then hashed. */
export function suppressionHashOf(kind: SuppressionKind, value: string, country = "US"): { hash: string } | { error: string } {
  if (SHA256_HEX.test(value)) return { hash: value.toLowerCase() };
  if (kind === "EMAIL") {
    const email = value.toLowerCase();
    return emailSchema.safeParse(email).success ? { hash: personHash(email) } : { error: "not an email address or a SHA-256 hex hash" };
  }
  const phone = parsePhoneNumberFromString(value, country as CountryCode);
  return phone?.isValid() ? { hash: personHash(phone.number) } : { error: "not a valid phone number or a SHA-256 hex hash" };
}

/** The first column of a CSV or pasted line, unquoted; blank lines and a header give "". */
function valueOfLine(line: string, lineNumber: number): string {
  const first =
    line
      .split(/[,;\t]/)[0]
      ?.trim()
      .replace(/^"(.*)"$/, "$1")
      .trim() ?? "";
  if (lineNumber === 1 && /^(email|phone|hash|value|sha256)$/i.test(first)) return "";
  return first;
}

/** Hashes every line of an upload; bad lines are reported by their number (1-based). */
export function parseSuppressionLines(upload: SuppressionUpload): { hashes: string[]; badLines: SuppressionUploadResult["badLines"] } {
  const lines = upload.text.split(/\r?\n/);
  const hashes: string[] = [];
  const badLines: SuppressionUploadResult["badLines"] = [];
  lines.slice(0, MAX_SUPPRESSION_LINES).forEach((line, i) => {
    const value = valueOfLine(line, i + 1);
    if (value === "") return;
    const result = suppressionHashOf(upload.kind, value);
    if ("error" in result) badLines.push({ line: i + 1, message: result.error });
    else hashes.push(result.hash);
  });
  if (lines.length > MAX_SUPPRESSION_LINES) {
    badLines.push({ line: MAX_SUPPRESSION_LINES + 1, message: `only the first ${MAX_SUPPRESSION_LINES} lines are read` });
  }
  return { hashes, badLines };
}

async function addToScope(
  db: Tx,
  scope: string,
  advertiserId: string | null,
  kind: SuppressionKind,
  { hashes, badLines }: ReturnType<typeof parseSuppressionLines>,
): Promise<SuppressionUploadResult> {
  const unique = [...new Set(hashes)];
  // Unique (scope, kind, hash): an entry already on the list is skipped, so uploads are idempotent.
  const { count } = await db.suppressionEntry.createMany({
    data: unique.map((hash) => ({ scope, advertiserId, kind, hash })),
    skipDuplicates: true,
  });
  return { added: count, alreadyPresent: hashes.length - count, badLines };
}

/** An advertiser adds emails or phones it never wants to buy. */
export function addAdvertiserSuppressions(actor: Actor, upload: SuppressionUpload) {
  requirePermission(actor, "write:suppression:own");
  return addToScope(prisma, advertiserScope(actor.companyId), actor.companyId, upload.kind, parseSuppressionLines(upload));
}

/**
 * An admin change to the platform list, with the audit row that records it (same transaction).
 * Lines are parsed before it opens; writing 50,000 of them can still take longer than Prisma's default 5 s transaction timeout.
 */
function changePlatformList<T>(
  actor: Actor,
  change: "added" | "removed",
  kind: SuppressionKind,
  apply: (tx: Tx) => Promise<{ result: T; counts: Record<string, number> }>,
) {
  return prisma.$transaction(
    async (tx) => {
      const { result, counts } = await apply(tx);
      await recordAudit(tx, {
        actorId: actor.userId,
        action: `suppression.${change}`,
        targetType: "SuppressionList",
        targetId: PLATFORM_SCOPE,
        data: { scope: PLATFORM_SCOPE, kind, ...counts },
      });
      return result;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/** An admin adds emails or phones no one may buy: leads on this list are rejected. Audited. */
export function addPlatformSuppressions(actor: Actor, upload: SuppressionUpload) {
  requirePermission(actor, "write:suppression:any");
  const lines = parseSuppressionLines(upload);
  return changePlatformList(actor, "added", upload.kind, async (tx) => {
    const result = await addToScope(tx, PLATFORM_SCOPE, null, upload.kind, lines);
    return { result, counts: { added: result.added, alreadyPresent: result.alreadyPresent, badLines: result.badLines.length } };
  });
}

/** An admin takes emails or phones off the platform list (same lines as an upload). Audited. */
export function removePlatformSuppressions(actor: Actor, upload: SuppressionUpload) {
  requirePermission(actor, "write:suppression:any");
  const { hashes, badLines } = parseSuppressionLines(upload);
  return changePlatformList(actor, "removed", upload.kind, async (tx) => {
    const { count } = await tx.suppressionEntry.deleteMany({ where: { scope: PLATFORM_SCOPE, kind: upload.kind, hash: { in: hashes } } });
    return { result: { removed: count, badLines }, counts: { removed: count, badLines: badLines.length } };
  });
}

async function summaryOf(scope: string) {
  const [counts, recent] = await Promise.all([
    prisma.suppressionEntry.groupBy({ by: ["kind"], where: { scope }, _count: { _all: true } }),
    prisma.suppressionEntry.findMany({
      where: { scope },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, kind: true, hash: true, createdAt: true },
    }),
  ]);
  const count = (kind: SuppressionKind) => counts.find((c) => c.kind === kind)?._count._all ?? 0;
  return { emails: count("EMAIL"), phones: count("PHONE"), recent };
}

export function getAdvertiserSuppressionSummary(actor: Actor) {
  requirePermission(actor, "write:suppression:own");
  return summaryOf(advertiserScope(actor.companyId));
}

export function getPlatformSuppressionSummary(actor: Actor) {
  requirePermission(actor, "write:suppression:any");
  return summaryOf(PLATFORM_SCOPE);
}

function personWhere({ emailHash, phoneHash }: { emailHash: string | null; phoneHash: string | null }) {
  return [...(emailHash ? [{ kind: "EMAIL" as const, hash: emailHash }] : []), ...(phoneHash ? [{ kind: "PHONE" as const, hash: phoneHash }] : [])];
}

/** The platform-list entry that matches this person, if any. */
export async function platformSuppressionOf(tx: Tx, person: { emailHash: string | null; phoneHash: string | null }) {
  const or = personWhere(person);
  if (or.length === 0) return null;
  return tx.suppressionEntry.findFirst({ where: { scope: PLATFORM_SCOPE, OR: or }, select: { kind: true } });
}

/** Advertisers whose own suppression list holds this person's email or phone (routing skips their orders). */
export async function suppressingAdvertiserIds(tx: Tx, person: { emailHash: string | null; phoneHash: string | null }): Promise<Set<string>> {
  const or = personWhere(person);
  if (or.length === 0) return new Set();
  const entries = await tx.suppressionEntry.findMany({
    where: { advertiserId: { not: null }, OR: or },
    select: { advertiserId: true },
    distinct: ["advertiserId"],
  });
  return new Set(entries.flatMap((e) => (e.advertiserId ? [e.advertiserId] : [])));
}

/**
 * The upload form's input for `suppressionUploadSchema`: a CSV file's text when one is sent (line
 * numbers in the answer are then the file's), else the pasted lines.
 */
export async function suppressionUploadInput(form: FormData) {
  const file = form.get("file");
  const fileText = file && typeof file === "object" && file.size > 0 ? await file.text() : null;
  const pasted = form.get("lines");
  return { kind: form.get("kind") ?? "", text: fileText ?? (typeof pasted === "string" ? pasted : "") };
}
