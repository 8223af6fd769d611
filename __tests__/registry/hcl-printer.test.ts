import {
  breakLongLines,
  hclFile,
  MAX_LINE,
  movedBlock,
  outputBlock,
  resourceBlock,
  terraformBlock,
  variableBlock,
} from "../../modules/registry/hcl-printer";
import { layout, templateParts, tokenize } from "../../modules/registry/hcl-syntax";
import type { ProviderBlocks } from "../../modules/registry/provider-schema";

const BLOCKS: ProviderBlocks = {
  provider: "test 1.0.0",
  resource: {
    aws_thing: { rule: { filter: {} }, tag: {}, timeouts: {} },
    aws_s3_object: {},
  },
  data: { aws_doc: { statement: { condition: {} } } },
};

/** A block as the file would hold it. */
const printed = (lines: string[]) => hclFile("test", [lines]).split("\n").slice(2).join("\n").trimEnd();

test("a string that is one interpolation is a bare expression; other strings are quoted templates", () => {
  const text = printed(
    resourceBlock(
      "resource",
      "aws_s3_object",
      "x",
      { bucket: "${aws_s3_bucket.b.id}", key: 'a "${var.k}" \\ ${jsonencode({"a-b" = "c"})} $${literal}' },
      BLOCKS,
    ),
  );
  expect(text).toContain("bucket = aws_s3_bucket.b.id");
  // Escapes only in the literal parts; the expression inside ${ } keeps its own quotes.
  expect(text).toContain('key    = "a \\"${var.k}\\" \\\\ ${jsonencode({ "a-b" = "c" })} $${literal}"');
});

test("object keys are bare where they are identifiers, in JSON objects and in expressions alike", () => {
  const text = printed(
    resourceBlock(
      "resource",
      "aws_s3_object",
      "x",
      { tags: { Name: "n", "managed-by": "m", for: "f" }, metadata: '${merge(local.m, {"Name" = "x", "a:b" = "y"})}' },
      BLOCKS,
    ),
  );
  expect(text).toContain('tags     = { Name = "n", "managed-by" = "m", "for" = "f" }');
  expect(text).toContain('metadata = merge(local.m, { Name = "x", "a:b" = "y" })');
});

test("nested blocks come from the table; other objects are attributes", () => {
  const text = printed(
    resourceBlock(
      "resource",
      "aws_thing",
      "x",
      {
        tags: { Name: "n", "aws:cost": "c" },
        rule: [{ id: "r", filter: [{}] }],
        timeouts: { create: "5m" },
      },
      BLOCKS,
    ),
  );
  expect(text).toContain('tags = { Name = "n", "aws:cost" = "c" }');
  expect(text).toContain('rule {\n    id = "r"\n\n    filter {}\n  }');
  expect(text).toContain('timeouts {\n    create = "5m"\n  }');
});

test("meta-arguments first, blocks after attributes in the JSON's order (Terraform's order of a name's blocks), lifecycle last", () => {
  const text = printed(
    resourceBlock(
      "resource",
      "aws_thing",
      "x",
      {
        dynamic: { tag: { for_each: "${var.tags}", iterator: "each", content: { key: "${each.key}" } } },
        lifecycle: {
          create_before_destroy: true,
          ignore_changes: ["desired_capacity"],
          precondition: [{ condition: "${var.a > 1}", error_message: "a is ${var.a}" }],
        },
        name: "n",
        tag: [{ key: "static" }],
        count: "${var.on ? 1 : 0}",
        depends_on: ["aws_s3_object.x"],
      },
      BLOCKS,
    ),
  );
  expect(text).toBe(
    [
      'resource "aws_thing" "x" {',
      "  count      = var.on ? 1 : 0",
      "  depends_on = [aws_s3_object.x]",
      "",
      '  name = "n"',
      "",
      '  dynamic "tag" {',
      "    for_each = var.tags",
      "    iterator = each",
      "",
      "    content {",
      "      key = each.key",
      "    }",
      "  }",
      "",
      "  tag {",
      '    key = "static"',
      "  }",
      "",
      "  lifecycle {",
      "    create_before_destroy = true",
      "    ignore_changes        = [desired_capacity]",
      "",
      "    precondition {",
      "      condition     = var.a > 1",
      '      error_message = "a is ${var.a}"',
      "    }",
      "  }",
      "}",
    ].join("\n"),
  );
});

