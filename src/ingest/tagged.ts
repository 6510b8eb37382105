// The one reader of tagged-line record formats (RIS, Web of Science plain text, MEDLINE/.nbib). They share the
// machinery: the input is split into numbered lines (lines.ts: BOM, CRLF, bad UTF-8 reported by line); a record
// is opened by one line, collects [tag, value] fields and its raw text, and is closed by an end tag, a blank line
// or the start of the next record; errors carry the line they were found on; at the end of the input the open
// record is closed. What differs — which lines are tags, what opens and closes a record, how continuation lines
// join a field — is the format's grammar (ris.ts, wos.ts, medline.ts), given here as one function per line.
import { splitLines } from './lines.ts';
import type { ImportedRecord, ReadEvent } from './record.ts';

/** The state a grammar drives: the open record (if any) and the events to yield. */
export class TaggedRecords<F> {
  /** Fields of the open record; null between records. */
  fields: F[] | null = null;
  /** Raw lines of the open record (kept as the record's source text). */
  raw: string[] = [];
  /** Line number where the open record started. */
  start = 0;
  readonly events: ReadEvent[] = [];

  constructor(private readonly build: (fields: F[], raw: string, line: number) => ImportedRecord) {}

  /** Opens a record at `line` (closing nothing: the grammar decides whether an open one is closed first). */
  open(line: number, fields: F[] = [], raw: string[] = []): F[] {
    this.fields = fields;
    this.raw = raw;
    this.start = line;
    return fields;
  }

  /** Closes the open record (if any) and yields it. */
  close(): void {
    if (this.fields === null) return;
    this.events.push({ type: 'record', record: this.build(this.fields, this.raw.join('\n'), this.start) });
    this.fields = null;
    this.raw = [];
  }

  error(line: number, message: string): void {
    this.events.push({ type: 'error', line, message });
  }
}

export interface TaggedGrammar<F> {
  /** Builds the record from its fields, raw text and first line. */
  record(fields: F[], raw: string, line: number): ImportedRecord;
  /** Handles one line (`ln` is its 1-based number). */
  line(l: string, ln: number, r: TaggedRecords<F>): void;
  /** At the end of the input: what to say about a record still open (the reader closes it afterwards). */
  end?(r: TaggedRecords<F>): void;
}

/** Reads a tagged-line file with a grammar; `grammar` is called once per read (it may keep per-file state). */
export async function* readTagged<F>(
  chunks: AsyncIterable<Buffer>,
  grammar: () => TaggedGrammar<F>,
): AsyncGenerator<ReadEvent> {
  const g = grammar();
  const r = new TaggedRecords<F>(g.record);
  for await (const batch of splitLines(chunks)) {
    for (const e of batch.errors) yield { type: 'error', line: e.line, message: e.message };
    const { lines } = batch;
    for (let k = 0; k < lines.length; k++) {
      g.line(lines[k]!, batch.first + k, r);
      if (r.events.length > 0) {
        yield* r.events;
        r.events.length = 0;
      }
    }
  }
  g.end?.(r);
  r.close();
  yield* r.events;
}
