// MLLP framing (HL7 MLLP Release 1/2): <VT 0x0B> message <FS 0x1C><CR 0x0D>. Pure state machine:
// bytes in (any split across TCP reads), events out. Oversized frames are skipped to their end so
// the stream resynchronises on the next start byte.

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export type FrameEvent =
  | { type: 'message'; payload: Buffer }
  /** A frame passed maxBytes: its first bytes (for the MSH-10 echo) and its total size. */
  | { type: 'oversize'; head: Buffer; size: number }
  /** A start byte arrived inside a frame: the earlier frame was cut short. */
  | { type: 'truncated'; head: Buffer; size: number }
  /** Bytes outside any frame (ignored, counted). */
  | { type: 'junk'; size: number };

const HEAD_BYTES = 4096;

export function frame(message: string | Buffer): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = VT;
  body.copy(out, 1);
  out[body.length + 1] = FS;
  out[body.length + 2] = CR;
  return out;
}

export class MllpDecoder {
  private state: 'idle' | 'frame' | 'skip' = 'idle';
  private parts: Buffer[] = [];
  private size = 0;
  private head: Buffer[] = [];
  private headSize = 0;
  /** The previous chunk ended on FS: a CR at the start of the next one completes the frame. */
  private pendingFs = false;

  constructor(private readonly maxBytes: number) {}

  /** Bytes held for an unfinished frame. */
  get buffered(): number {
    return this.size;
  }

  get inFrame(): boolean {
    return this.state !== 'idle';
  }

  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    let i = 0;
    const n = chunk.length;
    if (this.pendingFs) {
      this.pendingFs = false;
      // FS then CR ends the frame; FS then anything else is a lenient end (some senders omit CR).
      this.finish(events);
      if (n > 0 && chunk[0] === CR) i = 1;
    }
    while (i < n) {
      if (this.state === 'idle') {
        const start = chunk.indexOf(VT, i);
        if (start < 0) {
          events.push({ type: 'junk', size: n - i });
          return events;
        }
        if (start > i) events.push({ type: 'junk', size: start - i });
        this.state = 'frame';
        this.parts = [];
        this.size = 0;
        this.head = [];
        this.headSize = 0;
        i = start + 1;
        continue;
      }
      const end = chunk.indexOf(FS, i);
      const restart = chunk.indexOf(VT, i);
      if (restart >= 0 && (end < 0 || restart < end)) {
        this.append(chunk.subarray(i, restart));
        events.push({ type: 'truncated', head: Buffer.concat(this.head), size: this.size });
        this.state = 'idle';
        this.parts = [];
        this.size = 0;
        i = restart;
        continue;
      }
      if (end < 0) {
        this.append(chunk.subarray(i));
        return events;
      }
      this.append(chunk.subarray(i, end));
      if (end + 1 >= n) {
        this.pendingFs = true;
        return events;
      }
      this.finish(events);
      i = chunk[end + 1] === CR ? end + 2 : end + 1;
    }
    return events;
  }

  private append(b: Buffer) {
    if (b.length === 0) return;
    if (this.headSize < HEAD_BYTES) {
      const take = b.subarray(0, HEAD_BYTES - this.headSize);
      this.head.push(take);
      this.headSize += take.length;
    }
    this.size += b.length;
    if (this.state === 'frame') {
      if (this.size > this.maxBytes) {
        this.state = 'skip';
        this.parts = [];
      } else this.parts.push(b);
    }
  }

  private finish(events: FrameEvent[]) {
    if (this.state === 'skip')
      events.push({ type: 'oversize', head: Buffer.concat(this.head), size: this.size });
    else
      events.push({
        type: 'message',
        payload: this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts),
      });
    this.state = 'idle';
    this.parts = [];
    this.size = 0;
    this.head = [];
    this.headSize = 0;
  }
}
