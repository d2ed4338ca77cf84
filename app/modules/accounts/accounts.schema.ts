import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "./accounts.constants";
export * from "./accounts.constants";

export const signUpSchema = z.object({
  name: z.string().trim().min(1, "Enter your name").max(100),
  companyName: z.string().trim().min(1, "Enter your company's name").max(100),
  email: z.string().trim().toLowerCase().email("Enter a valid email address"),
  password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(200),
  role: z.enum(["ADVERTISER", "AFFILIATE"], { message: "Choose advertiser or affiliate" }),
});
export type SignUpInput = z.infer<typeof signUpSchema>;

export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address"),
  password: z.string().min(1, "Enter your password"),
  redirectTo: z.string().optional(),
});

export const apiKeyLabelSchema = z.object({
  label: z.string().trim().min(1, "Give the key a label").max(60),
});

/** Revoking a key: asked first (no `confirm`), done with `confirm=yes`. */
export const apiKeyRevokeFormSchema = z.object({
  id: z.string().min(1, "Choose a key"),
  confirm: z.literal("yes").optional().catch(undefined),
});
