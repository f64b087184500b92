// Lines appended to a file through a buffer (no whole-file string): the sample generators write
// captions.jsonl and truth.jsonl with it, files that grow past the longest string V8 can build.
import { closeSync, openSync, writeSync } from 'node:fs';

export class LineWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;

  /** `flushBytes`: characters buffered before a write (default 1 MiB). */
  constructor(
    file: string,
    private readonly flushBytes = 1 << 20,
  ) {
    this.fd = openSync(file, 'w');
  }

  line(s: string): void {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size > this.flushBytes) this.flush();
  }

  flush(): void {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
