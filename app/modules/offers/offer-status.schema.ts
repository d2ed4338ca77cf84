import { z } from "zod";

/** The offer page's status form: pause, resume, or archive (which must be confirmed: it is final). */
export const offerStatusFormSchema = z
  .object({
    status: z.enum(["ACTIVE", "PAUSED", "ARCHIVED"], { message: "Choose pause, resume or archive" }),
    confirm: z.string().optional(),
  })
  .refine((f) => f.status !== "ARCHIVED" || f.confirm === "on", {
    message: "Tick the box to confirm: an archived offer takes no leads and cannot be reopened",
    path: ["confirm"],
  });
