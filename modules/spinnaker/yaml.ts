import { stringify } from "yaml";

/**
 * YAML for the programs that read it on the instance: PyYAML (cloud-init, docker-compose v1),
 * SnakeYAML (Spring) and go-yaml all follow YAML 1.1, where an unquoted `yes`, `on` or `0644`
 * is not a string. Writing 1.1 makes the library quote exactly those.
 */
export function toYaml(value: unknown): string {
  return stringify(value, { version: "1.1", lineWidth: 0 });
}