test("a multi-line string is a heredoc that gives back the same text", () => {
  const text = printed(
    resourceBlock(
      "resource",
      "aws_s3_object",
      "x",
      {
        content: "a:\n  b: ${var.b}\n\nEOT\n",
        source: "no trailing newline\nsecond",
        etag: "  all indented\n  lines\n",
        key: "# head\n${local.profile}",
      },
      BLOCKS,
    ),
  );
  // The body contains a line EOT: another delimiter.
  expect(text).toContain("content = <<-EOT1\n    a:\n      b: ${var.b}\n\n    EOT\n  EOT1\n");
  // A line that opens a bracket joins no alignment of `=` (hclwrite's rule).
  expect(text).toContain("source = chomp(<<-EOT\n    no trailing newline\n    second\n  EOT\n  )");
  // Every line indented: `<<-` would strip the text's own indentation, so the plain form.
  expect(text).toContain("etag = <<EOT\n  all indented\n  lines\nEOT\n");
  // chomp() would also take the newlines the interpolation's value ends with: a strip marker drops
  // only the heredoc's own.
  expect(text).toMatch(/ {2}key += <<-EOT\n {4}# head\n {4}\$\{local\.profile~\}\n {2}EOT\n/);
});

test("a variable: type as a type expression, default and description as literals, validation blocks", () => {
  const text = printed(
    variableBlock("v", {
      type: 'object({ a = optional(string, "x") })',
      default: { a: "${not interpolated}" },
      description: "Costs ${price}.",
      nullable: false,
      validation: [{ condition: '${var.v.a != ""}', error_message: "v.a is ${var.v.a}." }],
    }),
  );
  expect(text).toBe(
    [
      'variable "v" {',
      '  description = "Costs $${price}."',
      '  type        = object({ a = optional(string, "x") })',
      '  default     = { a = "$${not interpolated}" }',
      "  nullable    = false",
      "",
      "  validation {",
      '    condition     = var.v.a != ""',
      '    error_message = "v.a is ${var.v.a}."',
      "  }",
      "}",
    ].join("\n"),
  );
});

test("a description too long for its line is wrapped into a heredoc, word for word", () => {
  const description = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
  const text = printed(outputBlock("o", { description, value: "${var.x}" }));
  expect(text).toMatch(/^ {2}description = <<-EOT\n/m);
  const body = text.split("<<-EOT\n")[1].split("\n  EOT")[0];
  expect(body.split(/\s+/).filter(Boolean)).toEqual(description.split(" "));
  expect(Math.max(...text.split("\n").map((l) => l.length))).toBeLessThanOrEqual(MAX_LINE);
});

test("terraform: required_providers one setting per line", () => {
  expect(
    printed(
      terraformBlock({
        required_providers: { aws: { source: "hashicorp/aws", version: ">= 5.100.0, < 7.0.0" } },
        required_version: ">= 1.10",
      }),
    ),
  ).toBe(
    [
      "terraform {",
      '  required_version = ">= 1.10"',
      "",
      "  required_providers {",
      "    aws = {",
      '      source  = "hashicorp/aws"',
      '      version = ">= 5.100.0, < 7.0.0"',
      "    }",
      "  }",
      "}",
    ].join("\n"),
  );
});

test("a long expression is broken at top-level commas, indented by bracket depth, and nothing else changes", () => {
  const names = Array.from({ length: 14 }, (_, i) => `aws_s3_object.configuration_file_${i}.version_id`);
  const source = `tags = merge(local.tags, { "Version" = sha256(join(",", [${names.join(", ")}])), Name = "\${var.name}-x" })`;
  const text = layout(breakLongLines(tokenize(`resource "a" "b" {\n${source}\n}`)));
  const lines = text.split("\n");
  expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(MAX_LINE);
  // The last argument hugs its call: one indent per broken line, not one per bracket.
  expect(lines.slice(1, 4)).toEqual([
    "  tags = merge(local.tags, {",
    '    "Version" = sha256(join(",", [',
    "      aws_s3_object.configuration_file_0.version_id,",
  ]);
  expect(lines.slice(-4)).toEqual(["    ]))", '    Name = "${var.name}-x"', "  })", "}"]);
  // A fixed point of the layout, as `terraform fmt` is of its own output.
  expect(layout(tokenize(text))).toBe(text);
  // The same tokens, but for the newlines and the commas the breaks add or take away.
  const significant = (s: string) =>
    tokenize(s)
      .filter((t) => t.type !== "newline" && t.type !== "comma")
      .map((t) => t.text)
      .join(" ");
  expect(significant(text)).toBe(significant(`resource "a" "b" {\n${source}\n}`));
});

test("templateParts keeps every character and tells escapes from sequences", () => {
  const source = 'a $${b} %%{c} ${d("}")} %{ if e }f%{ endif }';
  const parts = templateParts(source);
  expect(parts.map((p) => p.text).join("")).toBe(source);
  expect(parts.filter((p) => p.kind === "sequence").map((p) => p.text)).toEqual([
    '${d("}")}',
    "%{ if e }",
    "%{ endif }",
  ]);
});

test("errors name the place and the value", () => {
  expect(() => resourceBlock("resource", "aws_unknown", "x", {}, BLOCKS)).toThrow(
    /aws_unknown\.x: test 1\.0\.0 has no resource type aws_unknown in provider-blocks\.json/,
  );
  expect(() => resourceBlock("resource", "aws_thing", "x", { rule: "${var.rules}" }, BLOCKS)).toThrow(
    /aws_thing\.x\.rule: a nested block must be a JSON object; got "\$\{var\.rules\}"/,
  );
  expect(() =>
    resourceBlock("resource", "aws_thing", "x", { dynamic: { nope: { for_each: "[]", content: {} } } }, BLOCKS),
  ).toThrow(/aws_thing\.x\.dynamic\.nope: not a nested block of this type/);
});

test("a quoted template too long for its line becomes join() of its parts, one per line; short ones stay", () => {
  const long = `"${"x".repeat(60)}:\${coalesce(var.hostname, aws_lb.this.dns_name)}\${var.https ? "" : format(":%d", var.port)}/\${var.path}"`;
  const text = layout(breakLongLines(tokenize(`output "o" {\nvalue = ${long}\nshort = "a-\${var.b}"\n}`)));
  expect(text).toBe(
    [
      'output "o" {',
      '  value = join("", [',
      `    "${"x".repeat(60)}:",`,
      "    coalesce(var.hostname, aws_lb.this.dns_name),",
      '    var.https ? "" : format(":%d", var.port),',
      '    "/",',
      "    var.path,",
      "  ])",
      '  short = "a-${var.b}"',
      "}",
    ].join("\n"),
  );
});

test("moved blocks name addresses bare, as Terraform reads them", () => {
  expect(
    printed(movedBlock({ from: "aws_iam_role.managed_account_role", to: "aws_iam_role.managed_account_role[0]" }, 0)),
  ).toBe(
    [
      "moved {",
      "  from = aws_iam_role.managed_account_role",
      "  to   = aws_iam_role.managed_account_role[0]",
      "}",
    ].join("\n"),
  );
});

test("a long conditional breaks before `?` and `:`, parenthesized where a newline would end the attribute", () => {
  const branch = (n: number) => `format("redis%s", element(split(".", var.redis.engine_version_${n}), 0))`;
  const cond = `tonumber(element(split(".", var.redis.engine_version), 0)) >= 7 ? ${branch(1)} : ${branch(2)}`;
  const text = layout(
    breakLongLines(tokenize(`resource "a" "b" {\nfamily = ${cond}\nname = replace(${cond}, ".", "")\n}`)),
  );
  expect(text).toBe(
    [
      'resource "a" "b" {',
      "  family = (",
      '    tonumber(element(split(".", var.redis.engine_version), 0)) >= 7',
      `    ? ${branch(1)}`,
      `    : ${branch(2)}`,
      "  )",
      "  name = replace(",
      '    tonumber(element(split(".", var.redis.engine_version), 0)) >= 7',
      `    ? ${branch(1)}`,
      `    : ${branch(2)},`,
      '    ".",',
      '    "",',
      "  )",
      "}",
    ].join("\n"),
  );
  expect(layout(tokenize(text))).toBe(text);
});
