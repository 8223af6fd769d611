/**
 * The README and the guides in docs/ stay true to the repository. Every relative link reaches a file
 * (and a heading, with an anchor); every ```sh block runs only known programs, npm scripts that
 * package.json has, stacks the app synthesizes, `TF_VAR_` variables the stacks declare, `SPINNAKER_*`
 * overrides the loader reads and paths that exist; every YAML configuration loads; every module call
 * gives only inputs the module has; every TypeScript import names an export of the package.
 * docs/api/ is TypeDoc's (a tools test keeps it current) and is not read here.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { type App, Testing } from "cdktf";
import { parse } from "yaml";
import * as api from "../modules";
import { addStacks } from "../modules/app";
import { ENTRY_POINT_VARIABLES, ENVIRONMENT_OVERRIDES, loadConfigurationObject } from "../modules/config/load";
import { settingsFrom, synthStack } from "./helpers";

const ROOT = join(__dirname, "..");
const DOCUMENTS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
];
const text = (file: string) => readFileSync(join(ROOT, file), "utf8");
const SCRIPTS: Record<string, string> = JSON.parse(text("package.json")).scripts;

interface Block {
  readonly file: string;
  readonly language: string;
  readonly body: string;
}

function blocksOf(file: string): Block[] {
  return [...text(file).matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ file, language: m[1], body: m[2] }));
}
const BLOCKS = DOCUMENTS.flatMap(blocksOf);
const blocks = (...languages: string[]) => BLOCKS.filter((b) => languages.includes(b.language));
/** `[file, block]` rows for test.each, named by file and first line. */
const rows = (list: Block[]) => list.map((b) => [`${b.file}: ${b.body.split("\n")[0]}`, b] as const);

