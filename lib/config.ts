// Deploy configuration: the `codeHub` context object from cdk.json, validated into readonly typed props.
import { z } from 'zod';
import { DEFAULT_PRICE_SOURCE_URL, isValidTimeZone } from '../functions/shared/config.js';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_GROUP_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

// CloudFront only accepts certificates issued in us-east-1.
const CLOUDFRONT_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const customDomainSchema = z
  .object({
    domainName: z.string().toLowerCase().regex(DOMAIN_NAME, 'must be a fully qualified domain name'),
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id').optional(),
    hostedZoneName: z.string().toLowerCase().regex(DOMAIN_NAME, 'must be a zone name').optional(),
    certificateArn: z.string().regex(CLOUDFRONT_CERTIFICATE_ARN, 'must be an ACM certificate ARN in us-east-1').optional(),
    // CloudFront's default quota allows up to 120 s between bytes from the origin; higher needs a quota increase.
    originReadTimeoutSeconds: z.number().int().min(1).max(180).default(60),
  })
  .strict()
  .superRefine((domain, ctx) => {
    if ((domain.hostedZoneId === undefined) !== (domain.hostedZoneName === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'hostedZoneId and hostedZoneName go together (no lookups at synth)' });
    }
    if (domain.hostedZoneName !== undefined && !isWithinZone(domain.domainName, domain.hostedZoneName)) {
      ctx.addIssue({ code: 'custom', path: ['domainName'], message: `is not inside zone ${domain.hostedZoneName}` });
    }
    if (domain.certificateArn === undefined && domain.hostedZoneId === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs certificateArn, or a hosted zone to validate a new certificate' });
    }
  });

const deployConfigSchema = z
  .object({
    stackPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,40}$/).default('CodeHub'),
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1').optional(),
    tableName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/).optional(),
    timezone: z.string().refine(isValidTimeZone, 'must be an IANA time zone').default('UTC'),
    sessionTtlSeconds: z.number().int().min(1).default(300),
    enableRateLimit: z.boolean().default(true),
    priceSourceUrl: z.string().url().default(DEFAULT_PRICE_SOURCE_URL),
    priceSyncSchedule: z
      .string()
      .regex(/^(rate|cron)\(.+\)$/, 'must be an EventBridge expression such as rate(1 day) or cron(0 3 * * ? *)')
      .default('rate(1 day)'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    requestLogRetentionDays: z.number().int().min(1).default(90),
    lambdaLogRetentionDays: z
      .number()
      .refine((d) => (LOG_GROUP_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `must be one of ${LOG_GROUP_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
    proxyMemoryMb: z.number().int().min(128).max(10240).default(1024),
    proxyReservedConcurrency: z.number().int().min(1).optional(),
    adminMemoryMb: z.number().int().min(128).max(10240).default(512),
    sourceMaps: z.boolean().default(false),
    cloudFrontPriceClass: z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']).default('PriceClass_100'),
    customDomain: customDomainSchema.optional(),
    enableAlarms: z.boolean().default(true),
    alarmEmail: z.string().email().optional(),
    alarmTopicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/).optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.alarmEmail !== undefined && config.alarmTopicArn !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'set alarmEmail or alarmTopicArn, not both' });
    }
    const domain = config.customDomain;
    // A certificate created by the stack lives in the stack's region; CloudFront needs us-east-1.
    if (domain && domain.certificateArn === undefined && config.region !== 'us-east-1') {
      ctx.addIssue({
        code: 'custom',
        path: ['customDomain', 'certificateArn'],
        message: 'is required unless region is "us-east-1" (CloudFront only uses us-east-1 certificates)',
      });
    }
  });

type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

export type DeployConfig = DeepReadonly<z.output<typeof deployConfigSchema>>;
export type CustomDomainConfig = NonNullable<DeployConfig['customDomain']>;
/** What cdk.json may hold: every field optional. */
export type DeployConfigInput = z.input<typeof deployConfigSchema>;

export class DeployConfigError extends Error {
  override name = 'DeployConfigError';
}

function isWithinZone(domainName: string, zoneName: string): boolean {
  const zone = zoneName.replace(/\.$/, '');
  return domainName === zone || domainName.endsWith(`.${zone}`);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Validates the raw `codeHub` context value (object, JSON string or undefined) and fills every default. */
export function parseDeployConfig(raw: unknown): DeployConfig {
  let input = raw ?? {};
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch {
      throw new DeployConfigError('context "codeHub" is a string but not valid JSON');
    }
  }
  const result = deployConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DeployConfigError(`invalid "codeHub" config in cdk.json context:\n${problems.join('\n')}`);
  }
  return deepFreeze(result.data);
}
