// A minimal gRPC client over cleartext HTTP/2 (h2c) for the e2e suites: unary calls with hand-encoded
// protobuf, enough for grpc.health.v1.Health/Check (what the kubelet's grpc probe calls) and a
// one-string-field request such as google.protobuf.StringValue. No generated code, no dependency.
import * as http2 from 'http2';

// Protobuf varints and field keys are bit fields.
/* eslint-disable no-bitwise */

/** The outcome of a unary call: the gRPC status and the response message bytes (without framing). */
export interface GrpcReply {
  readonly grpcStatus: number;
  readonly grpcMessage?: string;
  readonly message: Buffer;
}

/** `grpc.health.v1.HealthCheckResponse.ServingStatus` by number. */
export const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

/** Protobuf encoding of a message whose field 1 is a string (HealthCheckRequest, StringValue). */
export function stringField1(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return bytes.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a]), varint(bytes.length), bytes]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.from(out);
}

/** Reads field 1 of a message: a varint (enum) or a length-delimited string; undefined when absent. */
export function readField1(message: Buffer): number | string | undefined {
  let i = 0;
  const readVarint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = message[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (i < message.length) {
    const key = readVarint();
    const [field, wire] = [key >>> 3, key & 7];
    let value: number | string;
    if (wire === 0) {
      value = readVarint();
    } else if (wire === 2) {
      const length = readVarint();
      value = message.subarray(i, i + length).toString('utf8');
      i += length;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
    if (field === 1) return value;
  }
  return undefined;
}

/** One unary call to `http://host:port` + `/package.Service/Method`, failing after timeoutMs. */
export async function grpcUnary(host: string, port: number, method: string, request: Buffer, timeoutMs: number): Promise<GrpcReply> {
  const session = http2.connect(`http://${host}:${port}`);
  try {
    return await new Promise<GrpcReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gRPC ${method}: no answer within ${timeoutMs} ms`)), timeoutMs);
      session.on('error', (e) => { clearTimeout(timer); reject(e); });
      const frame = Buffer.alloc(5);
      frame.writeUInt32BE(request.length, 1);
      const stream = session.request({
        ':method': 'POST',
        ':path': method,
        'content-type': 'application/grpc',
        'te': 'trailers',
        'grpc-timeout': `${timeoutMs}m`,
      });
      const chunks: Buffer[] = [];
      let headers: http2.IncomingHttpHeaders = {};
      stream.on('response', (h) => { headers = h; });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('trailers', (t) => { headers = { ...headers, ...t }; });
      stream.on('error', (e) => { clearTimeout(timer); reject(e); });
      stream.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        // Trailers-only replies carry grpc-status in the headers and have no body.
        const status = headers['grpc-status'];
        if (status === undefined) return reject(new Error(`gRPC ${method}: no grpc-status (HTTP ${headers[':status']})`));
        const message = body.length >= 5 ? body.subarray(5, 5 + body.readUInt32BE(1)) : Buffer.alloc(0);
        resolve({ grpcStatus: Number(status), grpcMessage: headers['grpc-message'] as string | undefined, message });
      });
      stream.end(Buffer.concat([frame, request]));
    });
  } finally {
    // Like the kubelet after a probe: the connection ends with the call (a lingering one delays GracefulStop).
    session.destroy();
  }
}

/** `grpc.health.v1.Health/Check` for a service ('' = the whole server): the serving status by name. */
export async function grpcHealthCheck(host: string, port: number, service: string, timeoutMs: number): Promise<string> {
  const reply = await grpcUnary(host, port, '/grpc.health.v1.Health/Check', stringField1(service), timeoutMs);
  if (reply.grpcStatus !== 0) return `grpc-status ${reply.grpcStatus}${reply.grpcMessage ? ` (${decodeURIComponent(reply.grpcMessage)})` : ''}`;
  const status = readField1(reply.message) ?? 0;
  return SERVING_STATUS[status as number] ?? `status ${status}`;
}
