// Every relative link in the repository's Markdown files resolves: the file or folder it names
// exists (inside the repository), and a `#anchor` into a Markdown file (or within the same file)
// names one of its headings, slugged as GitHub does. External links (http:, https:, mailto:, any
// scheme) are not followed. Code blocks and code spans hold no links. Skipped folders: node_modules,
// dist, .git, and the git-ignored work folders (.e2e-work, coverage).

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const SKIPPED_DIRS = new Set(["node_modules", "dist", ".git", ".e2e-work", "coverage"]);

/** The Markdown files under `root`, as paths relative to it (sorted, `/`-separated). */
function markdownFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(join(dir, entry.name));
      } else if (entry.isFile() && entry.name.toLowerCase().endsWith(".md")) {
        found.push(relative(root, join(dir, entry.name)).split(sep).join("/"));
      }
    }
  };
  walk(root);
  return found.sort();
}

/** `text` with fenced code blocks and HTML comments blanked (same length, newlines kept), so offsets still give line numbers. */
function withoutCodeBlocks(text: string): string {
  const blank = (s: string): string => s.replace(/[^\n]/g, " ");
  const lines = text.split("\n");
  let fence: string | undefined;
  const out = lines.map((line) => {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined) {
      if (open?.[1] !== undefined) {
        fence = open[1];
        return blank(line);
      }
      return line;
    }
    if (open?.[1] !== undefined && open[1][0] === fence[0] && open[1].length >= fence.length && line.trim() === open[1]) fence = undefined;
    return blank(line);
  });
  return out.join("\n").replace(/<!--[\s\S]*?-->/g, blank);
}

/** Code spans (which never cross a blank line) blanked as well. */
function withoutCode(text: string): string {
  return withoutCodeBlocks(text).replace(/(`+)(?!`)(?:(?!\n[ \t]*\n)[\s\S])*?(?<!`)\1(?!`)/g, (s) => s.replace(/[^\n]/g, " "));
}

interface Link {
  line: number;
  target: string;
}

/** The link destinations of a Markdown text: inline links and images, reference definitions, HTML href/src. */
function linksIn(text: string): Link[] {
  const prose = withoutCode(text);
  const lineAt = (offset: number): number => prose.slice(0, offset).split("\n").length;
  const links: Link[] = [];
  const patterns = [
    // [text](dest "title") and ![alt](dest); dest may be <in angle brackets> or hold balanced parentheses.
    /\]\(\s*(<[^>\n]*>|(?:[^\s()]|\([^\s()]*\))*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g,
    // [label]: dest
    /^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)/gm,
    // <a href="dest">, <img src="dest">
    /<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*"([^"]*)"/gi,
  ];
  for (const pattern of patterns) {
    for (const match of prose.matchAll(pattern)) {
      const raw = match[1] ?? "";
      const target = raw.startsWith("<") && raw.endsWith(">") ? raw.slice(1, -1) : raw;
      links.push({ line: lineAt(match.index), target });
    }
  }
  return links.sort((a, b) => a.line - b.line);
}

/** GitHub's heading slug (github-slugger): lowercase, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The text a heading renders to: code spans' content, link and image text, no emphasis markers or HTML tags. */
function headingText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(`+)(?!`)(.*?)(?<!`)\1(?!`)/g, "$2")
    .replace(/<[^>]+>/g, "")
    .replace(/\*+/g, "")
    .trim();
}

