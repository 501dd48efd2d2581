// Security headers for the dashboard: a strict CSP (inline scripts allowed by hash only), HSTS, nosniff, no framing.
import { Duration } from 'aws-cdk-lib';
import {
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';

/** CloudFront rejects a Content-Security-Policy value longer than this. */
export const MAX_CSP_LENGTH = 1783;

export class ContentSecurityPolicyError extends Error {
  override name = 'ContentSecurityPolicyError';
}

/** The dashboard's CSP: same-origin everything; inline styles allowed (Astro and uPlot emit them). */
export function dashboardContentSecurityPolicy(inlineScriptHashes: readonly string[]): string {
  const policy = [
    "default-src 'self'",
    ['script-src', "'self'", ...inlineScriptHashes].join(' '),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  if (policy.length > MAX_CSP_LENGTH) {
    throw new ContentSecurityPolicyError(
      `dashboard CSP is ${policy.length} characters (CloudFront allows ${MAX_CSP_LENGTH}): ` +
        `${inlineScriptHashes.length} distinct inline scripts; move them into bundled script files`,
    );
  }
  return policy;
}

export interface SecurityHeadersProps {
  readonly inlineScriptHashes: readonly string[];
}

export class SecurityHeaders extends Construct {
  readonly policy: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: SecurityHeadersProps) {
    super(scope, id);
    this.policy = new ResponseHeadersPolicy(this, 'Policy', {
      comment: 'Code Hub dashboard security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: dashboardContentSecurityPolicy(props.inlineScriptHashes),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });
  }
}
