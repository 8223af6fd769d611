/**
 * The public API of cdktf-spinnaker-aws: what a cdktf app imports. Everything else in modules/ is
 * internal and may change in any release.
 *
 * @packageDocumentation
 */

// Stacks: what `cdktf deploy` runs, and the same topologies as child modules (`module: true`).
export { addStacks } from "./app";
// Configuration: from a file, a string or an object, with the same validation and messages.
export type { Configuration, Environment } from "./config/load";
export { ENVIRONMENT_OVERRIDES, loadConfiguration, loadConfigurationObject, loadSettings } from "./config/load";
export { DEFAULT_CONFIG_FILE, readConfiguration, readSettings } from "./config/read";
export type { Config, Deployment, Settings, SpinnakerService } from "./config/schema";
export {
  DEFAULT_OSS_VERSION,
  DEFAULT_REGISTRY,
  OPERATING_SYSTEMS,
  partitionOf,
  SPINNAKER_SERVICES,
} from "./config/schema";
// The building blocks the topologies are made of.
export { InstanceRole, type InstanceRoleProps } from "./constructs/instance-role";
export { InterserviceLoadBalancer, type InterserviceLoadBalancerProps } from "./constructs/interservice-load-balancer";
export { SpinnakerLaunchTemplate, type SpinnakerLaunchTemplateProps } from "./constructs/launch-template";
export {
  ARCHITECTURES,
  type Architecture,
  architectureOf,
  MachineImage,
  type MachineImageProps,
  type OperatingSystem,
} from "./constructs/machine-image";
export { ManagedAccountRole, type ManagedAccountRoleProps } from "./constructs/managed-account-role";
export {
  type AuroraEngine,
  ManagedDatabase,
  type ManagedDatabaseProps,
  type MysqlEngine,
} from "./constructs/managed-database";
export { ManagedRedis, type ManagedRedisProps } from "./constructs/managed-redis";
export { SecureBucket, type SecureBucketProps } from "./constructs/secure-bucket";
export {
  type ListenerRule,
  type PortRule,
  SecurityGroups,
  type SecurityGroupsProps,
} from "./constructs/security-groups";
export { ServerGroup, type ServerGroupProps } from "./constructs/server-group";
export { SpinnakerConfiguration, type SpinnakerConfigurationProps } from "./constructs/spinnaker-configuration";
export { UserFacingLoadBalancer, type UserFacingLoadBalancerProps } from "./constructs/user-facing-load-balancer";
export { ConfigError } from "./errors";
// Types the props above use.
export type { ServiceSpec } from "./spinnaker/services";
export type { SqlStorageOptions } from "./spinnaker/sql-storage";
export { HighAvailabilityStack } from "./stacks/high-availability-stack";
export type { TopologyRequirements } from "./stacks/spinnaker-stack";
export {
  REQUIRED_AWS_PROVIDER,
  REQUIRED_TERRAFORM,
  SpinnakerStack,
  type SpinnakerStackOptions,
} from "./stacks/spinnaker-stack";
export { StandaloneStack } from "./stacks/standalone-stack";
export { StateStack } from "./stacks/state-stack";
export type { StackVariables } from "./stacks/variables";
export type { Condition } from "./terraform-values";
// The topologies, as constructs for a stack of your own (which brings the provider and backend).
export { HighAvailabilitySpinnaker, type HighAvailabilitySpinnakerProps } from "./topologies/high-availability";
export type { SqlStorage } from "./topologies/sql-storage";
export { StandaloneSpinnaker, type StandaloneSpinnakerProps } from "./topologies/standalone";
