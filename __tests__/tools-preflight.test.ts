/**
 * The tools tier's global setup on a machine without its tools: one error naming every missing
 * tool and how to get it, before any test runs (here: a PATH and a provider mirror that hold nothing).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mirrorHasProvider } from "./tools/harness";
import { checkTools } from "./tools/preflight";

const made: string[] = [];
const empty = () => {
  const dir = mkdtempSync(join(tmpdir(), "spinnaker-empty-"));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

test("names every missing tool at once, with how to install it", () => {
  const mirror = empty();
  expect(() => checkTools({ PATH: empty(), TF_PLUGIN_MIRROR: mirror })).toThrow(
    new RegExp(
      "cannot run; it needs:\\n {2}- terraform .*\\n {2}- cloud-init: apt-get install -y cloud-init\\n {2}- shellcheck: apt-get install -y shellcheck\\n {2}- curl: apt-get install -y curl\\n {2}- docker-compose or the docker compose plugin: apt-get install -y docker-compose\\n" +
        // mariadbd is also looked for in /usr/sbin, off PATH: found there when this machine has it.
        "( {2}- mariadbd: apt-get install -y mariadb-server\\n)?" +
        " {2}- Python 3 with moto 5\\.2 and boto3: .*\\n {2}- the AWS CLI: pip install awscli\\n {2}- hashicorp/aws 5\\.100\\.0 in a filesystem mirror at " +
        mirror,
    ),
  );
});

test("a mirror counts in either layout Terraform reads: unpacked, or packed by `terraform providers mirror`", () => {
  const unpacked = empty();
  mkdirSync(join(unpacked, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64"), { recursive: true });
  const packed = empty();
  mkdirSync(join(packed, "registry.terraform.io", "hashicorp", "aws"), { recursive: true });
  writeFileSync(
    join(packed, "registry.terraform.io", "hashicorp", "aws", "terraform-provider-aws_5.100.0_linux_amd64.zip"),
    "",
  );
  const other = empty();
  mkdirSync(join(other, "registry.terraform.io", "hashicorp", "aws", "5.99.0"), { recursive: true });
  expect([unpacked, packed, other].map(mirrorHasProvider)).toEqual([true, true, false]);
});
