// The rosters' outputs are JSON Lines (provider/access/roster-outputs): tests look entries up by name.
import { idOf, rosterLines } from "../../provider/access/roster-outputs";

/**
 * The entries of a roster output by their name (`username`, or `name` for teams), the name field
 * left in; a second entry of the same name (a person's second invitation) is `name#<its id>`.
 * Fails on anything but a string, so a test cannot pass on a missing output.
 */
export function byName<T extends object = Record<string, unknown>>(output: unknown, nameField = "username"): Record<string, T> {
  if (typeof output !== "string") throw new Error(`a roster output is a string of JSON Lines, got ${JSON.stringify(output)}`);
  const out: Record<string, T> = {};
  for (const entry of rosterLines<Record<string, unknown>>(output)) {
    const name = String(entry[nameField]);
    Object.defineProperty(out, Object.hasOwn(out, name) ? `${name}#${idOf(entry)}` : name, {
      value: entry,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** A roster output string holding `entries` (each with its name field), as the provider writes it for a state: every line ends in "\n". */
export function linesOf(entries: readonly object[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join("");
}
