import { createRequire } from 'node:module';
import { isIPv6 } from 'node:net';
import type { DnsResponder } from './responder';

/**
 * UDP through the native addon in native/udp-batch (Linux, built on install when a compiler is
 * there): recvmmsg/sendmmsg on the main thread, one JS call per batch of up to 64 datagrams.
 * Datagrams arrive in fixed slots of a shared buffer, replies are written into the matching
 * slots of another; the addon sends them to the recorded sources after the batch returns.
 */

interface Addon {
  BATCH: number;
  SLOT: number;
  SRC_STRIDE: number;
  open(host: string, port: number, ipv6: boolean, recvBufferBytes: number): unknown;
  port(handle: unknown): number;
  start(
    handle: unknown,
    inBuf: Buffer,
    outBuf: Buffer,
    lengths: Int32Array,
    outLengths: Int32Array,
    sources: Buffer,
    onBatch: (count: number) => void,
  ): void;
  close(handle: unknown): void;
}

let addon: Addon | null | undefined;
/** Open native sockets: held here so that, as with node:dgram, only close() closes them. */
const open = new Set<unknown>();

/** Native sockets open in this process (tests: shows which path a server took). */
export function batchedSockets(): number {
  return open.size;
}

function load(): Addon | null {
  if (addon !== undefined) return addon;
  try {
    const require = createRequire(import.meta.url);
    addon = require('../../../native/udp-batch/build/Release/udp_batch.node') as Addon;
  } catch {
    addon = null;
  }
  return addon;
}

/** Whether the addon is built and loads here. */
export function nativeUdpAvailable(): boolean {
  return load() !== null;
}

export interface BatchedUdp {
  port: number;
  close(): void;
}

export function startBatchedUdp(opts: {
  host: string;
  port: number;
  responder: DnsResponder;
  onError: (err: unknown) => void;
  /** Socket receive/send buffer, bytes (the kernel caps it at net.core.rmem_max). */
  recvBufferBytes?: number;
}): BatchedUdp {
  const native = load();
  if (native === null) throw new Error('native UDP batching is not built');
  const { BATCH, SLOT, SRC_STRIDE } = native;
  const handle = native.open(
    opts.host,
    opts.port,
    isIPv6(opts.host),
    opts.recvBufferBytes ?? 4 * 1024 * 1024,
  );
  let closed = false;
  try {
    const inBuf = Buffer.alloc(BATCH * SLOT);
    const outBuf = Buffer.alloc(BATCH * SLOT);
    const lengths = new Int32Array(BATCH);
    const outLengths = new Int32Array(BATCH);
    const sources = Buffer.alloc(BATCH * SRC_STRIDE);
    const outSlots = Array.from({ length: BATCH }, (_, i) =>
      outBuf.subarray(i * SLOT, (i + 1) * SLOT),
    );
    const responder = opts.responder;
    const onError = opts.onError;
    const onBatch = (count: number): void => {
      for (let i = 0; i < count; i++) {
        outLengths[i] = 0;
        const len = lengths[i] as number;
        if (len <= 0) continue; // empty, or larger than a slot (dropped)
        try {
          const start = i * SLOT;
          const src = i * SRC_STRIDE;
          const n = responder.answerBytes(
            inBuf.subarray(start, start + len),
            outSlots[i] as Buffer,
            sources[src] as number,
            sources,
            src + 4,
            false,
          );
          outLengths[i] = n > 0 && n <= SLOT ? n : 0;
        } catch (err) {
          onError(err);
        }
      }
    };
    native.start(handle, inBuf, outBuf, lengths, outLengths, sources, onBatch);
    open.add(handle);
    return {
      port: native.port(handle),
      close() {
        if (closed) return;
        closed = true;
        open.delete(handle);
        native.close(handle);
      },
    };
  } catch (err) {
    native.close(handle);
    throw err;
  }
}
