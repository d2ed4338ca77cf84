import { prisma, type Tx } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors";
import { can, type Actor } from "~/utils/permissions.server";
import type { EvidenceInput } from "./disputes.schema";

export type EvidenceSide = "opener" | "respondent" | "admin";

/** Stores what a side sent as evidence (text, URL, file), as one row; nothing when it sent none. */
export async function addEvidence(tx: Tx, disputeId: string, side: EvidenceSide, addedById: string | null, input: EvidenceInput): Promise<boolean> {
  const file = input.evidence_file;
  if (!input.evidence_text && !input.evidence_url && !file) return false;
  await tx.disputeEvidence.create({
    data: {
      disputeId,
      side,
      addedById,
      text: input.evidence_text ?? null,
      url: input.evidence_url ?? null,
      fileName: file?.name ?? null,
      contentType: file?.contentType ?? null,
      sizeBytes: file?.bytes.byteLength ?? null,
      content: file ? Buffer.from(file.bytes) : null,
    },
  });
  return true;
}

/** Evidence as lists show it: everything but the file's bytes. */
export const evidenceSummarySelect = {
  id: true,
  side: true,
  text: true,
  url: true,
  fileName: true,
  contentType: true,
  sizeBytes: true,
  createdAt: true,
} as const;

/** Whether the actor may see this dispute: its two parties and admins. */
export function disputeVisibleTo(actor: Actor) {
  if (can(actor, "read:dispute:any")) return {};
  if (actor.role === "ADVERTISER") return { advertiserId: actor.companyId };
  if (actor.role === "AFFILIATE") return { affiliateId: actor.companyId };
  return { id: "" };
}

/** One evidence file's bytes, for the dispute's parties and admins (404 for anyone else). */
export async function evidenceFile(actor: Actor, disputeId: string, evidenceId: string) {
  const row = await prisma.disputeEvidence.findFirst({
    where: { id: evidenceId, disputeId, content: { not: null }, dispute: disputeVisibleTo(actor) },
    select: { fileName: true, contentType: true, content: true },
  });
  if (!row?.content) throw new NotFoundError("Evidence file");
  return { fileName: row.fileName ?? "evidence", contentType: row.contentType ?? "application/octet-stream", content: row.content };
}
