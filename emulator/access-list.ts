// IP access lists on API keys and service accounts: exact addresses or IPv4 CIDR blocks.
import { BlockList, isIP } from "node:net";

/** True when the list is empty (no restriction) or names the address. */
export function accessListAllows(entries: readonly string[], address: string): boolean {
  if (entries.length === 0) return true;
  const family = isIP(address) === 6 ? "ipv6" : "ipv4";
  const list = new BlockList();
  for (const entry of entries) {
    const [base, bits] = entry.split("/");
    const entryFamily = isIP(base ?? "") === 6 ? "ipv6" : "ipv4";
    if (!base || isIP(base) === 0) continue;
    if (bits !== undefined) list.addSubnet(base, Number(bits), entryFamily);
    else list.addAddress(base, entryFamily);
  }
  return list.check(address, family);
}

export function isAccessListEntry(entry: string): boolean {
  const [base, bits, extra] = entry.split("/");
  if (extra !== undefined || !base) return false;
  const family = isIP(base);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}
