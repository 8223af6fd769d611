/**
 * The rule vocabulary: one message per rule, rendered for the configuration (zod) and for Terraform
 * (validation blocks). That both gates then accept and refuse the same values is parity.test.ts's
 * proof (tools tier), which runs Terraform.
 */
import { z } from "zod";
import {
  atMostOne,
  choiceMap,
  cidrBlock,
  distinct,
  entries,
  entryRelationValidations,
  entryValidations,
  exactlyOne,
  given,
  hclPattern,
  implies,
  list,
  memberOf,
  number,
  objectList,
  on,
  pattern,
  RULE_LOCALS,
  relationsCheck,
  relationValidations,
  ruleValidations,
  text,
  together,
  uniqueBy,
  whole,
} from "../../modules/config/rules";
import { InternalError } from "../../modules/errors";

const messages = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

test("a rule's message is the same in both gates, the setting spelt as each gate spells it", () => {
  const vpc = text(pattern(/^vpc-[0-9a-f]{8}$/, "a VPC id such as vpc-01234567"));
  expect(messages(vpc.zod, "vpc-x")).toEqual([": expected a VPC id such as vpc-01234567"]);
  expect(vpc.validations("vpc_id", "var.vpc_id")).toEqual([
    {
      condition: '${try(can(regex("^vpc-[0-9a-f]{8}$", var.vpc_id)), false)}',
      errorMessage: "vpc_id: expected a VPC id such as vpc-01234567, got ${jsonencode(var.vpc_id)}.",
    },
  ]);
});

test("an optional attribute lets null through, and says so", () => {
  const [v] = text(pattern(/^a$/, "a")).validations("x.y", "var.x.y", true);
  expect(v.condition).toBe('${var.x.y == null || try(can(regex("^a$", var.x.y)), false)}');
  expect(v.errorMessage).toBe("x.y: expected null or a, got ${jsonencode(var.x.y)}.");
});

test.each([
  [30, true],
  [16384, true],
  [29, false],
  [16385, false],
  [30.5, false],
])("whole(30, 16384) judges %p as %p, and renders the same limits in HCL", (value, ok) => {
  const rule = whole(30, 16384, " GiB");
  expect(rule.test(value)).toBe(ok);
  expect(rule.hcl("x")).toBe("x >= 30 && x <= 16384 && floor(x) == x");
  expect(messages(number(rule).zod, value)).toEqual(ok ? [] : [": expected a whole number from 30 to 16384 GiB"]);
});

test.each([
  ["10.0.0.0/8", true],
  ["10.1.2.3/8", false],
  ["10.0.0.300/8", false],
  ["010.0.0.0/8", false],
  ["10.0.0.0/08", false],
  ["10.0.0.0/33", false],
  ["0.0.0.0/0", true],
])("cidrBlock judges %p as %p", (block, ok) => {
  expect(cidrBlock.test(block)).toBe(ok);
});

test("a list's entry rules apply to each entry ([*]); its own rules to the whole list", () => {
  const cidrs = list(text(cidrBlock), distinct("CIDR blocks"), entries(1, "at least one CIDR block"));
  expect(messages(cidrs.zod, ["10.1.2.3/8"])).toEqual([`0: expected ${cidrBlock.what}`]);
  expect(messages(cidrs.zod, [])).toEqual([": expected at least one CIDR block"]);
  const [each, twice, least] = cidrs.validations("user_cidrs", "var.user_cidrs");
  expect(each.condition).toMatch(/^\$\{alltrue\(\[for e in var\.user_cidrs : try\(.*\be\b.*, false\)\]\)\}$/);
  expect(each.errorMessage).toMatch(/^user_cidrs\[\*\]: expected an IPv4 CIDR block/);
  expect(twice.errorMessage).toMatch(/^user_cidrs: expected distinct CIDR blocks: one is listed twice, got/);
  expect(least.condition).toBe("${try(length(var.user_cidrs) >= 1, false)}");
});

