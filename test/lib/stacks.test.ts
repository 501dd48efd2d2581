// Assertion tests for the CDK app: config schema, the three stacks, the custom-domain variants and cdk-nag.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_DEFINITION, TTL_ATTRIBUTE } from '../../functions/shared/db/table.js';
import { parseDeployConfig, DeployConfigError, type DeployConfigInput } from '../../lib/config.js';
import { DIRECTORY_INDEX_CODE } from '../../lib/constructs/admin-site.js';
import { ContentSecurityPolicyError, dashboardContentSecurityPolicy } from '../../lib/constructs/security-headers.js';
import { REPO_ROOT } from '../../lib/constructs/gateway-function.js';
import { createStacks, type HubStacks } from '../../lib/create-stacks.js';
import { inlineScriptHashes, loadDashboardBuild } from '../../lib/dashboard-build.js';

const CDK_CONTEXT = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const ZONE_DOMAIN: DeployConfigInput = {
  region: 'us-east-1',
  account: '123456789012',
  customDomain: { domainName: 'hub.example.com', hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'example.com' },
};
// The first synthesis loads CloudFormation schemas for CDK's built-in template validation.
const SYNTH_TIMEOUT_MS = 60_000;
const CERT_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-aaaa-bbbb-cccc-000000000000';

let dashboardDir: string;

interface Synth {
  app: App;
  stacks: HubStacks;
  data: Template;
  api: Template;
  dashboard: Template;
}

// Bundling skipped: the templates are checked, not the code (test/synth does the real bundle).
function synth(raw: DeployConfigInput = {}): Synth {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const dashboard = loadDashboardBuild(dashboardDir);
  const stacks = createStacks(app, parseDeployConfig(raw), { dashboard });
  return {
    app,
    stacks,
    data: Template.fromStack(stacks.data),
    api: Template.fromStack(stacks.api),
    dashboard: Template.fromStack(stacks.dashboard),
  };
}

function functionNamed(template: Template, idPrefix: string): { id: string; props: Record<string, any> } {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(idPrefix));
  if (!found) throw new Error(`no function ${idPrefix}`);
  return { id: found[0], props: found[1].Properties };
}

function policiesOfRole(template: Template, functionId: string): any[] {
  const role = functionNamed(template, functionId).props.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === role))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

const actionsOf = (statement: any): string[] => [statement.Action].flat();

let plain: Synth;
let zoned: Synth;

beforeAll(() => {
  dashboardDir = mkdtempSync(join(tmpdir(), 'code-hub-dashboard-test-'));
  writeFileSync(join(dashboardDir, 'index.html'), '<html><script>console.log(1)</script></html>');
  plain = synth();
  zoned = synth({ ...ZONE_DOMAIN, alarmEmail: 'ops@example.com' });
}, SYNTH_TIMEOUT_MS * 2);

afterAll(() => rmSync(dashboardDir, { recursive: true, force: true }));

