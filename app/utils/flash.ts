/** A one-time message after an action (flash.server.ts writes and reads it). Safe on both sides. */
export interface Flash {
  kind: "success" | "error";
  message: string;
}