/** The text outside fenced blocks, where headings are. */
const outsideBlocks = (markdown: string) => markdown.replace(/^```[\s\S]*?^```$/gm, "");
/** The text outside fenced blocks and inline code, where links are. */
const prose = (markdown: string) => outsideBlocks(markdown).replace(/`[^`\n]*`/g, "");

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of outsideBlocks(text(file)).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

const LINKS = DOCUMENTS.flatMap((file) =>
  [...prose(text(file)).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => [file, target] as const),
);

describe("links", () => {
  test("finds the links it checks", () => {
    expect(LINKS.length).toBeGreaterThan(20);
  });

  test.each(LINKS)("%s links to %s, which exists", (file, target) => {
    const [path, anchor] = target.split("#");
    const resolved = path === "" ? file : normalize(join(dirname(file), path));
    expect(relative(ROOT, join(ROOT, resolved)).startsWith("..")).toBe(false);
    expect(existsSync(join(ROOT, resolved))).toBe(true);
    if (anchor !== undefined) expect([...anchorsOf(resolved)]).toContain(anchor);
  });
});

describe("the README is a front door", () => {
  test("of 250 lines at most", () => {
    expect(text("README.md").split("\n").length).toBeLessThanOrEqual(250);
  });

  test("with the two set-up commands first", () => {
    const first = blocks("sh")[0];
    expect(first.file).toBe("README.md");
    expect(first.body).toMatch(/^npm ci && npm run synth\b.*\nnpm ci && npm test\b/);
  });

  test.each(DOCUMENTS.filter((f) => f !== "README.md"))("that links to %s", (file) => {
    const fromReadme = LINKS.filter(([f]) => f === "README.md").map(([, target]) => target.split("#")[0]);
    expect(fromReadme).toContain(file);
  });
});

/** What the app synthesizes, and what its stacks and modules declare. */
const TLS = {
  loadBalancer: {
    certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/a",
    hostname: "spinnaker.example.com",
  },
};
const synthesized = (stack: string) => synthStack(settingsFrom(TLS), stack);
const STACKS = Object.keys(addStacks(Testing.app() as App, settingsFrom()));
const STACK_VARIABLES = new Set(["standalone", "ha"].flatMap((s) => Object.keys(synthesized(s).variable ?? {})));
const MODULES = { standalone: synthesized("standalone-module"), ha: synthesized("ha-module") };
const EXPORTS = new Set(Object.keys(api));
const OVERRIDES = new Set<string>([...ENTRY_POINT_VARIABLES, ...Object.keys(ENVIRONMENT_OVERRIDES)]);

/** Environments the YAML blocks of a document configure (`standalone-<environment>` stacks). */
function environmentsOf(file: string): string[] {
  return blocksOf(file)
    .filter((b) => b.language === "yaml")
    .flatMap((b) => Object.keys((parse(b.body) as { environments?: object } | null)?.environments ?? {}));
}

/** The words of one command, quotes removed; `$(...)` kept as one word. */
function words(command: string): string[] {
  return [...command.matchAll(/"(?:\$\([^)]*\)|[^"])*"|'[^']*'|\S+/g)].map((m) => m[0].replace(/^(["'])(.*)\1$/, "$2"));
}

/** Commands of a shell block: comments dropped, continuations joined, split at `&&`, `;` and `|`. */
function commands(body: string): string[] {
  return body
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter((line) => line !== "")
    .flatMap((line) => line.split(/\s*(?:&&|;|\|)\s*/))
    .filter((c) => c !== "");
}

const PROGRAMS = new Set(["npm", "npx", "export", "cd", "cp", "mkdir", "terraform", "git"]);
const TOP_LEVEL = new Set(readdirSync(ROOT));

/**
 * What is wrong with a path a command names, or undefined. Paths outside the repository (`../`,
 * absolute ones that no `cp` made from the repository) and registry specs are not judged.
 */
function pathProblem(word: string, copies: Map<string, string>, mustExist = false): string | undefined {
  let path = word.replace(/\/$/, "");
  for (const [copy, source] of copies) {
    if (path === copy || path.startsWith(`${copy}/`)) path = source + path.slice(copy.length);
  }
  if (path.startsWith("/") || path.startsWith("..") || path.includes("@")) return undefined;
  const first = path.split("/")[0];
  if (first === "cdktf.out") {
    const stack = /^cdktf\.out\/stacks\/([^/]+)/.exec(path)?.[1];
    return stack !== undefined && STACKS.includes(stack) ? undefined : `${path}: no stack the app synthesizes`;
  }
  if (!mustExist && !path.includes("/") && !TOP_LEVEL.has(path)) return undefined;
  return existsSync(join(ROOT, path)) ? undefined : `${path}: no such file or folder in the repository`;
}

function shellProblems(block: Block): string[] {
  const problems: string[] = [];
  const environments = environmentsOf(block.file);
  const copies = new Map<string, string>();
  for (const command of commands(block.body)) {
    const w = words(command.replace(/^(\w+=\S+\s+)+/, ""));
    const [program, sub, target] = w;
    if (!PROGRAMS.has(program)) problems.push(`${command}: ${program} is not a program the documents may use`);
    if (program === "npm" && sub === "run" && !(target in SCRIPTS))
      problems.push(`${command}: no npm script ${target}`);
    if (program === "npm" && sub === "test" && !("test" in SCRIPTS)) problems.push(`${command}: no npm test script`);
    if (program === "npx" && sub === "cdktf" && ["deploy", "destroy", "diff", "plan"].includes(target)) {
      for (const stack of w.slice(3).filter((x) => !x.startsWith("-"))) {
        const environment = /^(?:standalone|ha)-([a-z0-9]+)$/.exec(stack)?.[1];
        const known = STACKS.includes(stack) || (environment !== undefined && environments.includes(environment));
        if (!known) problems.push(`${command}: no stack ${stack}`);
      }
    }
    if (program === "export") {
      const name = /^(\w+)=/.exec(sub ?? "")?.[1] ?? "";
      if (name.startsWith("TF_VAR_") && !STACK_VARIABLES.has(name.slice("TF_VAR_".length)))
        problems.push(`${command}: no stack variable ${name.slice("TF_VAR_".length)}`);
      if (name.startsWith("SPINNAKER_") && !OVERRIDES.has(name))
        problems.push(`${command}: ${name} is not a variable the configuration loader reads`);
    }
    if (program === "cp" && w.length >= 3) {
      const [source, copy] = w.slice(-2);
      const problem = pathProblem(source, copies, true);
      if (problem !== undefined) problems.push(`${command}: ${problem}`);
      if (copy.startsWith("/")) copies.set(copy, source);
    }
    const named = w.slice(1, program === "cp" ? -2 : undefined);
    for (const word of named.filter((x) => !x.startsWith("-") && !x.includes("=") && /[/.]/.test(x))) {
      const problem = pathProblem(word, copies);
      if (problem !== undefined) problems.push(`${command}: ${problem}`);
    }
  }
  return problems;
}

describe("command blocks", () => {
  test("finds the blocks it checks", () => {
    expect(blocks("sh").length).toBeGreaterThan(10);
    expect(STACKS).toEqual(expect.arrayContaining(["state", "standalone", "ha", "standalone-module", "ha-module"]));
  });

  test.each(rows(blocks("sh")))("%s: programs, scripts, stacks, variables and paths exist", (_, block) => {
    expect(shellProblems(block)).toEqual([]);
  });

  test("the checks catch what they are for", () => {
    const problems = (body: string) => shellProblems({ file: "docs/configuration.md", language: "sh", body });
    expect(problems("npm run synth && npm test\nnpx cdktf deploy standalone-staging")).toEqual([]);
    expect(problems("npm run synthesize")).toEqual(["npm run synthesize: no npm script synthesize"]);
    expect(problems("npx cdktf deploy standalone-qa")).toEqual([
      "npx cdktf deploy standalone-qa: no stack standalone-qa",
    ]);
    expect(problems("export TF_VAR_vpc=vpc-1")).toEqual(["export TF_VAR_vpc=vpc-1: no stack variable vpc"]);
    expect(problems("export SPINNAKER_BUCKET=b")).toHaveLength(1);
    expect(problems("cp -r terraform-aws-spinaker /tmp/x\ncd /tmp/x/examples")).toHaveLength(2);
    expect(problems("cp -r terraform-aws-spinnaker /tmp/x\ncd /tmp/x/examples/standalone")).toEqual([]);
    expect(problems("ls cdktf.out/stacks/standalone-modul")).toHaveLength(2);
  });
});

describe("configuration and code blocks", () => {
  const yamlBlocks = blocks("yaml").map((b) => [b, parse(b.body)] as const);

  test.each(
    rows(
      yamlBlocks.filter(([, doc]) => doc !== null && typeof doc === "object" && !Array.isArray(doc)).map(([b]) => b),
    ),
  )("%s: a configuration that loads", (_, block) => {
    expect(() =>
      loadConfigurationObject({ state: { backend: "local" }, ...parse(block.body) }, block.file),
    ).not.toThrow();
  });

  test.each(rows(blocks("json")))("%s: JSON that parses", (_, block) => {
    expect(() => JSON.parse(block.body)).not.toThrow();
  });

  const META = new Set(["source", "version", "for_each", "count", "providers", "depends_on"]);
  const calls = blocks("hcl").flatMap((b) =>
    [...b.body.matchAll(/^module "[^"]+" \{\n([\s\S]*?)^\}/gm)].map(
      (m) => [`${b.file}: ${m[0].split("\n")[1].trim()}`, m[1]] as const,
    ),
  );

  test("finds the module calls it checks", () => {
    expect(calls.length).toBeGreaterThanOrEqual(6);
  });

  test.each(calls)("%s: every input is one the module has", (_, body) => {
    const source = /^\s*source\s*=\s*"([^"]+)"/m.exec(body)?.[1] ?? "";
    const module = /(^|\/)(modules\/ha|ha-module)$/.test(source) ? MODULES.ha : MODULES.standalone;
    const inputs = [...body.matchAll(/^ {2}(\w+)\s*=/gm)].map((m) => m[1]).filter((name) => !META.has(name));
    expect(inputs.filter((name) => !(name in (module.variable ?? {})))).toEqual([]);
  });

  test("every data source the documents name is one the modules have", () => {
    const named = DOCUMENTS.flatMap((f) => [...text(f).matchAll(/\bdata\.(aws_\w+)\.(\w+)/g)].map((m) => [m[1], m[2]]));
    const has = ([type, name]: string[]) =>
      Object.values(MODULES).some((m) => m.data?.[type]?.[name] !== undefined) || name === "current";
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((d) => !has(d))).toEqual([]);
  });

  test.each(rows(blocks("ts")))("%s: imports only what the package exports", (_, block) => {
    const index = text("modules/index.ts");
    const imported = [...block.body.matchAll(/import \{([^}]*)\} from "cdktf-spinnaker-aws"/g)].flatMap((m) =>
      m[1].split(",").map((s) => s.trim()),
    );
    expect(imported.length).toBeGreaterThan(0);
    for (const name of imported) {
      if (name.startsWith("type ")) expect(index).toMatch(new RegExp(`\\b${name.slice(5)}\\b`));
      else expect(EXPORTS.has(name)).toBe(true);
    }
  });

  test("the layout names only paths that exist", () => {
    const layout = BLOCKS.find((b) => b.file === "docs/development.md" && b.language === "text");
    expect(layout).toBeDefined();
    const paths = (layout as Block).body
      .split("\n")
      .map((line) => line.split(/\s+/)[0])
      .filter((p) => p !== "");
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      const [dir, glob] = path.split("*");
      const found =
        glob === undefined
          ? existsSync(join(ROOT, path))
          : readdirSync(join(ROOT, dir)).some((f) => f.endsWith(glob.replace(/^\./, ".")));
      expect([path, found]).toEqual([path, true]);
    }
  });
});
