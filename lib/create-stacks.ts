// Builds the app's three stacks from a validated config; shared by bin/hub.ts and the tests.
import type { App, Environment } from 'aws-cdk-lib';
import type { DeployConfig } from './config.js';
import type { DashboardBuild } from './dashboard-build.js';
import { ApiStack } from './stacks/api-stack.js';
import { DashboardStack } from './stacks/dashboard-stack.js';
import { DataStack } from './stacks/data-stack.js';

export interface HubStacks {
  readonly data: DataStack;
  readonly api: ApiStack;
  readonly dashboard: DashboardStack;
}

export interface CreateStacksOptions {
  /** The dashboard files to upload (see loadDashboardBuild). */
  readonly dashboard: DashboardBuild;
}

/** Env-agnostic stacks unless the config pins an account or region. */
function environmentOf(config: DeployConfig): Environment | undefined {
  if (config.account === undefined && config.region === undefined) return undefined;
  return { account: config.account, region: config.region };
}

export function createStacks(app: App, config: DeployConfig, options: CreateStacksOptions): HubStacks {
  const env = environmentOf(config);
  const prefix = config.stackPrefix;
  const data = new DataStack(app, `${prefix}-Data`, {
    env,
    config,
    description: 'Code Hub: the gateway table (retained on delete)',
  });
  const api = new ApiStack(app, `${prefix}-Api`, {
    env,
    config,
    table: data.table,
    description: 'Code Hub: proxy, admin API and price sync functions',
  });
  const dashboard = new DashboardStack(app, `${prefix}-Dashboard`, {
    env,
    config,
    build: options.dashboard,
    adminUrl: api.adminUrl,
    proxyUrl: api.publicProxyUrl,
    description: 'Code Hub: admin dashboard on S3 and CloudFront',
  });
  return { data, api, dashboard };
}
