// CDK app entry: reads the `codeHub` context, builds the stacks. The only place that reads context.
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseDeployConfig } from '../lib/config.js';
import { createStacks } from '../lib/create-stacks.js';
import { loadDashboardBuild } from '../lib/dashboard-build.js';
import { REPO_ROOT } from '../lib/constructs/gateway-function.js';

const app = new App();
const config = parseDeployConfig(app.node.tryGetContext('codeHub'));
const dashboard = loadDashboardBuild(join(REPO_ROOT, 'frontend', 'dist'));
if (dashboard.placeholder) {
  console.error(
    '[code-hub] frontend/dist not found: the dashboard stack uploads a placeholder page. ' +
      'Run `npm run build:frontend` before `npx cdk deploy --all`.',
  );
}
createStacks(app, config, { dashboard });

// `npx cdk synth -c codeHubNag=true` runs the AwsSolutions checks the tests run.
const nag = app.node.tryGetContext('codeHubNag');
if (nag === true || nag === 'true') Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
