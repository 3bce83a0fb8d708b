// V8 lets the old generation grow up to 4× past what survived the last full collection. That
// is cheap for requests (few full collections) but lets a long CSV export's promoted garbage
// pile up past 200 MB. So the heap's growth is held to 25 % only while an export streams, and
// the rest of the API keeps V8's default (npm start once capped it for the whole process, and
// every read paid for it in full collections). V8 reads the flag whenever it sets the next
// collection's limit, which it does after a full collection: one is run when the hold starts,
// so that the tight limit applies from the export's first page, not from wherever the loose
// limit of the last collection lies (without it the 1M-lead export peaked at 235 MB). That
// collection pauses the event loop once per export (60–80 ms with the app's ~40 MB live heap).
import v8 from 'node:v8';
import vm from 'node:vm';

const TIGHT_GROWTH = '--heap-growing-percent=25';
const DEFAULT_GROWTH = '--heap-growing-percent=0'; // 0: V8's own growing factor

let holders = 0;
let collect: (() => void) | undefined;

/** A full collection (V8's `gc`, reached through a context created after exposing it). */
function collectGarbage() {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

/** Runs `work` with the heap's growth held to 25 % (shared by overlapping callers). */
export async function withTightHeapGrowth<T>(work: () => Promise<T>): Promise<T> {
  if (holders++ === 0) {
    v8.setFlagsFromString(TIGHT_GROWTH);
    collectGarbage();
  }
  try {
    return await work();
  } finally {
    if (--holders === 0) v8.setFlagsFromString(DEFAULT_GROWTH);
  }
}
