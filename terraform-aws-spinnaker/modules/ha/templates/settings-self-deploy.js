// ha.selfDeploy: deck's AWS server-group settings for the launch templates and IMDSv2 of the server
// groups Spinnaker deploys of itself (IAWSProviderSettings.serverGroups in deck's
// packages/amazon/src/aws.settings.ts; both are false in deck's settings.js).
{
  const settings = window.spinnakerSettings;
  settings.providers = settings.providers || {};
  settings.providers.aws = settings.providers.aws || {};
  const aws = settings.providers.aws;
  aws.serverGroups = { ...aws.serverGroups, enableLaunchTemplates: true, enableIMDSv2: true };
}
