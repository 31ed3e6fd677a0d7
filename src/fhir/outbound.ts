/**
 * The one policy every outbound FHIR request goes through (searches, pages, Medication reads): an
 * undici dispatcher handed to fhir-kit-client's fetch. A caller chooses `fhirServer`, so a request
 * is only ever sent under the call's allowed base, checked on every hop (fetch issues each redirect
 * hop as a new dispatch, so even a followed redirect cannot reach another host or path); the
 * response is capped on the wire and after decompression; decompression is done here, off the
 * event loop, with a hard output limit, so a gzip bomb costs at most the cap.
 */
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import { Agent, Dispatcher } from 'undici';
import { isUnderBase } from './server-allowlist.js';

/** Why the policy stopped a request; the adapter turns it into a FhirRequestError kind. */
export type OutboundRefusal = 'off-allowlist' | 'too-large' | 'bad-encoding';

export class OutboundRefused extends Error {
  constructor(readonly refusal: OutboundRefusal) {
    super(`outbound request refused: ${refusal}`);
    this.name = 'OutboundRefused';
  }
}

export interface OutboundLimits {
  /** Most bytes a response may carry on the wire (Content-Length or counted). */
  maxResponseBytes: number;
  /** Most bytes a response may decompress to. */
  maxDecodedBytes: number;
  /** Most bytes all responses of one hook call may carry together (decoded). */
  maxCallBytes: number;
}

// One connection pool for the process: a pool per call would cost a socket per call. undici's own
// timeouts are a floor under the adapter's per-query deadline (headers, and silence between chunks).
// A call sends a dozen queries at once, so ten concurrent calls need ~120 sockets to one server: with 32
// they queued in waves (p50 230 ms at 50 ms of FHIR latency, against 120-136 ms with 128).
let sharedAgent: Agent | undefined;
function agent(): Agent {
  sharedAgent ??= new Agent({ headersTimeout: 30_000, bodyTimeout: 30_000, keepAliveTimeout: 10_000, connections: 128 });
  return sharedAgent;
}

type ZlibAsync = (buf: Buffer, options: ZlibOptions) => Promise<Buffer>;
const DECODERS: Record<string, ZlibAsync> = {
  gzip: promisify(gunzip) as ZlibAsync,
  'x-gzip': promisify(gunzip) as ZlibAsync,
  br: promisify(brotliDecompress as unknown as typeof gunzip) as ZlibAsync,
};

/** `deflate` is zlib-wrapped by the standard but raw from some servers: try both. */
async function inflateEither(buf: Buffer, options: ZlibOptions): Promise<Buffer> {
  try {
    return await (promisify(inflate) as ZlibAsync)(buf, options);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw err;
    return (promisify(inflateRaw) as ZlibAsync)(buf, options);
  }
}

async function decode(encoding: string, body: Buffer, maxOutputLength: number): Promise<Buffer> {
  const options = { maxOutputLength };
  try {
    if (encoding === 'deflate') return await inflateEither(body, options);
    return await DECODERS[encoding]!(body, options);
  } catch (err) {
    // zlib's maxOutputLength error (RangeError) is the decompression cap; anything else is a corrupt body.
    throw new OutboundRefused((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'bad-encoding');
  }
}

function header(raw: Buffer[] | string[] | null | undefined, name: string): string | undefined {
  if (!raw) return undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) if (String(raw[i]).toLowerCase() === name) return String(raw[i + 1]);
  return undefined;
}

function withoutEncoding(raw: Buffer[] | string[], length: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = String(raw[i]).toLowerCase();
    if (name === 'content-encoding' || name === 'content-length') continue;
    out.push(Buffer.from(String(raw[i])), Buffer.from(String(raw[i + 1])));
  }
  out.push(Buffer.from('content-length'), Buffer.from(String(length)));
  return out;
}

type Handler = Dispatcher.DispatchHandlers;

interface CallBudget {
  /** Bytes delivered to fetch so far in this call. */
  bytes: number;
  /** Output room promised to decompressions still running: concurrent bombs share the call's cap. */
  reserved: number;
}

/**
 * Wraps fetch's handler: counts bytes against the caps, and for an encoded body buffers the wire
 * bytes (at most the wire cap), decompresses them with the decoded cap and hands fetch plain bytes.
 */
