/**
 * The rule vocabulary: one message per rule, rendered for the configuration (zod) and for Terraform
 * (validation blocks). That both gates then accept and refuse the same values is parity.test.ts's
 * proof (tools tier), which runs Terraform.
 */
import { z } from "zod";
import {
  cidrBlock,
  distinct,
  entries,
  given,
  hclPattern,
  implies,
  list,
  number,
  on,
  pattern,
  relationsCheck,
  relationValidations,
  text,
  together,
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
