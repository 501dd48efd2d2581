// Structured JSON logs (Powertools). One logger per process; modules take it as a dependency.
import { Logger } from '@aws-lambda-powertools/logger';

export type HubLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export function createLogger(level = 'INFO', serviceName = 'code-hub'): HubLogger {
  const logLevel = (['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'].includes(level) ? level : 'INFO') as
    | 'DEBUG'
    | 'INFO'
    | 'WARN'
    | 'ERROR'
    | 'SILENT'
    | 'CRITICAL';
  return new Logger({ serviceName, logLevel });
}

/** A logger that records entries in memory (tests scan them for leaked secrets). */
export function createMemoryLogger(): HubLogger & { entries: { level: string; message: string; extra: unknown[] }[] } {
  const entries: { level: string; message: string; extra: unknown[] }[] = [];
  const at =
    (level: string) =>
    (message: unknown, ...extra: unknown[]) => {
      entries.push({ level, message: String(message), extra });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as never;
}
