import { z } from "zod";

// Posts the checked rows of an advertiser's conversion CSV (workers/conversion-upload.processor.ts).
export const CONVERSION_UPLOAD_QUEUE = "conversion-upload";

export const conversionUploadPayloadSchema = z.object({ uploadId: z.string().min(1) });
export type ConversionUploadPayload = z.infer<typeof conversionUploadPayloadSchema>;

/** Outbox key for an upload: also the Bull job id, so one upload is one job. */
export function conversionUploadKey(uploadId: string): string {
  return `conversion-upload:${uploadId}`;
}