describe('deploy config', () => {
  it('fills every default from an empty object', () => {
    const config = parseDeployConfig(undefined);
    expect(config).toMatchObject({
      stackPrefix: 'CodeHub',
      timezone: 'UTC',
      sessionTtlSeconds: 300,
      enableRateLimit: true,
      priceSyncSchedule: 'rate(1 day)',
      proxyMemoryMb: 1024,
      lambdaLogRetentionDays: 30,
      requestLogRetentionDays: 90,
      enableAlarms: true,
    });
    expect(config.customDomain).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('accepts the context as a JSON string (as `-c codeHub=...` passes it)', () => {
    expect(parseDeployConfig('{"proxyMemoryMb": 2048}').proxyMemoryMb).toBe(2048);
  });

  it.each<[string, unknown, string]>([
    ['an unknown key', { proxyMemory: 1 }, 'proxyMemory'],
    ['a time zone that does not exist', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['a schedule that is not an EventBridge expression', { priceSyncSchedule: 'daily' }, 'priceSyncSchedule'],
    ['a log retention CloudWatch does not offer', { lambdaLogRetentionDays: 31 }, 'lambdaLogRetentionDays'],
    ['both an alarm e-mail and a topic', { alarmEmail: 'a@b.co', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:t' }, 'not both'],
    ['a domain with neither certificate nor zone', { region: 'us-east-1', customDomain: { domainName: 'a.example.com' } }, 'certificateArn'],
    ['a zone id without its name', { region: 'us-east-1', customDomain: { domainName: 'a.example.com', hostedZoneId: 'Z1' } }, 'go together'],
    ['a domain outside its zone', { ...ZONE_DOMAIN, customDomain: { ...ZONE_DOMAIN.customDomain, domainName: 'hub.other.com' } }, 'not inside'],
    ['a stack-made certificate outside us-east-1', { ...ZONE_DOMAIN, region: 'eu-west-1' }, 'us-east-1'],
    ['a certificate from another region', { customDomain: { domainName: 'a.example.com', certificateArn: CERT_ARN.replace('us-east-1', 'eu-west-1') } }, 'us-east-1'],
    ['invalid JSON', '{nope', 'not valid JSON'],
  ])('rejects %s', (_name, raw, message) => {
    expect(() => parseDeployConfig(raw)).toThrow(DeployConfigError);
    expect(() => parseDeployConfig(raw)).toThrow(message);
  });
});

describe('data stack', () => {
  it('creates the single table from the shared definition: on-demand, TTL, PITR, protected, AWS-managed key', () => {
    plain.data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: TABLE_DEFINITION.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_DEFINITION.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        // SSE on without a key of our own: the AWS-managed aws/dynamodb key.
        SSESpecification: Match.exact({ SSEEnabled: true }),
      }),
    });
  });

  it('adds every GSI of the shared definition with string keys and all attributes projected', () => {
    const table = Object.values(plain.data.findResources('AWS::DynamoDB::Table'))[0].Properties;
    expect(table.GlobalSecondaryIndexes).toEqual(
      TABLE_DEFINITION.globalSecondaryIndexes.map((gsi) => ({
        IndexName: gsi.indexName,
        KeySchema: [
          { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect(table.AttributeDefinitions.every((a: any) => a.AttributeType === 'S')).toBe(true);
  });
});

describe('api stack', () => {
  it('runs all three functions on Node 22, arm64, as ESM bundles (index.mjs → index.handler)', () => {
    const functions = ['Proxy', 'Admin', 'PriceSync'].map((id) => functionNamed(plain.api, `${id}Function`).props);
    for (const fn of functions) {
      expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    }
  });

  it('gives the proxy 15 minutes, 1024 MB, no reserved concurrency and a 30-day log group by default', () => {
    const proxy = functionNamed(plain.api, 'ProxyFunction').props;
    expect(proxy.Timeout).toBe(900);
    expect(proxy.MemorySize).toBe(1024);
    expect(proxy.ReservedConcurrentExecutions).toBeUndefined();
    const logGroupId = proxy.LoggingConfig.LogGroup.Ref;
    expect(plain.api.findResources('AWS::Logs::LogGroup')[logGroupId].Properties.RetentionInDays).toBe(30);
  });

  it('applies memory, reserved concurrency, log retention and schedule from the config', () => {
    const custom = synth({ proxyMemoryMb: 1769, proxyReservedConcurrency: 20, lambdaLogRetentionDays: 7, priceSyncSchedule: 'cron(0 3 * * ? *)' });
    const proxy = functionNamed(custom.api, 'ProxyFunction').props;
    expect(proxy).toMatchObject({ MemorySize: 1769, ReservedConcurrentExecutions: 20 });
    expect(custom.api.findResources('AWS::Logs::LogGroup')[proxy.LoggingConfig.LogGroup.Ref].Properties.RetentionInDays).toBe(7);
    custom.api.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 * * ? *)' });
  }, SYNTH_TIMEOUT_MS);

  it('serves the proxy from a public streaming Function URL and the admin API from a buffered one', () => {
    const urls = Object.values(plain.api.findResources('AWS::Lambda::Url')).map((u: any) => u.Properties);
    const proxyId = functionNamed(plain.api, 'ProxyFunction').id;
    const adminId = functionNamed(plain.api, 'AdminFunction').id;
    const proxyUrl = urls.find((u) => u.TargetFunctionArn['Fn::GetAtt'][0] === proxyId);
    const adminUrl = urls.find((u) => u.TargetFunctionArn['Fn::GetAtt'][0] === adminId);
    expect(proxyUrl).toMatchObject({ AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });
    expect(adminUrl?.AuthType).toBe('NONE');
    expect(adminUrl?.InvokeMode ?? 'BUFFERED').toBe('BUFFERED');
    expect(urls).toHaveLength(2);
  });

  it('passes the runtime settings every function reads, and tags each with its service name', () => {
    const env = functionNamed(plain.api, 'ProxyFunction').props.Environment.Variables;
    expect(env).toMatchObject({
      TABLE_NAME: expect.anything(),
      HUB_TIMEZONE: 'UTC',
      SESSION_TTL: '300',
      ENABLE_RATE_LIMIT: 'true',
      LOG_LEVEL: 'info',
      LOG_RETENTION_DAYS: '90',
      POWERTOOLS_SERVICE_NAME: 'code-hub-proxy',
    });
    expect(env.TABLE_NAME).toBeTypeOf('object');
    expect(functionNamed(plain.api, 'PriceSyncFunction').props.Environment.Variables.PRICE_SOURCE_URL).toMatch(/^https:\/\//);
  });

  it('wires the generated admin token secret to the admin function only', () => {
    const [secretId] = Object.keys(plain.api.findResources('AWS::SecretsManager::Secret'));
    const admin = functionNamed(plain.api, 'AdminFunction').props.Environment.Variables;
    expect(admin.ADMIN_TOKEN_SECRET_ARN).toEqual({ Ref: secretId });
    const adminSecretReads = policiesOfRole(plain.api, 'AdminFunction').filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
    expect(adminSecretReads).toEqual([expect.objectContaining({ Resource: { Ref: secretId } })]);
    for (const other of ['ProxyFunction', 'PriceSyncFunction']) {
      expect(functionNamed(plain.api, other).props.Environment.Variables.ADMIN_TOKEN_SECRET_ARN).toBeUndefined();
      expect(policiesOfRole(plain.api, other).flatMap(actionsOf).some((a) => a.startsWith('secretsmanager:'))).toBe(false);
    }
  });

  it('limits every DynamoDB grant to item actions on the table and its named indexes', () => {
    const statements = Object.values(plain.api.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(statements).toHaveLength(3);
    for (const statement of statements) {
      expect(actionsOf(statement)).not.toContain('dynamodb:*');
      expect(actionsOf(statement)).not.toContain('dynamodb:Scan');
      const resources = JSON.stringify(statement.Resource);
      expect([statement.Resource].flat()).not.toContain('*');
      expect(resources).not.toContain('/index/*');
      expect(resources).toContain('StoreTable');
      for (const gsi of TABLE_DEFINITION.globalSecondaryIndexes) expect(resources).toContain(`/index/${gsi.indexName}`);
    }
  });

  it('syncs prices daily by default and once after deploys that change the function, asynchronously', () => {
    const priceSyncId = functionNamed(plain.api, 'PriceSyncFunction').id;
    plain.api.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [priceSyncId, 'Arn'] } })],
    });
    plain.api.hasResourceProperties('Custom::Trigger', {
      HandlerArn: { Ref: Match.stringLikeRegexp('^PriceSyncFunctionCurrentVersion') },
      InvocationType: 'Event',
      ExecuteOnHandlerChange: true,
    });
  });

  it('alarms on proxy errors and throttles, table throttles and price-sync errors', () => {
    const alarms = Object.values(plain.api.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
    expect(alarms).toHaveLength(4);
    expect(alarms.filter((a) => a.MetricName).map((a) => a.MetricName).sort()).toEqual(['Errors', 'Errors', 'Throttles']);
    const math = alarms.find((a) => a.Metrics)?.Metrics.flatMap((m: any) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));
    expect(math?.sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    expect(alarms.every((a) => a.AlarmActions === undefined)).toBe(true);
  });

  it('sends alarms to an e-mail topic when configured, and creates none when alarms are off', () => {
    zoned.api.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    const alarms = Object.values(zoned.api.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
    expect(alarms.every((a) => a.AlarmActions?.length === 1)).toBe(true);
    synth({ enableAlarms: false }).api.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  }, SYNTH_TIMEOUT_MS);

  it('outputs the proxy URL and the command that prints the admin token', () => {
    const outputs = plain.api.toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ProxyUrl', 'ProxyFunctionUrl', 'AdminTokenSecretArn', 'AdminTokenCommand']));
    expect(outputs.ProxyCustomDomainUrl).toBeUndefined();
    const command = JSON.stringify(outputs.AdminTokenCommand.Value);
    expect(command).toContain('aws secretsmanager get-secret-value');
    expect(command).toContain('--secret-id ');
    expect(command).toContain(' --query SecretString --output text');
  });
});

describe('dashboard stack', () => {
  const distribution = (t: Template) => Object.values(t.findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;

  it('keeps the bucket private, TLS-only, and readable by CloudFront through OAC only', () => {
    plain.dashboard.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    plain.dashboard.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    plain.dashboard.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
    });
    const s3Origin = distribution(plain.dashboard).Origins.find((o: any) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.stringContaining('OriginAccessControl'), 'Id'] });
    expect(distribution(plain.dashboard).DefaultRootObject).toBe('index.html');
  });

  it('routes /api/* to the admin Function URL uncached, with every method, cookie and header but Host', () => {
    const config = distribution(plain.dashboard);
    const api = config.CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    expect(api).toMatchObject({ CachePolicyId: CACHING_DISABLED, OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST, ViewerProtocolPolicy: 'https-only' });
    expect(api.AllowedMethods.sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    const origin = config.Origins.find((o: any) => o.Id === api.TargetOriginId);
    expect(JSON.stringify(origin.DomainName)).toContain('AdminFunctionFunctionUrl');
  });

  it('sends a CSP, HSTS, nosniff, DENY framing and a referrer policy on pages and API', () => {
    const [policyId, policy] = Object.entries(plain.dashboard.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as [string, any];
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp: string = headers.ContentSecurityPolicy.ContentSecurityPolicy;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("'sha256-CihokcEcBW4atb/CW/XWsvWwbTjqwQlE9nj9ii5ww5M='");
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31536000);
    expect(headers).toMatchObject({ ContentTypeOptions: { Override: true }, FrameOptions: { FrameOption: 'DENY' }, ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin' } });
    const config = distribution(plain.dashboard);
    expect([config.DefaultCacheBehavior, ...config.CacheBehaviors].every((b: any) => b.ResponseHeadersPolicyId.Ref === policyId)).toBe(true);
  });

  it.each([
    ['/', '/index.html'],
    ['/users/', '/users/index.html'],
    ['/users', '/users/index.html'],
    ['/_astro/app.1a2b.js', '/_astro/app.1a2b.js'],
    ['/config.json', '/config.json'],
  ])('maps the directory URI %s to %s in the viewer-request function', (uri, expected) => {
    const handler = new Function(`${DIRECTORY_INDEX_CODE}; return handler;`)() as (e: unknown) => { uri: string };
    expect(handler({ request: { uri } }).uri).toBe(expected);
  });

  it('deploys the build plus /config.json holding the proxy URL, then invalidates the distribution', () => {
    const deployment = Object.values(plain.dashboard.findResources('Custom::CDKBucketDeployment'))[0] as any;
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    expect(JSON.stringify(deployment.Properties.SourceMarkers)).toContain('ProxyFunctionFunctionUrl');
    expect(deployment.Properties.DistributionPaths).toEqual(['/*']);
  });
});

describe('custom domain', () => {
  const proxyDistribution = (t: Template) => Object.values(t.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig;

  it('is off by default: no proxy distribution and no origin secret', () => {
    plain.api.resourceCountIs('AWS::CloudFront::Distribution', 0);
    expect(functionNamed(plain.api, 'ProxyFunction').props.Environment.Variables.ORIGIN_VERIFY_SECRET).toBeUndefined();
  });

  it('puts CloudFront in front of the proxy with the secret header the proxy checks', () => {
    const config = proxyDistribution(zoned.api);
    const env = functionNamed(zoned.api, 'ProxyFunction').props.Environment.Variables;
    const header = config.Origins[0].OriginCustomHeaders.find((h: any) => h.HeaderName === 'x-origin-verify');
    expect(header.HeaderValue).toEqual(env.ORIGIN_VERIFY_SECRET);
    expect(JSON.stringify(env.ORIGIN_VERIFY_SECRET)).toContain('{{resolve:secretsmanager:');
    expect(config.Origins[0].CustomOriginConfig).toMatchObject({ OriginReadTimeout: 60, OriginProtocolPolicy: 'https-only' });
    expect(config.Aliases).toEqual(['hub.example.com']);
    expect(config.DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
      ViewerProtocolPolicy: 'https-only',
      Compress: false,
    });
    expect(config.DefaultCacheBehavior.AllowedMethods).toHaveLength(7);
    expect(functionNamed(zoned.api, 'AdminFunction').props.Environment.Variables.ORIGIN_VERIFY_SECRET).toBeUndefined();
  });

  it('validates a certificate in the zone and aliases the name (IPv4 and IPv6) when a zone is given', () => {
    zoned.api.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'hub.example.com', ValidationMethod: 'DNS' });
    for (const type of ['A', 'AAAA']) {
      zoned.api.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'hub.example.com.', Type: type, HostedZoneId: 'Z0123456789ABC' });
    }
    expect(zoned.api.toJSON().Outputs.ProxyCustomDomainUrl.Value).toBe('https://hub.example.com');
  });

  it('uses a given certificate and creates no DNS records without a zone', () => {
    const withCert = synth({ customDomain: { domainName: 'hub.example.com', certificateArn: CERT_ARN, originReadTimeoutSeconds: 120 } });
    withCert.api.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    withCert.api.resourceCountIs('AWS::Route53::RecordSet', 0);
    const config = proxyDistribution(withCert.api);
    expect(config.ViewerCertificate).toMatchObject({ AcmCertificateArn: CERT_ARN, MinimumProtocolVersion: 'TLSv1.2_2021' });
    expect(config.Origins[0].CustomOriginConfig.OriginReadTimeout).toBe(120);
  }, SYNTH_TIMEOUT_MS);

  it('tells the dashboard the custom domain as the proxy URL', () => {
    const deployment = Object.values(zoned.dashboard.findResources('Custom::CDKBucketDeployment'))[0] as any;
    const configAsset = String(deployment.Properties.SourceObjectKeys[1]).replace(/\.zip$/, '');
    const written = readFileSync(join(zoned.app.synth().directory, `asset.${configAsset}`, 'config.json'), 'utf8');
    expect(JSON.parse(written)).toEqual({ proxyUrl: 'https://hub.example.com' });
  }, SYNTH_TIMEOUT_MS);
});

