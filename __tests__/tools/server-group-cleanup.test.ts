/**
 * The clean-up function of ha.selfDeploy (modules/templates/server-group-cleanup.py), run with
 * Python against moto's in-memory AWS (server_group_cleanup_check.py): at create it does nothing; at
 * destroy it removes every server group of the deployment's clusters and the launch templates
 * Spinnaker made, and nothing of another deployment or Terraform's own templates; a second destroy
 * finds nothing to do. The emulator tier runs it through Terraform and Lambda.
 */
import { join } from "node:path";
import { expectSuccess, requireTool, run } from "./harness";

const FUNCTION = join(__dirname, "..", "..", "modules", "templates", "server-group-cleanup.py");

test("deletes the clusters' server groups and Spinnaker's launch templates at destroy, once", () => {
  requireTool("python3", ["-c", "import moto, boto3"], "Python 3 with moto 5.2 and boto3");
  const result = run("python3", [join(__dirname, "server_group_cleanup_check.py"), FUNCTION]);
  expectSuccess(result, "the clean-up function against moto");
  const out = JSON.parse(result.stdout);
  expect(out.create).toEqual({ action: "create", deleted_groups: [], deleted_launch_templates: [] });
  expect(out.destroy.action).toBe("delete");
  expect([...out.destroy.deleted_groups].sort()).toEqual([
    "acme-prod-polling-v000",
    "acme-prod-v000",
    "acme-prod-v001",
  ]);
  expect(out.destroy.deleted_launch_templates).toEqual(["acme-prod-v001-1700000000"]);
  expect(out.again).toEqual({ action: "delete", deleted_groups: [], deleted_launch_templates: [] });
  // Another deployment's cluster, a group outside Spinnaker's naming, and Terraform's templates stay.
  expect(out.left).toEqual({
    groups: ["acme-prod-canary", "acme-prod-eu-v000"],
    launch_templates: ["acme-prod", "acme-prod-eu-v001-1700000000", "acme-prod-polling"],
    running_instances: 2,
  });
}, 120_000);
