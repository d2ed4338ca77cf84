import { z } from "zod";
import { whyTextIsUnstorable } from "./storable-text";

/** A list's search box in the URL (`q`): 1 to `max` printable characters, so a NUL never reaches PostgreSQL. */
export const searchTextParam = (max = 100) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => whyTextIsUnstorable(v) === null);
