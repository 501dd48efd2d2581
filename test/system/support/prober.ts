// Sends corpus inputs at a running hub, checks each answer (status class, error shape, request id)
// and keeps the tally: inputs tried, statuses seen, problems found, peak RSS of this process.
import { errorFormatOf, errorShapeProblem, type ErrorFormat } from './routes.js';
import { rawRequest, type RawResponse } from './raw-http.js';

export interface ProbeRequest {
  label: string;
  method: string;
  /** Path and query, URL-encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  contentType?: string | null;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface Prober {
  /** One request through fetch; the answer is checked and returned. */
  send(req: ProbeRequest): Promise<Answer>;
  /**
   * Raw bytes on a socket, for what fetch will not send. `nodeLevel` answers (node's own 400/431
   * before the app runs, or a dropped connection) are accepted as long as the server lives on.
   */
  sendRaw(label: string, bytes: Buffer, options?: { format?: ErrorFormat; nodeLevel?: boolean; proxy?: boolean }): Promise<RawResponse>;
  problem(message: string): void;
  /** Problems found since the last call (each test checks its own). */
  takeProblems(): string[];
  readonly tried: number;
  readonly statuses: Map<number, number>;
  readonly peakRss: number;
}

export function createProber(baseUrl: string, port: number): Prober {
  const problems: string[] = [];
  const statuses = new Map<number, number>();
  let tried = 0;
  let peakRss = process.memoryUsage().rss;

  const count = (status: number) => {
    tried++;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (tried % 50 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };

  const check = (label: string, status: number, format: ErrorFormat, text: string, headers: Record<string, string>, proxy: boolean) => {
    if (status >= 500) problems.push(`${label}: ${status} ${text.slice(0, 200)}`);
    else if (status < 200 || (status >= 300 && status < 400)) problems.push(`${label}: unexpected status ${status}`);
    else if (status >= 400) {
      const shape = errorShapeProblem(format, text);
      if (shape) problems.push(`${label}: ${status} ${shape}`);
    }
    // CONTRACT.md §2: every proxy response carries the id it is logged under.
    if (proxy && status !== 0 && !headers['x-request-id']) problems.push(`${label}: ${status} without x-request-id`);
  };

  return {
    async send(req) {
      const headers: Record<string, string> = { ...req.headers };
      if (req.contentType) headers['content-type'] = req.contentType;
      const label = `${req.method} ${req.path.slice(0, 80)} [${req.label}]`;
      let res: Response;
      try {
        res = await fetch(`${baseUrl}${req.path}`, { method: req.method, headers, body: req.body ? new Uint8Array(req.body) : undefined });
      } catch (err) {
        count(0);
        problems.push(`${label}: no answer (${(err as Error).cause ?? (err as Error).message})`);
        return { status: 0, headers: {}, text: '' };
      }
      const text = await res.text();
      const answerHeaders = Object.fromEntries(res.headers);
      count(res.status);
      const path = req.path.split('?')[0]!;
      check(label, res.status, errorFormatOf(path, headers), text, answerHeaders, path.startsWith('/v1/'));
      return { status: res.status, headers: answerHeaders, text };
    },
    async sendRaw(label, bytes, options = {}) {
      const res = await rawRequest(port, bytes);
      count(res.status);
      const fromNode = res.status === 0 || ((res.status === 400 || res.status === 431) && !res.headers['content-type']);
      if (options.nodeLevel && fromNode) return res;
      if (res.status === 0) problems.push(`${label}: connection closed without an answer (${res.error})`);
      else check(label, res.status, options.format ?? 'none', res.body.toString('utf8'), res.headers, options.proxy ?? false);
      return res;
    },
    problem(message) {
      problems.push(message);
    },
    takeProblems() {
      return problems.splice(0, problems.length);
    },
    get tried() {
      return tried;
    },
    get statuses() {
      return statuses;
    },
    get peakRss() {
      return peakRss;
    },
  };
}

/** Runs `work` over `items` with at most `width` in flight, in order of start. */
export async function inPool<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
