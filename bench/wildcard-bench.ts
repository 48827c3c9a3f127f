// How long OrgRoster's `ignore` matching takes on a pathological pattern (ten stars, a near-miss):
// the linear matcher of provider/access/wildcard over 1,000 long usernames, against the RegExp it
// replaces (`^.*a.*a…$`, "i") on ONE short username, because that one backtracks exponentially
// and a 60-character username would run for minutes.
// Run: `tsc -p tsconfig.json && node dist/bench/wildcard-bench.js`.
import { performance } from "node:perf_hooks";
import { compileWildcard } from "../provider/access/wildcard";

const PATTERN = "*a*a*a*a*a*a*a*a*a*a-contractor@acme.com";
const MEMBERS = 1_000;
const ROUNDS = 20;
/** Lengths of the one username given to the RegExp: under a second in all; past 40 each 5 a's cost about 4x more. */
const OLD_LENGTHS = [26, 30, 35, 40];

function oldRegex(pattern: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${pattern.split("*").map(escape).join(".*")}$`, "i");
}

function ms(start: number): string {
  return `${(performance.now() - start).toFixed(3)} ms`;
}

// 1,000 near-misses of 69 to 108 characters: 60 to 99 a's, then "@acme.com".
const members = Array.from({ length: MEMBERS }, (_, i) => "a".repeat(60 + (i % 40)) + "@acme.com");

console.log(`pattern: ${PATTERN}`);
let start = performance.now();
const test = compileWildcard(PATTERN);
let matched = members.filter(test).length;
console.log(
  `new matcher, compile + first pass over ${MEMBERS} usernames (${members[0]?.length}-${members.at(-1)?.length} chars): ${ms(start)}, ${matched} matched`,
);
start = performance.now();
for (let round = 0; round < ROUNDS; round += 1) matched = members.filter(test).length;
const perPass = (performance.now() - start) / ROUNDS;
console.log(`new matcher, mean of ${ROUNDS} more passes over the same ${MEMBERS}: ${perPass.toFixed(3)} ms per pass, ${matched} matched`);

const regex = oldRegex(PATTERN);
for (const length of OLD_LENGTHS) {
  const username = "a".repeat(length) + "@acme.com";
  start = performance.now();
  const hit = regex.test(username);
  console.log(`old RegExp, ONE username (${length} a's + "@acme.com", ${username.length} chars): ${ms(start)}, matched: ${hit}`);
}
console.log("old RegExp on 60+ a's: not run (45 a's took about 2 s and 50 about 10 s on a 2-core machine; 60 runs for minutes).");
