/**
 * Container log reading: Docker's multiplexed stream format, line splitting, and the last lines
 * of a container's log for error messages.
 */
import { StringDecoder } from "node:string_decoder";

import type Dockerode from "dockerode";

/** Size of the header that precedes every frame of a multiplexed (non-TTY) log stream. */
const FRAME_HEADER_BYTES = 8;

export type LogStreamName = "stdout" | "stderr";

export interface LogFrame {
  readonly stream: LogStreamName;
  readonly payload: Buffer;
}

/**
 * Splits a multiplexed log buffer into frames. Each frame has an 8-byte header: the stream type
 * (1 = stdout, 2 = stderr), three zero bytes and the payload size as a big-endian uint32.
 * Returns the frames and the bytes of an incomplete trailing frame.
 */
export function demultiplex(buffer: Buffer): { frames: LogFrame[]; rest: Buffer } {
  const frames: LogFrame[] = [];
  let offset = 0;
  while (buffer.length - offset >= FRAME_HEADER_BYTES) {
    const size = buffer.readUInt32BE(offset + 4);
    const end = offset + FRAME_HEADER_BYTES + size;
    if (end > buffer.length) {
      break;
    }
    const stream = buffer[offset] === 2 ? "stderr" : "stdout";
    frames.push({ stream, payload: buffer.subarray(offset + FRAME_HEADER_BYTES, end) });
    offset = end;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/**
 * Collects the bytes of one log stream and emits complete UTF-8 lines, without the line ending.
 * Its own decoder keeps a character whose bytes span two chunks or frames whole.
 */
export class LineSplitter {
  private pending = "";
  private readonly decoder = new StringDecoder("utf8");

  constructor(private readonly onLine: (line: string) => void) {}

  push(bytes: Buffer): void {
    const parts = (this.pending + this.decoder.write(bytes)).split("\n");
    this.pending = parts.pop() ?? "";
    for (const part of parts) {
      this.onLine(part.replace(/\r$/, ""));
    }
  }

  /** Emits the last line when it had no line ending. */
  flush(): void {
    this.pending += this.decoder.end();
    if (this.pending !== "") {
      this.onLine(this.pending.replace(/\r$/, ""));
      this.pending = "";
    }
  }
}

/** Turns a finished log buffer into lines, demultiplexing it unless the container has a TTY. */
export function logBufferToLines(buffer: Buffer, tty: boolean): string[] {
  const lines: string[] = [];
  const collect = (line: string) => lines.push(line);
  // Each stream gets its own splitter, because Docker may cut a line, even inside a character,
  // into several frames.
  const splitters = { stdout: new LineSplitter(collect), stderr: new LineSplitter(collect) };
  if (tty) {
    splitters.stdout.push(buffer);
  } else {
    for (const frame of demultiplex(buffer).frames) {
      splitters[frame.stream].push(frame.payload);
    }
  }
  splitters.stdout.flush();
  splitters.stderr.flush();
  return lines;
}

/** Reads the last `lines` lines of a container's log, stdout and stderr together. */
export async function readLogTail(
  docker: Dockerode,
  containerId: string,
  lines: number,
): Promise<string[]> {
  const container = docker.getContainer(containerId);
  const info = await container.inspect();
  const raw: unknown = await container.logs({
    stdout: true,
    stderr: true,
    tail: lines,
    follow: false,
  });
  // docker-modem parses a body that happens to be valid JSON, so turn it back into text.
  const buffer = Buffer.isBuffer(raw)
    ? raw
    : Buffer.from(typeof raw === "string" ? raw : JSON.stringify(raw));
  return logBufferToLines(buffer, info.Config?.Tty === true);
}
