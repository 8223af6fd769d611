import { join } from "node:path";
import { parse } from "yaml";
import type { Config } from "../../modules/config/schema";
import { userDataText } from "../../modules/spinnaker/cloud-init";
import { onlyResource, resourcesOf, settingsFrom, synthStack, templateOf } from "../helpers";

const configured = settingsFrom({
  network: {
    vpcId: "vpc-0123456789abcdef0",
    instanceSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
    userCidrs: ["10.0.0.0/8"],
  },
});

describe("Terraform variables", () => {
  const json = synthStack(settingsFrom());

  test("network values left to the deployer have no default, so Terraform asks for them", () => {
    for (const name of ["vpc_id", "instance_subnet_ids", "user_cidrs"]) {
      expect(json.variable?.[name]).toBeDefined();
      expect(json.variable?.[name]).not.toHaveProperty("default");
    }
  });

  test("configured values become the defaults", () => {
    const variables = synthStack(configured).variable ?? {};
    expect(variables.vpc_id.default).toBe("vpc-0123456789abcdef0");
    expect(variables.user_cidrs.default).toEqual(["10.0.0.0/8"]);
    expect(variables.instance_type.default).toBe("m4.2xlarge");
    expect(variables.root_volume_size.default).toBe(100);
    expect(variables.ami_id.default).toBeNull();
    expect(variables.key_name.default).toBeNull();
  });

  test("every variable has a type and a description; those that can be wrong are validated", () => {
    for (const [name, variable] of Object.entries(json.variable ?? {})) {
      expect([name, typeof variable.type]).toEqual([name, "string"]);
      expect([name, typeof variable.description]).toEqual([name, "string"]);
    }
    for (const name of [
      "vpc_id",
      "instance_subnet_ids",
      "user_cidrs",
      "ssh_cidrs",
      "instance_type",
      "ami_id",
      "root_volume_size",
    ]) {
      expect([name, json.variable?.[name].validation]).toEqual([name, expect.any(Array)]);
    }
  });

  test("the certificate is a variable only when TLS is configured", () => {
    expect(json.variable?.certificate_arn).toBeUndefined();
    const tls = synthStack(
      settingsFrom({
        loadBalancer: {
          certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc",
          hostname: "spinnaker.example.com",
        },
      }),
    );
    expect(tls.variable?.certificate_arn.default).toBe("arn:aws:acm:us-west-2:123456789012:certificate/abc");
    // HTTPS is the configuration's: the listeners are literally HTTPS, the redirect has no count.
    const byPort = Object.fromEntries(Object.values(resourcesOf(tls, "aws_lb_listener")).map((l) => [l.port, l]));
    expect(byPort[443]).toMatchObject({ protocol: "HTTPS", certificate_arn: "${var.certificate_arn}" });
    expect(byPort[80]).not.toHaveProperty("count");
  });

  test("the resources read the variables, not the configured values", () => {
    const group = onlyResource(json, "aws_autoscaling_group");
    expect(group.vpc_zone_identifier).toBe("${var.instance_subnet_ids}");
    expect(onlyResource(json, "aws_lb").subnets).toBe(
      "${coalescelist(var.load_balancer_subnet_ids, var.instance_subnet_ids)}",
    );
  });
});