/** The anchors of a Markdown text: its headings' slugs (repeats numbered -1, -2, … as GitHub does) and HTML ids/names. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const add = (heading: string): void => {
    const base = slug(headingText(heading));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  };
  const lines = withoutCodeBlocks(text).split("\n");
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx) {
      add(atx[1] ?? "");
      return;
    }
    const previous = lines[i - 1];
    const setext = /^ {0,3}(=+|-+)[ \t]*$/.test(line) && previous !== undefined && previous.trim() !== "";
    if (setext && !/^ {0,3}(#|[-*+] |\d+[.)] |>|\|)/.test(previous)) add(previous.trim());
  });
  for (const match of text.matchAll(/<[a-z][^>]*?\b(?:id|name)\s*=\s*"([^"]+)"/gi)) anchors.add(match[1] ?? "");
  return anchors;
}

interface BrokenLink {
  file: string;
  line: number;
  target: string;
  problem: string;
}

/** Every broken relative link in the Markdown files under `root`. */
function brokenLinks(root: string, files: readonly string[]): BrokenLink[] {
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOfFile = (path: string): Set<string> => {
    let anchors = anchorCache.get(path);
    if (anchors === undefined) {
      anchors = anchorsOf(readFileSync(path, "utf8"));
      anchorCache.set(path, anchors);
    }
    return anchors;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    const source = join(root, file);
    for (const { line, target } of linksIn(readFileSync(source, "utf8"))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue; // external: http(s), mailto, …
      const report = (problem: string): void => void broken.push({ file, line, target, problem });
      const hash = target.indexOf("#");
      const pathPart = (hash === -1 ? target : target.slice(0, hash)).replace(/\?.*$/, "");
      const fragment = hash === -1 ? undefined : target.slice(hash + 1);
      let path: string;
      try {
        const decoded = decodeURIComponent(pathPart);
        path = decoded === "" ? source : decoded.startsWith("/") ? join(root, decoded) : resolve(dirname(source), decoded);
      } catch {
        report("not a valid URL");
        continue;
      }
      if (path !== root && !path.startsWith(root + sep)) {
        report("points outside the repository");
        continue;
      }
      if (!existsSync(path)) {
        report("no such file or folder");
        continue;
      }
      if (fragment === undefined || fragment === "" || !statSync(path).isFile() || !path.toLowerCase().endsWith(".md")) continue;
      let anchor: string;
      try {
        anchor = decodeURIComponent(fragment);
      } catch {
        report("not a valid anchor");
        continue;
      }
      if (!anchorsOfFile(path).has(anchor)) report(`no heading with the anchor #${anchor} in ${relative(root, path).split(sep).join("/")}`);
    }
  }
  return broken;
}

describe("relative links in the repository's Markdown files", () => {
  const files = markdownFiles(ROOT);

  it("finds the Markdown files, node_modules and dist left out", () => {
    expect(files).toContain("README.md");
    expect(files).toContain("CHANGELOG.md");
    expect(files.some((f) => f.startsWith("docs/"))).toBe(true);
    expect(files.filter((f) => f.split("/").some((part) => SKIPPED_DIRS.has(part)))).toEqual([]);
  });

  it("all resolve: the file exists and an anchor names a heading", () => {
    const linkCount = files.reduce((n, f) => n + linksIn(readFileSync(join(ROOT, f), "utf8")).length, 0);
    expect(linkCount).toBeGreaterThan(20); // the check is not vacuous
    const broken = brokenLinks(ROOT, files).map((b) => `${b.file}:${b.line}: ${b.target} (${b.problem})`);
    expect(broken).toEqual([]);
  });
});

describe("the link checker", () => {
  it("slugs headings as GitHub does", () => {
    expect(slug(headingText("The API client (`sdk/`)"))).toBe("the-api-client-sdk");
    expect(slug(headingText('When "not found" counts'))).toBe("when-not-found-counts");
    expect(slug(headingText("Renames, moves and replacements"))).toBe("renames-moves-and-replacements");
    expect(slug(headingText("[0.1.0] - 2026-01-01"))).toBe("010---2026-01-01");
    expect(slug(headingText("**Bold** and `code_span`"))).toBe("bold-and-code_span");
    expect([...anchorsOf("# A\n\n## A\n\nSetext\n------\n\n```\n# not a heading\n```\n")]).toEqual(["a", "a-1", "setext"]);
  });

  it("ignores links in code and external links", () => {
    const text = "[a](a.md) `[b](b.md)`\n\n```md\n[c](c.md)\n```\n[d](https://example.com/x.md) [e](mailto:x@example.com)\n[f]: f.md\n";
    expect(linksIn(text).map((l) => l.target)).toEqual(["a.md", "https://example.com/x.md", "mailto:x@example.com", "f.md"]);
  });

  it("reports a missing file, a missing anchor and a link out of the repository, and accepts good ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "markdown-links-"));
    try {
      mkdirSync(join(dir, "folder"));
      writeFileSync(join(dir, "a.md"), "# Title\n\n## Some section\n\n[ok](b.md#other) [ok](#some-section) [ok](folder/) [ok](/b.md)\n");
      writeFileSync(
        join(dir, "b.md"),
        "# Other\n\n[gone](missing.md) [bad anchor](a.md#nowhere)\n[ok](a.md#title) [gone](missing/)\n\n[out](../../etc/passwd)\n",
      );
      writeFileSync(join(dir, "c.txt"), "");
      writeFileSync(join(dir, "d.md"), "[ok](c.txt#L1) [ok](folder)\n");
      expect(brokenLinks(dir, ["a.md", "b.md", "d.md"])).toEqual([
        { file: "b.md", line: 3, target: "missing.md", problem: "no such file or folder" },
        { file: "b.md", line: 3, target: "a.md#nowhere", problem: "no heading with the anchor #nowhere in a.md" },
        { file: "b.md", line: 4, target: "missing/", problem: "no such file or folder" },
        { file: "b.md", line: 6, target: "../../etc/passwd", problem: "points outside the repository" },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
