// Optional custom domain for the proxy: CloudFront in front of the Function URL, passing a secret header the proxy checks.
import { Duration } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IFunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { AaaaRecord, ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import type { CustomDomainConfig } from '../config.js';

/** Header CloudFront adds on every origin request; the proxy rejects requests without it. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

export interface ProxyDomainProps {
  readonly functionUrl: IFunctionUrl;
  readonly domain: CustomDomainConfig;
  readonly priceClass: PriceClass;
}

export class ProxyDomain extends Construct {
  readonly distribution: Distribution;
  readonly url: string;
  /** Resolved by CloudFormation at deploy time; never present in the synthesized template. */
  readonly originVerifyValue: string;

  constructor(scope: Construct, id: string, props: ProxyDomainProps) {
    super(scope, id);
    const { domain } = props;
    const secret = new Secret(this, 'OriginVerifySecret', {
      description: `Value CloudFront sends in ${ORIGIN_VERIFY_HEADER} to the Code Hub proxy`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    // CloudFront custom headers and Lambda environment variables take plain strings: a dynamic
    // reference keeps the value out of the template, though both services store it in their config.
    this.originVerifyValue = secret.secretValue.unsafeUnwrap();

    const zone =
      domain.hostedZoneId !== undefined && domain.hostedZoneName !== undefined
        ? HostedZone.fromHostedZoneAttributes(this, 'Zone', {
            hostedZoneId: domain.hostedZoneId,
            zoneName: domain.hostedZoneName,
          })
        : undefined;
    const certificate: ICertificate =
      domain.certificateArn !== undefined
        ? Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn)
        : new Certificate(this, 'Certificate', {
            domainName: domain.domainName,
            validation: CertificateValidation.fromDns(zone),
          });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Code Hub proxy ${domain.domainName}`,
      domainNames: [domain.domainName],
      certificate,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass,
      defaultBehavior: {
        origin: new FunctionUrlOrigin(props.functionUrl, {
          // Time CloudFront waits for the next byte: a slow model's first token must arrive within it.
          readTimeout: Duration.seconds(domain.originReadTimeoutSeconds),
          customHeaders: { [ORIGIN_VERIFY_HEADER]: this.originVerifyValue },
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // With caching off this forwards Authorization, x-api-key and every other client header.
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: false,
      },
    });
    this.url = `https://${domain.domainName}`;

    if (zone !== undefined) {
      const target = RecordTarget.fromAlias(new CloudFrontTarget(this.distribution));
      new ARecord(this, 'AliasV4', { zone, recordName: domain.domainName, target });
      new AaaaRecord(this, 'AliasV6', { zone, recordName: domain.domainName, target });
    }

    acknowledge(secret, {
      'AwsSolutions-SMG4': 'CloudFront holds the value as a static origin header; rotating it means a redeploy, not a rotation Lambda.',
    });
    acknowledge(this.distribution, {
      'AwsSolutions-CFR1': "An API for a team's own tools; client keys, not geography, decide access.",
      'AwsSolutions-CFR2': 'WAF costs a fixed monthly fee; the proxy authenticates and rate-limits every key itself.',
      'AwsSolutions-CFR3': 'The proxy logs every request (with cost) to the table; CloudFront access logs would duplicate them.',
    });
  }
}
