/**
 * Reading a peer's answer (Prometheus, a figure feed, a chat webhook, a probed site) with a byte
 * cap and a total deadline. An idle timeout alone lets a peer that trickles one byte at a time
 * keep us forever, and reading "until the end" lets a peer that never stops fill the memory; so
 * every client of a peer reads through here and gets one of two clear errors instead.
 */
import { formatByteLimit } from "../config/byte-units.js";

/** The peer's answer was too large or not complete in time; the message is meant for the user. */
export class PeerAnswerError extends Error {
  constructor(
    readonly kind: "too_large" | "deadline",
    message: string,
  ) {
    super(message);
    this.name = "PeerAnswerError";
  }
}

export interface AnswerLimits {
  /** What is read, for messages: "Prometheus answer", "webhook answer". */
  what: string;
  /** More bytes than this fail the read (and destroy the stream, which releases the socket). */
  maxBytes: number;
  /** The total deadline: its abort destroys the stream and fails the read. */
  signal?: AbortSignal;
  /** The deadline's length, for the message. */
  deadlineMs?: number;
}

/** A stream as undici's body, Node's IncomingMessage or any Readable: chunks, and a way to stop. */
export interface AnswerStream extends AsyncIterable<Uint8Array | string> {
  destroy(error?: Error): unknown;
}

export function answerTooLarge(what: string, maxBytes: number): PeerAnswerError {
  return new PeerAnswerError("too_large", `${what} exceeded ${formatByteLimit(maxBytes)}`);
}

export function answerTooSlow(what: string, deadlineMs: number | undefined): PeerAnswerError {
  return new PeerAnswerError("deadline", `no complete ${what} within ${deadlineMs !== undefined ? `${deadlineMs / 1000} s` : "its deadline"}`);
}

/**
 * All of `body`, at most `maxBytes` of it, before `signal` aborts. Throws PeerAnswerError when the
 * answer is larger or late; other stream errors are passed on. The stream is destroyed whenever
 * the read does not reach its end, so the connection is never left half-read.
 */
export async function readPeerAnswer(body: AnswerStream, limits: AnswerLimits): Promise<Buffer> {
  const { signal } = limits;
  const late = () => answerTooSlow(limits.what, limits.deadlineMs);
  if (signal?.aborted) {
    body.destroy();
    throw late();
  }
  const onAbort = () => body.destroy(late());
  signal?.addEventListener("abort", onAbort, { once: true });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      size += bytes.length;
      if (size > limits.maxBytes) {
        const error = answerTooLarge(limits.what, limits.maxBytes);
        body.destroy(error);
        throw error;
      }
      chunks.push(bytes);
    }
  } catch (err) {
    if (err instanceof PeerAnswerError) throw err;
    if (signal?.aborted) throw late();
    throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  return Buffer.concat(chunks, size);
}
