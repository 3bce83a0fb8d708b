// Admission control for mutations. Past its capacity an instance got slower for everyone:
// every extra mutation parsed, authenticated and opened a transaction, then waited for a
// database connection until Prisma gave up (2 s), wasting the work already done, and at
// ten times its capacity the instance delivered fewer DMs per second than at twice it. Here
// at most `concurrency` mutations execute at once; the others wait in line for at most
// `queueMs`, then are refused at once with OVERLOADED (retryable, nothing was changed), as
// are admitted mutations whose transaction the saturated database timed out (rolled back).
// Queries and subscriptions are not limited.
import type { Plugin } from '@envelop/core';
import { getOperationAST, GraphQLError, type ExecutionResult } from 'graphql';
import { isTransactionTimeout } from './errors.ts';

export interface AdmissionLimits {
  /** mutations executing at once per instance */
  concurrency: number;
  /** how long a mutation may wait for a slot before it is refused */
  queueMs: number;
}

/** A counting semaphore whose waiters give up after a deadline. */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  enter(waitMs: number): Promise<boolean> {
    if (this.active < this.capacity) {
      this.active += 1;
      return Promise.resolve(true);
    }
    if (waitMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const admit = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(admit), 1);
        resolve(false);
      }, waitMs);
      this.waiting.push(admit);
    });
  }

  /** mutations waiting for a slot now */
  get queued(): number {
    return this.waiting.length;
  }

  /** nobody inside and nobody waiting */
  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }

  leave(): void {
    const next = this.waiting.shift();
    // the slot passes straight to the next in line
    if (next) next();
    else this.active -= 1;
  }
}

const overloadedError = (path?: readonly (string | number)[]) =>
  new GraphQLError('This instance is at capacity: nothing was changed, retry shortly.', { path, extensions: { code: 'OVERLOADED', http: { status: 503 } } });
const overloaded = (): ExecutionResult => ({ errors: [overloadedError()] });

/**
 * A mutation admitted but refused by a saturated database (its transaction could not start
 * or ran out of time, and was rolled back) is overload too: the same retryable OVERLOADED,
 * not a masked fault.
 */
function overloadForTransactionTimeouts(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((error) => isTransactionTimeout(error.originalError))) return result;
  return { ...result, errors: result.errors.map((error) => (isTransactionTimeout(error.originalError) ? overloadedError(error.path) : error)) };
}

/** What the metrics read: the queue's length when scraped, and each refusal with its reason. */
export interface AdmissionObserver {
  queued(read: () => number): void;
  refused(reason: 'queue_wait' | 'transaction_timeout'): void;
}

export function useMutationAdmission(limits: AdmissionLimits, observer?: AdmissionObserver): Plugin {
  const gate = new Gate(limits.concurrency);
  observer?.queued(() => gate.queued);
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      setExecuteFn(async (executeArgs) => {
        if (!(await gate.enter(limits.queueMs))) {
          observer?.refused('queue_wait');
          return overloaded();
        }
        try {
          const result = overloadForTransactionTimeouts((await executeFn(executeArgs)) as ExecutionResult);
          if (observer && result.errors?.some((error) => error.extensions?.code === 'OVERLOADED')) observer.refused('transaction_timeout');
          return result;
        } finally {
          gate.leave();
        }
      });
    },
  };
}