describe("the stand-alone topology", () => {
  const json = synthStack(configured);

  test("one server group named armoryspinnaker-preprod-v000 with exactly one instance", () => {
    expect(onlyResource(json, "aws_autoscaling_group")).toMatchObject({
      name: "armoryspinnaker-preprod-v000",
      min_size: 1,
      max_size: 1,
      health_check_type: "ELB",
    });
  });

  test("the instance runs the polling role with Redis on it", () => {
    const template = onlyResource(json, "aws_launch_template") as {
      user_data: string;
      tag_specifications: { resource_type: string; tags: Record<string, string> }[];
    };
    expect(templateOf(json, template.user_data)).toBe(userDataText());
    const tags = template.tag_specifications.find((t) => t.resource_type === "instance")?.tags ?? {};
    expect(tags.SpinnakerRole).toBe("polling");
    const objects = Object.values(resourcesOf(json, "aws_s3_object")) as { key: string; content: string }[];
    const project = templateOf(json, objects.find((o) => o.key === "config/compose-polling.yaml")?.content);
    expect(project).toContain("redis-server");
    expect(project).toContain('SPINNAKER_BUILD_POLLINGENABLED: "true"');
    expect(templateOf(json, objects.find((o) => o.key === "config/memory-budget")?.content)).toMatch(
      /^redis +256 2 -$/m,
    );
  });

  test("the instance finds its config bucket and version through its tags", () => {
    const template = onlyResource(json, "aws_launch_template") as {
      tag_specifications: { resource_type: string; tags: Record<string, string> }[];
    };
    const tags = template.tag_specifications.find((t) => t.resource_type === "instance")?.tags ?? {};
    expect(tags.SpinnakerConfigBucket).toMatch(/^\$\{aws_s3_bucket\..+\.bucket\}$/);
    expect(tags.SpinnakerConfigVersion).toMatch(/^\$\{sha256\(join\(",", \[aws_s3_object\./);
  });

  test("the profiles live in the config bucket; gate and deck know the load balancer's URLs", () => {
    const objects = Object.values(resourcesOf(json, "aws_s3_object")) as { key: string; content: string }[];
    expect(objects.map((o) => o.key).sort()).toEqual(
      [
        "config/clouddriver-local.yml",
        "config/clouddriver-nonpolling.yml",
        "config/compose-polling.yaml",
        "config/compose.env",
        "config/front50-local.yml",
        "config/gate-local.yml",
        "config/igor-local.yml",
        "config/memory-budget",
        "config/orca-local.yml",
        "config/packer-aws-ebs.json",
        "config/rosco-local.yml",
        "config/settings-local.js",
        "config/spinnaker-local.yml",
      ].sort(),
    );
    const settings = objects.find((o) => o.key === "config/settings-local.js");
    expect(settings?.content).toContain('gateUrl = "${local.gate_url}"');
    expect((json as { locals?: Record<string, string> }).locals?.gate_url).toMatch(
      /^http:\/\/\$\{aws_lb\..+\.dns_name\}:8084$/,
    );
    const images = objects.find((o) => o.key === "config/compose.env");
    expect(images?.content).toContain("\nCLOUDDRIVER_IMAGE=ghcr.io/spinnaker/clouddriver:2026.4.0\n");
    expect(images?.content).toContain("\nREDIS_IMAGE=docker.io/library/redis:7.4-alpine\n");
  });

  test("the instance role may use exactly the config bucket", () => {
    const permissions = json.data?.aws_iam_policy_document?.instance_role_permissions as {
      statement: { sid: string; resources: string[] }[];
    };
    const bucket = permissions.statement.find((s) => s.sid === "ConfigBucket");
    expect(bucket?.resources).toEqual([expect.stringMatching(/^\$\{aws_s3_bucket\..+\.arn\}$/)]);
  });

  test("managed AWS accounts: their roles in the policy and in clouddriver's profile", () => {
    const withAccounts = synthStack(
      settingsFrom({ spinnaker: { accounts: { aws: [{ name: "prod", accountId: "012345678901" }] } } }),
    );
    expect(JSON.stringify(withAccounts.data)).toContain(
      "arn:${data.aws_partition.current.partition}:iam::012345678901:role/spinnakerManaged",
    );
    const clouddriver = Object.values(resourcesOf(withAccounts, "aws_s3_object")).find(
      (o) => o.key === "config/clouddriver-local.yml",
    );
    // Terraform renders the template with the configuration's accounts, in the module input's shape.
    expect(clouddriver?.content).toBe(
      '${templatefile("${path.module}/templates/clouddriver-local.yml.tftpl", {"region" = data.aws_region.current.id, "partition" = data.aws_partition.current.partition, "accounts" = {"aws" = [{"name" = "prod", "account_id" = "012345678901", "role_name" = "spinnakerManaged", "regions" = null, "create_role" = false, "permissions" = null}], "kubernetes" = []}, "self_deploy" = null})}',
    );
    expect(templateOf(withAccounts, "clouddriver-local.yml.tftpl")).toContain("assumeRole:");
  });

  test("outputs, each with a description", () => {
    const outputs = json.output ?? {};
    expect(Object.keys(outputs).sort()).toEqual(
      [
        "auto_scaling_group_name",
        "config_bucket_name",
        "deck_url",
        "gate_url",
        "instance_role_arn",
        "internal_security_group_id",
        "load_balancer_dns_name",
        "managed_role_trust_policy",
        "user_facing_security_group_id",
      ].sort(),
    );
    for (const output of Object.values(outputs)) expect(output.description).toEqual(expect.any(String));
  });
});

type S3 = { s3: { key: string } };

describe("state and provider", () => {
  test("S3 backend with native locking, a key per name, environment and topology, encrypted", () => {
    const json = synthStack(configured);
    expect(json.terraform?.backend).toEqual({
      s3: {
        bucket: "example-terraform-state",
        key: "spinnaker/armoryspinnaker-preprod/standalone.tfstate",
        region: "us-west-2",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test("a DynamoDB lock table only when configured, for older Terraform", () => {
    const json = synthStack(settingsFrom({ state: { bucket: "acme-state", dynamodbTable: "locks" } }));
    expect(json.terraform?.backend).toMatchObject({ s3: { dynamodb_table: "locks", use_lockfile: true } });
  });

  test("the local backend is a setting; its file also names the deployment", () => {
    const json = synthStack(settingsFrom({ state: { backend: "local" }, environment: "prod" }));
    expect(json.terraform?.backend).toEqual({
      local: { path: join(process.cwd(), "terraform.armoryspinnaker-prod.standalone.tfstate") },
    });
  });

  test.each([
    ["environment", { environment: "prod" }],
    ["name", { name: "otherteam" }],
  ])("two configurations that differ only in %s never share a state", (_, difference) => {
    for (const stack of ["standalone", "ha"]) {
      const keyOf = (config: Config) =>
        (synthStack(settingsFrom(config), stack).terraform?.backend as S3 | undefined)?.s3.key;
      expect(keyOf({})).toMatch(/^spinnaker\/armoryspinnaker-preprod\//);
      expect(keyOf(difference)).not.toBe(keyOf({}));
    }
  });

  test("the provider tags everything with the configured tags and the topology", () => {
    const json = synthStack(settingsFrom({ tags: { team: "platform" } }));
    expect(json.provider?.aws[0]).toMatchObject({
      region: "us-west-2",
      default_tags: [{ tags: { team: "platform", "spinnaker:topology": "standalone" } }],
    });
    expect(json.terraform?.required_version).toBe(">= 1.10");
  });
});

describe("instance memory", () => {
  test("a known type below the containers' minimums is refused, with Redis and kayenta counted", () => {
    expect(() => synthStack(settingsFrom({ instance: { type: "m5.large" } }))).toThrow(
      'instance.type "m5.large" has 8192 MiB of memory, less than the 8948 MiB Spinnaker needs here',
    );
    const kayenta = settingsFrom({ instance: { type: "m5.large" }, spinnaker: { kayenta: true } });
    expect(() => synthStack(kayenta)).toThrow("less than the 9972 MiB");
    expect(() => synthStack(settingsFrom({ instance: { type: "m5.xlarge" } }))).not.toThrow();
  });

  test("the plan checks the type the variable holds, against the same figure", () => {
    const lookup = Object.values(synthStack(settingsFrom()).data?.aws_ec2_instance_type ?? {})[0] as {
      lifecycle: { postcondition: { condition: string; error_message: string }[] };
    };
    expect(lookup.lifecycle.postcondition[0].condition).toBe("${(self.memory_size >= 8948)}");
    expect(lookup.lifecycle.postcondition[0].error_message).toContain("less than the 8948 MiB");
  });
});

describe("baking AMIs", () => {
  const PROD = { name: "prod", accountId: "123456789012", createRole: true };
  const objectAt = (j: ReturnType<typeof synthStack>, key: string) =>
    parse(
      String(
        (Object.values(resourcesOf(j, "aws_s3_object")) as { key: string; content: string }[]).find(
          (o) => o.key === key,
        )?.content,
      ),
    );

  test("rosco's AWS bakery is on in the deployment's region, VPC and first instance subnet (rosco.yml: aws.enabled)", () => {
    const j = synthStack(
      settingsFrom({ spinnaker: { accounts: { aws: [{ name: "dev", accountId: "210987654321" }, PROD] } } }),
    );
    const rosco = objectAt(j, "config/rosco-local.yml");
    expect(rosco.aws.enabled).toBe(true);
    // RoscoAWSConfiguration's keys; packer gets them as aws_vpc_id and aws_subnet_id (AWSBakeHandler).
    // rosco runs packer on <rosco.configDir>/<templateFile> (CloudProviderBakeHandler): our template,
    // among the synced files, from the image's packer directory, which keeps install_packages.sh.
    expect(rosco.rosco).toEqual({ configDir: "/opt/rosco/config/packer" });
    expect(rosco.aws.bakeryDefaults).toMatchObject({
      awsVpcId: "${var.vpc_id}",
      awsSubnetId: "${element(var.instance_subnet_ids, 0)}",
      awsAssociatePublicIpAddress: false,
      templateFile: "../../../spinnaker/config/packer-aws-ebs.json",
    });
    const images = rosco.aws.bakeryDefaults.baseImages as {
      baseImage: { id: string; packageType: string };
      virtualizationSettings: { region: string; sourceAmi: string; sshUserName: string; instanceType: string }[];
    }[];
    expect(
      images.map((i) => [i.baseImage.id, i.baseImage.packageType, i.virtualizationSettings[0].sshUserName]),
    ).toEqual([
      ["ubuntu-noble", "deb", "ubuntu"],
      ["rhel-9", "rpm", "ec2-user"],
      ["centos-stream-9", "rpm", "ec2-user"],
    ]);
    expect(images[0].virtualizationSettings[0]).toMatchObject({
      region: "${data.aws_region.current.id}",
      instanceType: "m5.large",
      sourceAmi: "${local.bake_base_image_ubuntu}",
    });
    // The newest official image in the region, else "" (rosco then refuses bakes of that OS only).
    expect((j as { locals?: Record<string, string> }).locals?.bake_base_image_ubuntu).toBe(
      '${try(data.aws_ami_ids.bakery["ubuntu"].ids[0], "")}',
    );
    // Every base image bakes with our template: one without a templateFile of its own takes
    // bakeryDefaults' (AWSBakeHandler.getTemplateFileName).
    for (const i of images) expect(i.baseImage).not.toHaveProperty("templateFile");
    // The account the stack deploys into, not the first one: packer bakes with the instance role.
    expect(rosco.bakeAccount).toBe("prod");
    // orca's AmazonServerGroupCreator: default.bake.account.
    expect(objectAt(j, "config/orca-local.yml").default.bake.account).toBe("prod");
  });

  test("packer's template is ours, rendered by Terraform with the deployment's bake tag, beside the profiles", () => {
    const j = synthStack(settingsFrom());
    const object = (Object.values(resourcesOf(j, "aws_s3_object")) as { key: string; content: string }[]).find(
      (o) => o.key === "config/packer-aws-ebs.json",
    );
    // JSON: no "Rendered by" header line, which would make it unreadable to packer.
    expect(object?.content).toBe(
      '${templatefile("${path.module}/templates/packer-aws-ebs.json.tftpl", {"tag_key" = "spinnaker:bake", "tag_value" = "armoryspinnaker-preprod", "region" = data.aws_region.current.id, "regions" = [data.aws_region.current.id]})}',
    );
    // packer-plugin-amazon's run_tags (instance; key pair and security group too) and
    // run_volume_tags (its volumes), applied by RunInstances' tag specifications as they launch.
    const template = templateOf(j, "packer-aws-ebs.json.tftpl");
    for (const key of ["run_tags", "run_volume_tags", "tags"]) {
      expect(template).toMatch(
        new RegExp(`"${key}": \\{\\n\\s+\\$\\{jsonencode\\(tag_key\\)\\}: \\$\\{jsonencode\\(tag_value\\)\\}`),
      );
    }
    // A module's value is its inputs' name and environment.
    const module = synthStack(settingsFrom(), "standalone-module");
    expect(JSON.stringify(resourcesOf(module, "aws_s3_object"))).toContain(
      '\\"tag_value\\" = \\"${var.name}-${var.environment}\\"',
    );
    // Bakery off: no template.
    const off = synthStack(settingsFrom({ spinnaker: { bake: { enabled: false } } }));
    const keys = (Object.values(resourcesOf(off, "aws_s3_object")) as { key: string }[]).map((o) => o.key);
    expect(keys).not.toContain("config/packer-aws-ebs.json");
  });

  // packer-plugin-amazon's builder/ebs steps with our template: a key pair packer_<uuid> and a
  // security group in the VPC, the instance and its volumes, each tagged as it is created
  // (step_key_pair.go, step_security_group.go, step_run_source_instance.go), CreateImage, tags on the image.
  test("packer acts only on what a bake makes, in the region; SSH egress reaches its instance", () => {
    const j = synthStack(settingsFrom());
    type Statement = {
      sid: string;
      actions: string[];
      resources: string[];
      condition?: { test: string; variable: string; values: string[] }[];
    };
    const { statement } = (j.data?.aws_iam_policy_document?.bakery_policy ?? { statement: [] }) as {
      statement: Statement[];
    };
    expect(statement.length).toBeGreaterThan(0);
    const bySid = Object.fromEntries(statement.map((s) => [s.sid, s]));
    // The ARNs in the region, named once.
    expect((j as { locals?: Record<string, string> }).locals?.ec2_arn).toBe(
      "arn:${data.aws_partition.current.partition}:ec2:${data.aws_region.current.id}",
    );
    const arn = (type: string) => `\${local.ec2_arn}:*:${type}`;
    // Every statement keeps to the bake regions, the deployment's by default: by its ARNs' region,
    // or by the region requested (the describes, the only ones on "*", and the copies of the image).
    const inRegion = {
      test: "StringEquals",
      variable: "aws:RequestedRegion",
      values: ["${data.aws_region.current.id}"],
    };
    for (const s of statement) {
      if (s.resources.includes("*")) {
        expect([s.sid, s.actions.every((a) => a.startsWith("ec2:Describe"))]).toEqual([s.sid, true]);
      }
      if (s.resources.some((r) => !r.startsWith("${local.ec2_arn}:"))) {
        expect([s.sid, s.condition?.[0]]).toEqual([s.sid, inRegion]);
      }
    }
    const anyRegion = (type: string) => `arn:\${data.aws_partition.current.partition}:ec2:*::${type}`;
    expect(bySid.PackerCopiesAndTagsImages).toMatchObject({
      actions: ["ec2:CopyImage", "ec2:CreateTags"],
      resources: [anyRegion("image/*"), anyRegion("snapshot/*")],
    });
    expect(bySid.PackerKeyPairs.resources).toEqual([arn("key-pair/packer_*")]);
    expect(bySid.PackerSecurityGroupsInTheBakeVpc.condition?.[0]).toEqual({
      test: "StringLike",
      variable: "ec2:Vpc",
      values: [arn("vpc/${var.vpc_id}")],
    });
    expect(bySid.PackerLaunchesInTheBakeSubnet.resources[0]).toBe(arn("subnet/${element(var.instance_subnet_ids, 0)}"));
    // Volumes are launched only with the bake tag, never on the subnet's statement without it.
    expect(bySid.PackerLaunchesInTheBakeSubnet.resources).not.toContain(arn("volume/*"));
    const instance = [
      { test: "StringEquals", variable: "ec2:InstanceType", values: ["m5.large"] },
      { test: "Null", variable: "ec2:InstanceProfile", values: ["true"] },
    ];
    const requested = {
      test: "StringEquals",
      variable: "aws:RequestTag/spinnaker:bake",
      values: ["armoryspinnaker-preprod"],
    };
    // The instance packer runs: the bake type, without an instance profile, with the bake tag; only an
    // instance with that tag may be stopped, imaged and terminated.
    expect(bySid.PackerLaunchesTheBakeInstanceTagged).toMatchObject({ resources: [arn("instance/*")] });
    expect(bySid.PackerLaunchesTheBakeInstanceTagged.condition).toEqual([...instance, requested]);
    expect(bySid.PackerLaunchesItsVolumesTagged).toMatchObject({ resources: [arn("volume/*")] });
    expect(bySid.PackerLaunchesItsVolumesTagged.condition).toEqual([requested]);
    expect(bySid.PackerStopsAndImagesItsInstance).toMatchObject({
      actions: ["ec2:StopInstances", "ec2:TerminateInstances", "ec2:CreateImage"],
      resources: [arn("instance/*")],
    });
    expect(bySid.PackerStopsAndImagesItsInstance.condition).toEqual([
      ...instance,
      { test: "StringEquals", variable: "ec2:ResourceTag/spinnaker:bake", values: ["armoryspinnaker-preprod"] },
    ]);
    // Tags on instances, volumes, key pairs and groups only as they are created, and only the bake tag's
    // value: an existing instance cannot be given the tag and then terminated.
    expect(bySid.PackerTagsWhatItCreates).toMatchObject({
      actions: ["ec2:CreateTags"],
      resources: [arn("instance/*"), arn("volume/*"), arn("key-pair/packer_*"), arn("security-group/*")],
    });
    expect(bySid.PackerTagsWhatItCreates.condition).toEqual([
      {
        test: "StringEquals",
        variable: "ec2:CreateAction",
        values: ["RunInstances", "CreateKeyPair", "CreateSecurityGroup"],
      },
      requested,
    ]);
    expect(statement.filter((s) => s.actions.includes("ec2:CreateTags")).map((s) => s.sid)).toEqual([
      "PackerTagsWhatItCreates",
      "PackerCopiesAndTagsImages",
    ]);
    expect(bySid.PackerCopiesAndTagsImages.condition?.[1]).toEqual({
      test: "ForAllValues:StringEquals",
      variable: "aws:TagKeys",
      values: ["appversion", "build_host", "build_info_url", "spinnaker:bake"],
    });
    // Nothing that deletes what a bake did not make.
    const granted = statement.flatMap((s) => s.actions);
    for (const action of [
      "ec2:DeleteVolume",
      "ec2:DeleteSnapshot",
      "ec2:DeregisterImage",
      "ec2:ModifyInstanceAttribute",
    ]) {
      expect(granted).not.toContain(action);
    }
    expect(resourcesOf(j, "aws_iam_role_policy").bakery_role_policy.name).toBe("packer-bake");
    expect(resourcesOf(j, "aws_vpc_security_group_egress_rule").bakery_ssh_egress).toMatchObject({
      from_port: 22,
      for_each: "${toset(var.egress_cidrs)}",
    });
  });

  // packer-plugin-amazon's ami_regions (docs/builders/ebs.mdx): the image is built in the build
  // region and copied to each listed region, where its tags are set too (StepAMIRegionCopy,
  // StepCreateTags); CopyImage is sent to the destination region.
  test("bake regions: packer bakes in the deployment's region, and may copy and tag only in the listed ones", () => {
    const j = synthStack(
      settingsFrom({
        spinnaker: {
          accounts: { aws: [{ ...PROD, regions: ["us-west-2", "eu-west-1", "ap-south-1"] }] },
          bake: { regions: ["us-west-2", "eu-west-1"] },
        },
      }),
    );
    const object = (Object.values(resourcesOf(j, "aws_s3_object")) as { key: string; content: string }[]).find(
      (o) => o.key === "config/packer-aws-ebs.json",
    );
    // The template drops the deployment's region from the copies (terraform renders it: tools tier).
    expect(object?.content).toContain('"region" = data.aws_region.current.id, "regions" = ["us-west-2", "eu-west-1"]');
    expect(templateOf(j, "packer-aws-ebs.json.tftpl")).toContain(
      '"ami_regions": ${jsonencode([for r in regions : r if r != region])},',
    );
    // rosco has virtualization settings for the deployment's region only: a bake stage in another fails.
    const rosco = objectAt(j, "config/rosco-local.yml");
    expect(
      rosco.aws.bakeryDefaults.baseImages.map((i: { virtualizationSettings: { region: string }[] }) =>
        i.virtualizationSettings.map((v) => v.region),
      ),
    ).toEqual(Array(3).fill(["${data.aws_region.current.id}"]));
    const { statement } = (j.data?.aws_iam_policy_document?.bakery_policy ?? { statement: [] }) as {
      statement: { sid: string; resources: string[]; condition?: { variable: string; values: string[] }[] }[];
    };
    const requested = (sid: string) =>
      statement.find((s) => s.sid === sid)?.condition?.find((c) => c.variable === "aws:RequestedRegion")?.values;
    for (const sid of ["PackerDescribes", "PackerCopiesAndTagsImages"]) {
      expect([sid, requested(sid)]).toEqual([sid, ["us-west-2", "eu-west-1"]]);
    }
    // Launches, stops and images stay in the deployment's region: their ARNs are its.
    for (const sid of [
      "PackerLaunchesTheBakeInstanceTagged",
      "PackerStopsAndImagesItsInstance",
      "PackerCreatesImages",
    ]) {
      const s = statement.find((x) => x.sid === sid);
      expect([sid, s?.resources.every((r) => r.startsWith("${local.ec2_arn}:"))]).toEqual([sid, true]);
    }
  });

  test("a module's bake regions are its input's, else its provider's region", () => {
    const j = synthStack(settingsFrom(), "standalone-module");
    expect((j as { locals?: Record<string, string> }).locals?.bake_regions).toBe(
      "${coalesce(var.spinnaker.bake.regions, [data.aws_region.current.id])}",
    );
    const { statement } = (j.data?.aws_iam_policy_document?.bakery_policy ?? { statement: [] }) as {
      statement: { sid: string; condition?: { variable: string; values: unknown }[] }[];
    };
    expect(statement.find((s) => s.sid === "PackerCopiesAndTagsImages")?.condition?.[0]).toEqual({
      test: "StringEquals",
      variable: "aws:RequestedRegion",
      values: "${local.bake_regions}",
    });
    // The configuration's regions become the input's default; none leaves it null.
    expect(String(j.variable?.spinnaker.type)).toContain("regions = optional(list(string)),");
    const configured = synthStack(
      settingsFrom({
        spinnaker: {
          accounts: { aws: [{ ...PROD, regions: ["us-west-2", "eu-west-1"] }] },
          bake: { regions: ["us-west-2", "eu-west-1"] },
        },
      }),
      "standalone-module",
    );
    expect(String(configured.variable?.spinnaker.type)).toContain(
      'regions = optional(list(string), ["us-west-2", "eu-west-1"])',
    );
  });

  test("given base images are used as they are; turned off, nothing of the bakery is created", () => {
    const given = synthStack(settingsFrom({ spinnaker: { bake: { baseImages: { rhel: "ami-0123456789abcdef0" } } } }));
    // One lookup per OS whose image is not given.
    expect(Object.keys(given.data?.aws_ami_ids ?? {})).toEqual(["bakery"]);
    expect(given.data?.aws_ami_ids?.bakery.for_each).toBe('${toset(["ubuntu", "centos"])}');
    const rosco = objectAt(given, "config/rosco-local.yml");
    expect(rosco.aws.bakeryDefaults.baseImages[1].virtualizationSettings[0].sourceAmi).toBe("ami-0123456789abcdef0");

    const off = synthStack(settingsFrom({ spinnaker: { bake: { enabled: false } } }));
    expect(objectAt(off, "config/rosco-local.yml").aws.enabled).toBe(false);
    expect(off.data?.aws_ami_ids).toBeUndefined();
    expect(resourcesOf(off, "aws_iam_role_policy").bakery_role_policy).toBeUndefined();
    expect(resourcesOf(off, "aws_vpc_security_group_egress_rule").bakery_ssh_egress).toBeUndefined();
    // No account configured: orca keeps its own default.
    expect(objectAt(off, "config/orca-local.yml").default).toBeUndefined();
  });
});