test("a field of a list of objects is checked in every entry, null passing where it is optional", () => {
  const name = text(pattern(/^[a-z]+$/, "a name of letters"));
  const roles = list(text(pattern(/^\S+$/, "a role without spaces")), distinct("roles"));
  const [named, role, distinctRoles] = entryValidations(
    "accounts.aws",
    "var.accounts.aws",
    { name, "permissions.read": roles },
    { optional: ["permissions.read"], entry: "a" },
  );
  expect(named).toEqual({
    condition: '${alltrue([for a in var.accounts.aws : try(can(regex("^[a-z]+$", a.name)), false)])}',
    errorMessage:
      "accounts.aws[*].name: expected a name of letters, got ${jsonencode([for a in var.accounts.aws : try(a.name, null)])}.",
  });
  // A nested optional field: null at any depth passes; a list inside tries its own entries.
  expect(role.condition).toBe(
    '${alltrue([for a in var.accounts.aws : try(a.permissions.read, null) == null || try(alltrue([for e in a.permissions.read : try(can(regex("^\\\\S+$", e)), false)]), false)])}',
  );
  expect(role.errorMessage).toMatch(
    /^accounts\.aws\[\*\]\.permissions\.read\[\*\]: expected null or a role without spaces, got/,
  );
  expect(distinctRoles.errorMessage).toMatch(
    /^accounts\.aws\[\*\]\.permissions\.read: expected null or distinct roles/,
  );
});

test("a list of objects' own rules: names without repeats, one switch on at most, each reported on the entry", () => {
  type Account = { name: string; createRole: boolean };
  const accounts = objectList(
    z.object({ name: z.string(), createRole: z.boolean() }),
    uniqueBy<Account>("name", "a name no other account has"),
    atMostOne<Account>("createRole", "createRole on one account at most"),
  );
  const a = (name: string, createRole = false) => ({ name, createRole });
  expect(messages(accounts.zod, [a("x"), a("y", true)])).toEqual([]);
  expect(messages(accounts.zod, [a("x"), a("y"), a("x")])).toEqual(["2.name: expected a name no other account has"]);
  expect(messages(accounts.zod, [a("x", true), a("y"), a("z", true)])).toEqual([
    "2.createRole: expected createRole on one account at most",
  ]);
  expect(ruleValidations([uniqueBy<Account>("name", "unique names")], "accounts.aws", "var.accounts.aws")).toEqual([
    {
      condition: "${try(length(distinct(var.accounts.aws[*].name)) == length(var.accounts.aws), false)}",
      errorMessage: "accounts.aws: expected unique names, got ${jsonencode(var.accounts.aws)}.",
    },
  ]);
  expect(atMostOne<Account>("createRole", "one").hcl("x")).toBe("length([for e in x : e if e.create_role]) <= 1");
});

test("a relation of each entry names the fields alone, in both gates", () => {
  type Kubeconfig = { secretArn?: string; s3Uri?: string };
  const one = exactlyOne<Kubeconfig>("secretArn", "s3Uri", "one source");
  const entry = z
    .object({ secretArn: z.string().optional(), s3Uri: z.string().optional() })
    .superRefine(relationsCheck([one]));
  expect(messages(entry, {})).toEqual(["secretArn: set exactly one of secretArn or s3Uri: one source"]);
  expect(messages(entry, { secretArn: "a", s3Uri: "b" })).toHaveLength(1);
  expect(messages(entry, { s3Uri: "b" })).toEqual([]);
  expect(entryRelationValidations([one], "accounts.kubernetes", "var.accounts.kubernetes", "a")).toEqual([
    {
      condition: "${alltrue([for a in var.accounts.kubernetes : (a.secret_arn == null) != (a.s3_uri == null)])}",
      errorMessage:
        "accounts.kubernetes[*].secret_arn: set exactly one of secret_arn or s3_uri: one source, got ${jsonencode([for a in var.accounts.kubernetes : { secret_arn = a.secret_arn, s3_uri = a.s3_uri }])}.",
    },
  ]);
});

