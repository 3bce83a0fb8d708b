// Failures a person can fix by changing one setting (a port in use, a database that is not
// there) become one line that names the setting, instead of a driver's stack trace.
// Entry points (main, seed, db:migrate) print `message` and exit 1.

export class StartupError extends Error {
  constructor(
    /** the environment variable to change */
    readonly setting: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The URL without its password, for messages. */
function redacted(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

interface AdapterErrorCause {
  kind?: string;
  originalMessage?: string;
  db?: string;
  host?: string;
  port?: number;
}

/** Prisma driver adapters throw DriverAdapterError with a `cause` saying what kind of failure it was. */
function adapterCause(error: unknown): AdapterErrorCause | undefined {
  if (error instanceof Error && error.name === 'DriverAdapterError' && typeof error.cause === 'object' && error.cause) return error.cause as AdapterErrorCause;
  return undefined;
}

/** What went wrong opening the database, in one line naming DATABASE_URL (or DATA_DIR for the embedded one). */
export function databaseStartupError(error: unknown, target: { databaseUrl?: string; dataDir: string }): unknown {
  if (error instanceof StartupError) return error;
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (!target.databaseUrl) {
    return new StartupError('DATA_DIR', `Cannot open the embedded database in ${target.dataDir} (${reason}): check DATA_DIR, or set DATABASE_URL to use PostgreSQL.`, { cause: error });
  }
  const where = redacted(target.databaseUrl);
  const cause = adapterCause(error);
  const detail = cause?.originalMessage ?? (error as NodeJS.ErrnoException).code ?? reason;
  const message = (() => {
    switch (cause?.kind) {
      case 'DatabaseNotReachable':
        return `Cannot reach PostgreSQL at ${where}: is it running? Start it or fix DATABASE_URL.`;
      case 'DatabaseDoesNotExist':
        return `The database "${cause.db}" does not exist (${where}): create it or fix DATABASE_URL.`;
      case 'DatabaseAccessDenied':
      case 'AuthenticationFailed':
        return `PostgreSQL refused the login (${detail}): fix the user or password in DATABASE_URL (${where}).`;
      default:
        return `Cannot open the database at ${where} (${detail}): check DATABASE_URL.`;
    }
  })();
  return new StartupError('DATABASE_URL', message, { cause: error });
}

/** Why the HTTP server could not listen, naming PORT or HOST. */
export function listenStartupError(error: unknown, listen: { port: number; host: string }): unknown {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new StartupError('PORT', `Port ${listen.port} is already in use on ${listen.host}: stop the process using it, or set PORT to a free port (PORT=0 picks one).`, { cause: error });
    case 'EACCES':
      return new StartupError('PORT', `Not allowed to listen on port ${listen.port}: set PORT to 1024 or above.`, { cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError('HOST', `Cannot listen on ${listen.host}: it is not an address of this machine; set HOST (0.0.0.0 listens on all interfaces).`, { cause: error });
    default:
      return error;
  }
}

/** For entry points: a StartupError becomes its one line on stderr and exit code 1; anything else is rethrown. */
export function exitOnStartupError(error: unknown): never {
  if (!(error instanceof StartupError)) throw error;
  console.error(error.message);
  process.exit(1);
}
