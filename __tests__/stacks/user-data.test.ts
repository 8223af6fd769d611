/**
 * One user data for every option: each combination of topology, operating system, kayenta and
 * sign-in synthesizes launch templates that boot the same file, whose size is printed once.
 */
import { OPERATING_SYSTEMS } from "../../modules/config/schema";
import { USER_DATA_LIMIT } from "../../modules/constructs/launch-template";
import { userDataText } from "../../modules/spinnaker/cloud-init";
import { resourcesOf, SIGN_IN, settingsFrom, synthTopology, templateOf } from "../helpers";

const combinations = (["standalone", "ha"] as const).flatMap((topology) =>
  OPERATING_SYSTEMS.flatMap((os) =>
    [false, true].flatMap((kayenta) => [false, true].map((signIn) => ({ topology, os, kayenta, signIn }))),
  ),
);

test(`every one of the ${combinations.length} combinations boots the same user data, at most 12 KiB`, () => {
  const sizes = new Set<number>();
  for (const { topology, os, kayenta, signIn } of combinations) {
    const settings = settingsFrom({
      ...(signIn ? SIGN_IN : {}),
      instance: { os },
      spinnaker: { kayenta, ...(signIn ? SIGN_IN.spinnaker : {}) },
    });
    const json = synthTopology(settings, topology);
    const templates = Object.values(resourcesOf(json, "aws_launch_template"));
    expect(templates).toHaveLength(topology === "ha" ? 2 : 1);
    for (const template of templates) {
      const text = templateOf(json, template.user_data);
      expect(text).toBe(userDataText());
      sizes.add(Buffer.byteLength(text));
    }
  }
  const largest = Math.max(...sizes);
  console.log(
    `user data over ${combinations.length} combinations (topology x OS x kayenta x sign-in): ${[...sizes].join(", ")} bytes; largest ${largest}, ${((100 * largest) / USER_DATA_LIMIT).toFixed(1)}% of EC2's ${USER_DATA_LIMIT}`,
  );
  expect(sizes.size).toBe(1);
  expect(largest).toBeLessThanOrEqual(12 * 1024);
});
