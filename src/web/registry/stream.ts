// The one way the registry streams an export (security review M5): a byte stream pulled from an async iterator,
// one part per client read (highWaterMark 0: the next part is read from the database only when the client has
// taken the last one), so an export holds one page in memory whatever the registry's size. Used by the
// de-identified export (index.ts) and the FHIR/CSV exports (export.ts).
//
// `release` gives back the export's place (the concurrency limits) exactly once: at the end, on a failure, or
// when the client goes away. A client that goes away while a part is being read makes that read's enqueue throw
// (the stream is already cancelled): that is not a failure and is not logged; a failure while the client is still
// reading is handed to `onFailure` and errors the stream.

export interface PulledStreamOptions<T> {
  /** The bytes of one part; `first` is true for the first part the stream sends. */
  encode: (part: T, first: boolean) => Uint8Array;
  /** Bytes after the last part (e.g. a JSON array's closing bracket); `empty` is true when no part was sent. */
  end?: (empty: boolean) => Uint8Array | null;
  /** A part already read (so that a refusal could still answer an error status): sent first. */
  head?: IteratorResult<T>;
  release: () => void;
  onFailure: (e: unknown) => void;
}

export function pulledStream<T>(parts: AsyncIterator<T>, o: PulledStreamOptions<T>): ReadableStream<Uint8Array> {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    o.release();
  };
  let sent = false;
  let cancelled = false;
  const send = (ctrl: ReadableStreamDefaultController<Uint8Array>, n: IteratorResult<T>) => {
    if (n.done) {
      const tail = o.end?.(!sent);
      if (tail) ctrl.enqueue(tail);
      ctrl.close();
      release();
      return;
    }
    ctrl.enqueue(o.encode(n.value, !sent));
    sent = true;
  };
  return new ReadableStream<Uint8Array>(
    {
      start(ctrl) {
        if (o.head) send(ctrl, o.head);
      },
      async pull(ctrl) {
        try {
          send(ctrl, await parts.next());
        } catch (e) {
          release();
          if (cancelled) return; // the client went away mid-read
          o.onFailure(e);
          ctrl.error(e);
        }
      },
      async cancel() {
        cancelled = true;
        release();
        await parts.return?.(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