test("a map of chosen keys refuses another key in both gates", () => {
  const images = choiceMap(["deck", "gate"], pattern(/^\S+$/, "an image without spaces"));
  expect(messages(images.zod, { deck: "d:1" })).toEqual([]);
  expect(messages(images.zod, { jenkins: "j:1" })).toHaveLength(1);
  const [keys, values] = images.validations("spinnaker.images", "var.spinnaker.images");
  expect(keys).toEqual({
    condition: '${alltrue([for k, v in var.spinnaker.images : try(contains(["deck","gate"], k), false)])}',
    errorMessage: "spinnaker.images keys: expected keys from deck, gate, got ${jsonencode(var.spinnaker.images)}.",
  });
  expect(values.errorMessage).toMatch(/^spinnaker\.images values: expected an image without spaces/);
});

test("an attribute of a nullable object passes while the object is null", () => {
  const [v] = text(pattern(/^a$/, "a")).validations("auth.client_id", "var.auth.client_id", {
    unless: "var.auth == null",
  });
  expect(v).toEqual({
    condition: '${var.auth == null || try(can(regex("^a$", var.auth.client_id)), false)}',
    errorMessage: "auth.client_id: expected a, got ${jsonencode(try(var.auth.client_id, null))}.",
  });
  // Terraform evaluates both sides of ||: an optional attribute of a null object is read with try().
  const [key] = text(pattern(/^a$/, "a")).validations("auth.key", "var.auth.key", {
    unless: "var.auth == null",
    nullable: true,
  });
  expect(key.condition).toBe(
    '${var.auth == null || try(var.auth.key, null) == null || try(can(regex("^a$", var.auth.key)), false)}',
  );
});

interface Fields {
  https?: boolean;
  certificateArn?: string;
  hostname?: string;
}
const relations = [
  implies<Fields>(
    "https",
    on("https"),
    given("certificateArn"),
    ["https", "certificateArn"],
    (name) => `needs ${name("certificateArn")} when true`,
  ),
  together<Fields>("certificateArn", "hostname", "both or neither"),
];

test("a relation is reported on the setting to change, naming both, in either gate's spelling", () => {
  const schema = z.object({
    https: z.boolean().optional(),
    certificateArn: z.string().optional(),
    hostname: z.string().optional(),
  });
  const checked = schema.superRefine(relationsCheck(relations, "loadBalancer"));
  expect(messages(checked, { https: true })).toEqual(["https: needs loadBalancer.certificateArn when true"]);
  expect(messages(checked, { https: false, hostname: "a.example" })).toEqual([
    "certificateArn: loadBalancer.certificateArn and loadBalancer.hostname go together: both or neither",
  ]);
  expect(messages(checked, { https: true, certificateArn: "arn", hostname: "a.example" })).toEqual([]);
  const [needs, both] = relationValidations(relations, "load_balancer", "var.load_balancer");
  expect(needs).toEqual({
    condition: "${!(var.load_balancer.https == true) || var.load_balancer.certificate_arn != null}",
    errorMessage:
      "load_balancer.https: needs load_balancer.certificate_arn when true, got ${jsonencode({ https = var.load_balancer.https, certificate_arn = var.load_balancer.certificate_arn })}.",
  });
  expect(both.condition).toBe("${(var.load_balancer.certificate_arn == null) == (var.load_balancer.hostname == null)}");
});

test("a pattern Terraform's RE2 cannot read is refused when the rule is rendered, not at plan", () => {
  expect(() => hclPattern(/^(?!aws:)[a-z]+$/)).toThrow(InternalError);
  expect(hclPattern(/^\d+"$/)).toBe('^\\\\d+\\"$');
});

test("a member rule reads a named list as its local value, and refuses a name that holds another list", () => {
  const region = memberOf(RULE_LOCALS.aws_regions, "an AWS region", "aws_regions");
  expect(region.hcl("var.region")).toBe("contains(local.aws_regions, var.region)");
  expect(region.test("us-west-2")).toBe(true);
  expect(region.test("us-west-9")).toBe(false);
  expect(memberOf(["a", "b"], "a or b").hcl("x")).toBe('contains(["a","b"], x)');
  expect(() => memberOf(["us-west-2"], "an AWS region", "aws_regions")).toThrow(
    "memberOf: local.aws_regions holds another list",
  );
});
