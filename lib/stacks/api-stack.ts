// API stack: the streaming proxy, the admin API, the scheduled price sync, the admin token and the alarms.
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FunctionUrlAuthType, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import type { DeployConfig } from '../config.js';
import { GatewayAlarms } from '../constructs/gateway-alarms.js';
import { GatewayFunction } from '../constructs/gateway-function.js';
import { grantItemAccess } from '../constructs/hub-table.js';
import { PriceSyncSchedule } from '../constructs/price-sync-schedule.js';
import { StreamingProxyUrl } from '../constructs/streaming-proxy-url.js';

export interface ApiStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly table: ITable;
}

// The proxy holds a stream open for as long as the model writes; Lambda's maximum.
const PROXY_TIMEOUT = Duration.minutes(15);
// Admin requests are buffered; the slowest is a manual price sync (fetch + a few hundred writes).
const ADMIN_TIMEOUT = Duration.seconds(60);
const PRICE_SYNC_TIMEOUT = Duration.minutes(5);
const PRICE_SYNC_MEMORY_MB = 512;

export class ApiStack extends Stack {
  readonly proxy: NodejsFunction;
  readonly admin: NodejsFunction;
  readonly priceSync: NodejsFunction;
  readonly proxyUrl: StreamingProxyUrl;
  readonly adminUrl: FunctionUrl;
  readonly adminTokenSecret: Secret;
  /** Base URL clients point at: custom domain when configured, else the proxy Function URL. */
  readonly publicProxyUrl: string;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, table } = props;
    const priceClass = config.cloudFrontPriceClass as PriceClass;
    // Every function reads the same settings through functions/shared/config.ts.
    const environment = {
      TABLE_NAME: table.tableName,
      HUB_TIMEZONE: config.timezone,
      SESSION_TTL: String(config.sessionTtlSeconds),
      ENABLE_RATE_LIMIT: String(config.enableRateLimit),
      PRICE_SOURCE_URL: config.priceSourceUrl,
      LOG_LEVEL: config.logLevel,
      LOG_RETENTION_DAYS: String(config.requestLogRetentionDays),
    };
    const common = {
      logRetention: config.lambdaLogRetentionDays as RetentionDays,
      sourceMaps: config.sourceMaps,
    };

    this.proxy = new GatewayFunction(this, 'Proxy', {
      ...common,
      entry: 'functions/proxy/lambda.ts',
      description: 'Code Hub proxy: /v1/* for Claude Code, Codex CLI and the SDKs (streaming)',
      serviceName: 'code-hub-proxy',
      memoryMb: config.proxyMemoryMb,
      timeout: PROXY_TIMEOUT,
      reservedConcurrency: config.proxyReservedConcurrency,
      environment,
    }).function;
    grantItemAccess(table, this.proxy);
    this.proxyUrl = new StreamingProxyUrl(this, 'ProxyEndpoint', {
      function: this.proxy,
      customDomain: config.customDomain,
      priceClass,
    });
    this.publicProxyUrl = this.proxyUrl.publicUrl;

    this.adminTokenSecret = new Secret(this, 'AdminToken', {
      description: 'Code Hub admin login token',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    this.admin = new GatewayFunction(this, 'Admin', {
      ...common,
      entry: 'functions/admin/lambda.ts',
      description: 'Code Hub admin API: /api/* behind the dashboard distribution',
      serviceName: 'code-hub-admin',
      memoryMb: config.adminMemoryMb,
      timeout: ADMIN_TIMEOUT,
      environment: { ...environment, ADMIN_TOKEN_SECRET_ARN: this.adminTokenSecret.secretArn },
    }).function;
    grantItemAccess(table, this.admin);
    this.adminTokenSecret.grantRead(this.admin);
    // Buffered: the admin API never streams, and CloudFront reaches it as a plain HTTPS origin.
    this.adminUrl = this.admin.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    this.priceSync = new GatewayFunction(this, 'PriceSync', {
      ...common,
      entry: 'functions/price-sync/lambda.ts',
      description: 'Code Hub price sync: LiteLLM price table → prices in the table',
      serviceName: 'code-hub-price-sync',
      memoryMb: PRICE_SYNC_MEMORY_MB,
      timeout: PRICE_SYNC_TIMEOUT,
      environment,
    }).function;
    grantItemAccess(table, this.priceSync);
    new PriceSyncSchedule(this, 'PriceSyncSchedule', { function: this.priceSync, expression: config.priceSyncSchedule });

    if (config.enableAlarms) {
      new GatewayAlarms(this, 'Alarms', {
        proxy: this.proxy,
        priceSync: this.priceSync,
        table,
        alarmEmail: config.alarmEmail,
        alarmTopicArn: config.alarmTopicArn,
      });
    }

    this.addOutputs();
    this.addNagSuppressions();
  }

  private addOutputs(): void {
    new CfnOutput(this, 'ProxyUrl', {
      description: 'Base URL for Claude Code (ANTHROPIC_BASE_URL), Codex CLI and the SDKs',
      value: this.publicProxyUrl,
    });
    new CfnOutput(this, 'ProxyFunctionUrl', {
      description: 'Raw proxy Function URL (refuses requests without the CloudFront header when a custom domain is set)',
      value: this.proxyUrl.functionBaseUrl,
    });
    const domain = this.proxyUrl.domain;
    if (domain !== undefined) {
      new CfnOutput(this, 'ProxyCustomDomainUrl', { description: 'Proxy URL on the custom domain', value: domain.url });
      new CfnOutput(this, 'ProxyDistributionDomainName', {
        description: 'CloudFront domain for a CNAME when no hosted zone is configured',
        value: domain.distribution.distributionDomainName,
      });
    }
    new CfnOutput(this, 'AdminTokenSecretArn', {
      description: 'Secrets Manager secret holding the admin token',
      value: this.adminTokenSecret.secretArn,
    });
    new CfnOutput(this, 'AdminTokenCommand', {
      description: 'Prints the admin token',
      value: `aws secretsmanager get-secret-value --region ${Aws.REGION} --secret-id ${this.adminTokenSecret.secretArn} --query SecretString --output text`,
    });
  }

  private addNagSuppressions(): void {
    acknowledge(this.adminTokenSecret, {
      'AwsSolutions-SMG4': 'A login token read at cold start; rotate it by putting a new value (see docs/deploy.md), no rotation Lambda.',
    });
  }
}