class CappedHandler implements Handler {
  private abortRequest: ((reason?: Error) => void) | undefined;
  private aborted = false;
  private failed = false;
  private wireBytes = 0;
  private encoding: string | undefined;
  private held: { statusCode: number; headers: Buffer[]; resume: () => void; statusText: string } | undefined;
  private chunks: Buffer[] = [];

  constructor(
    private readonly inner: Handler,
    private readonly limits: OutboundLimits,
    private readonly budget: CallBudget,
  ) {}

  private fail(refusal: OutboundRefusal): false {
    if (!this.failed) {
      this.failed = true;
      this.chunks = [];
      this.abortRequest?.(new OutboundRefused(refusal));
    }
    return false;
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortRequest = abort;
    this.inner.onConnect?.((reason?: Error) => {
      this.aborted = true;
      this.chunks = [];
      abort(reason);
    });
  }

  onError(err: Error): void {
    this.chunks = [];
    this.inner.onError?.(err);
  }

  onUpgrade(statusCode: number, headers: Buffer[] | string[] | null, socket: never): void {
    this.inner.onUpgrade?.(statusCode, headers, socket);
  }

  onResponseStarted(): void {
    (this.inner as { onResponseStarted?: () => void }).onResponseStarted?.();
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    const declared = Number(header(headers, 'content-length'));
    if (Number.isFinite(declared) && declared > this.limits.maxResponseBytes) return this.fail('too-large');
    const encoding = header(headers, 'content-encoding')?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      if (!(encoding in DECODERS) && encoding !== 'deflate') return this.fail('bad-encoding');
      this.encoding = encoding;
      this.held = { statusCode, headers, resume, statusText };
      return true;
    }
    return this.inner.onHeaders?.(statusCode, headers, resume, statusText) ?? true;
  }

  onData(chunk: Buffer): boolean {
    if (this.failed) return false;
    this.wireBytes += chunk.length;
    if (this.wireBytes > this.limits.maxResponseBytes) return this.fail('too-large');
    if (!this.encoding) {
      this.budget.bytes += chunk.length;
      if (this.budget.bytes > this.limits.maxCallBytes) return this.fail('too-large');
      return this.inner.onData?.(chunk) ?? true;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(trailers: string[] | null): void {
    if (this.failed) return;
    if (!this.encoding || !this.held) {
      this.inner.onComplete?.(trailers);
      return;
    }
    const held = this.held;
    const body = Buffer.concat(this.chunks);
    this.chunks = [];
    const room = Math.min(this.limits.maxDecodedBytes, this.limits.maxCallBytes - this.budget.bytes - this.budget.reserved);
    if (room <= 0) {
      this.inner.onError?.(new OutboundRefused('too-large'));
      return;
    }
    this.budget.reserved += room;
    decode(this.encoding, body, room).then(
      (plain) => {
        this.budget.reserved -= room;
        if (this.aborted) return;
        this.budget.bytes += plain.length;
        this.inner.onHeaders?.(held.statusCode, withoutEncoding(held.headers, plain.length), held.resume, held.statusText);
        if (plain.length > 0) this.inner.onData?.(plain);
        this.inner.onComplete?.(trailers);
      },
      (err: Error) => {
        this.budget.reserved -= room;
        if (!this.aborted) this.inner.onError?.(err);
      },
    );
  }
}

/**
 * The dispatcher for one hook call's reads from one FHIR server: every dispatch (first request,
 * page, redirect hop, Medication read) must be under `base`, which the caller has already checked
 * against the allowlist; anything else is refused before a socket is opened.
 */
export class OutboundPolicy extends Dispatcher {
  private readonly budget: CallBudget = { bytes: 0, reserved: 0 };

  constructor(
    private readonly base: string,
    private readonly limits: OutboundLimits,
  ) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Handler): boolean {
    const origin = typeof options.origin === 'string' ? options.origin : options.origin?.toString();
    let url: string | undefined;
    try {
      url = new URL(options.path, origin).href;
    } catch {
      url = undefined;
    }
    if (!url || !isUnderBase(url, this.base)) {
      // Refused without touching the network: not even a DNS lookup for the other host.
      queueMicrotask(() => handler.onError?.(new OutboundRefused('off-allowlist')));
      return true;
    }
    return agent().dispatch(options, new CappedHandler(handler, this.limits, this.budget));
  }

  override async close(): Promise<void> {}
  override async destroy(): Promise<void> {}
}