describe('checks', () => {
  it.each([
    ['default', () => plain],
    ['custom domain with alarm topic', () => zoned],
  ])('leaves no unacknowledged AwsSolutions finding or CDK warning (%s)', (_name, get) => {
    const { app, stacks } = get();
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    for (const stack of Object.values(stacks) as Stack[]) {
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    }
  });
});

describe('dashboard build', () => {
  const sha = (body: string) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`;

  it.each<[string, string, string[]]>([
    ['a classic inline script', '<script>a()</script>', [sha('a()')]],
    ['an inline module script', '<script type="module">b()</script>', [sha('b()')]],
    ['a script loaded by src', '<script type="module" src="/_astro/x.js"></script>', []],
    ['a JSON data block', '<script type="application/json">{"a":1}</script>', []],
    ['an empty script', '<script></script>', []],
  ])('hashes %s only when the browser would execute it', (_name, html, expected) => {
    expect(inlineScriptHashes(html)).toEqual(expected);
  });

  it('collects distinct inline script hashes from every page of the build', () => {
    const dist = mkdtempSync(join(tmpdir(), 'code-hub-dist-'));
    mkdirSync(join(dist, 'users'));
    writeFileSync(join(dist, 'index.html'), '<script>a()</script>');
    writeFileSync(join(dist, 'users', 'index.html'), '<script>a()</script><script>b()</script>');
    const build = loadDashboardBuild(dist);
    expect(build).toMatchObject({ directory: dist, placeholder: false });
    expect([...build.inlineScriptHashes].sort()).toEqual([sha('a()'), sha('b()')].sort());
    rmSync(dist, { recursive: true, force: true });
  });

  it('stands in a placeholder page when the dashboard was not built', () => {
    const build = loadDashboardBuild(join(tmpdir(), 'code-hub-no-such-dist'));
    expect(build.placeholder).toBe(true);
    expect(readFileSync(join(build.directory, 'index.html'), 'utf8')).toContain('npm run build:frontend');
    rmSync(build.directory, { recursive: true, force: true });
  });

  it('refuses a CSP longer than CloudFront accepts', () => {
    const many = Array.from({ length: 40 }, (_, i) => sha(`s${i}()`));
    expect(() => dashboardContentSecurityPolicy(many)).toThrow(ContentSecurityPolicyError);
  });
});
