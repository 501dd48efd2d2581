// Dashboard stack: the static admin site and its `/api/*` route to the admin function.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import type { IFunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config.js';
import { AdminSite } from '../constructs/admin-site.js';
import type { DashboardBuild } from '../dashboard-build.js';

export interface DashboardStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly build: DashboardBuild;
  readonly adminUrl: IFunctionUrl;
  /** Written to `/config.json` so the usage page shows the URL clients should use. */
  readonly proxyUrl: string;
}

export class DashboardStack extends Stack {
  readonly site: AdminSite;

  constructor(scope: Construct, id: string, props: DashboardStackProps) {
    super(scope, id, props);
    this.site = new AdminSite(this, 'Site', {
      assetDirectory: props.build.directory,
      inlineScriptHashes: props.build.inlineScriptHashes,
      adminUrl: props.adminUrl,
      runtimeConfig: { proxyUrl: props.proxyUrl },
      priceClass: props.config.cloudFrontPriceClass as PriceClass,
    });
    new CfnOutput(this, 'DashboardUrl', { description: 'Admin dashboard', value: this.site.url });
  }
}
