// One Lambda of the gateway: Node 22 on arm64, an ESM bundle built by the local esbuild, its own log group.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, LAMBDA_BASIC_EXECUTION_FINDING } from '../nag.js';

/** The repository root: entries, lock file and esbuild all resolve from here, whatever the cwd. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// CJS dependencies bundled into an ESM file still call require(); give them one.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __hubCreateRequire } from 'node:module'; const require = __hubCreateRequire(import.meta.url);";

export interface GatewayFunctionProps {
  /** Entry path relative to the repository root, e.g. `functions/proxy/lambda.ts`. */
  readonly entry: string;
  readonly description: string;
  /** `POWERTOOLS_SERVICE_NAME` of the function's logs. */
  readonly serviceName: string;
  readonly memoryMb: number;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  readonly sourceMaps: boolean;
  readonly reservedConcurrency?: number;
}

export class GatewayFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const environment: Record<string, string> = {
      ...props.environment,
      POWERTOOLS_SERVICE_NAME: props.serviceName,
    };
    // Source-mapped stack traces cost cold-start time, so they come only with the maps.
    if (props.sourceMaps) environment.NODE_OPTIONS = '--enable-source-maps';

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment,
      logGroup: this.logGroup,
      // Versions exist only for triggers (price sync); an old one has no use once replaced.
      currentVersionOptions: { removalPolicy: RemovalPolicy.DESTROY },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: props.sourceMaps,
        sourcesContent: false,
        // The SDK is bundled, not taken from the runtime: the tested version ships, and the
        // tree-shaken bundle loads faster than the runtime's CommonJS copy (see test/synth).
        bundleAwsSDK: true,
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });

    acknowledge(this.function, {
      [LAMBDA_BASIC_EXECUTION_FINDING]: 'AWSLambdaBasicExecutionRole only allows writing to CloudWatch Logs, which every function needs.',
      'AwsSolutions-L1': 'Node.js 22 is the runtime the gateway is built and tested for (DESIGN.md); upgrades are deliberate.',
    });
  }
}
