import { Prisma } from "~/generated/prisma/client";
import { offerFieldsSchema } from "~/modules/offers/offers.schema";
import { addOutboxMessage, dispatchOutboxMessage } from "~/modules/outbox/outbox.server";
import { checkLeadFields } from "~/modules/quality/lead-fields";
import { LEAD_PROCESSING_QUEUE, leadProcessingKey } from "~/queues/lead-processing.queue.server";
import { prisma } from "~/utils/db.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, zodFieldErrors } from "~/utils/errors";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import { recordLeadEvent } from "./lead-timeline.server";
import { postbackEnvelopeSchema, splitPostback, SUB_ID_KEYS } from "./leads.schema";

const MAX_LEAD_FIELDS = 100;

export interface ReceivedLead {
  id: string;
  externalId: string;
  status: string;
  reasons: string[];
  created: boolean;
}

function toReceived(lead: { id: string; externalId: string; status: string; reasons: string[] }, created: boolean): ReceivedLead {
  return { id: lead.id, externalId: lead.externalId, status: lead.status, reasons: lead.reasons, created };
}

/**
 * Takes one postback from an affiliate. The lead is stored (with its outbox row) before this
 * returns; the same affiliate lead id posted again returns the first lead and changes nothing.
 */
export async function receiveLead(
  actor: Actor,
  record: Record<string, unknown>,
  meta: { ipAddress?: string | null; userAgent?: string | null; pingId?: string } = {},
): Promise<ReceivedLead> {
  requirePermission(actor, "write:lead:own");
  const { envelope: rawEnvelope, fields: rawFields } = splitPostback(record);
  const parsed = postbackEnvelopeSchema.safeParse(rawEnvelope);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const envelope = parsed.data;

  const offer = await prisma.offer.findUnique({ where: { id: envelope.offer_id } });
  if (!offer) throw new NotFoundError(`Offer ${envelope.offer_id}`);
  if (offer.affiliateId !== actor.companyId) throw new ForbiddenError("This offer belongs to another affiliate");

  const existing = await prisma.lead.findUnique({
    where: { affiliateId_externalId: { affiliateId: actor.companyId, externalId: envelope.lead_id } },
  });
  if (existing) return toReceived(existing, false);

  if (offer.status !== "ACTIVE") throw new ConflictError("This offer is paused and takes no leads");
  if (Object.keys(rawFields).length > MAX_LEAD_FIELDS) {
    throw new ValidationError({ fields: `A lead carries at most ${MAX_LEAD_FIELDS} fields` });
  }
  const check = checkLeadFields(offerFieldsSchema.parse(offer.fields), offer.country, rawFields);
  if (!check.ok) throw new ValidationError(check.errors);

  const subIds = Object.fromEntries(SUB_ID_KEYS.flatMap((k) => (envelope[k] ? [[k, envelope[k]]] : [])));
  const rawFieldStrings = Object.fromEntries(Object.entries(rawFields).map(([k, v]) => [k, v == null ? "" : String(v)]));
  try {
    const { lead, message } = await prisma.$transaction(async (tx) => {
      const lead = await tx.lead.create({
        data: {
          offerId: offer.id,
          affiliateId: actor.companyId,
          externalId: envelope.lead_id,
          rawFields: rawFieldStrings,
          subIds,
          ipAddress: envelope.ip_address ?? meta.ipAddress ?? null,
          userAgent: envelope.user_agent ?? meta.userAgent ?? null,
          pingId: meta.pingId ?? null,
        },
      });
      await recordLeadEvent(tx, lead.id, "received", "Received by postback", { externalId: envelope.lead_id });
      const message = await addOutboxMessage(tx, LEAD_PROCESSING_QUEUE, leadProcessingKey(lead.id), { leadId: lead.id });
      return { lead, message };
    });
    await dispatchOutboxMessage(message);
    return toReceived(lead, true);
  } catch (error) {
    // Two identical postbacks raced: the other one stored the lead first.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const first = await prisma.lead.findUniqueOrThrow({
        where: { affiliateId_externalId: { affiliateId: actor.companyId, externalId: envelope.lead_id } },
      });
      return toReceived(first, false);
    }
    throw error;
  }
}
