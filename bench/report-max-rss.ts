// Preloaded (`node --require`) into a process a bench measures: at exit, writes the process's peak
// resident memory in bytes (process.resourceUsage().maxRSS is in kilobytes) to the file named by
// ADOPT_BENCH_MAX_RSS_FILE. The measured program itself knows nothing of it.

import { writeFileSync } from "node:fs";

const file = process.env["ADOPT_BENCH_MAX_RSS_FILE"];
if (file !== undefined && file !== "") {
  process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
}
