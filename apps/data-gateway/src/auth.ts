import { createHash, timingSafeEqual } from "node:crypto";

export type AuthResult = "ok" | "missing" | "invalid";

/**
 * Checks an `Authorization: Bearer <token>` header against the expected token. Both tokens are
 * hashed to SHA-256 before `timingSafeEqual`, so the comparison takes the same time whatever
 * the length or content of the presented token.
 */
export function checkBearerToken(header: string | undefined, expected: string): AuthResult {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) {
    return "missing";
  }
  const presented = createHash("sha256").update(match[1]).digest();
  const expectedDigest = createHash("sha256").update(expected).digest();
  return timingSafeEqual(presented, expectedDigest) ? "ok" : "invalid";
}
