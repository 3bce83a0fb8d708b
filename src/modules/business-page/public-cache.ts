// The public business page served from memory. Every visitor of a handle sees the same page,
// and pages change rarely, so each instance keeps the loaded page per handle and drops it when
// the app says it changed: the page's own mutations, account creation and updates (handle,
// display name) announce `publicPageChanged` (announcePublicPageChange), which reaches every
// instance through pub/sub. The announcing instance drops its copy at once, before the
// mutation answers; the others when the event arrives. A TTL bounds what a lost event
// (a Redis reconnect) could leave stale.
import type { AppServices } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import type { Stoppable } from '../../platform/runtime.ts';
import { infoDisplayable, pageVisible } from './rules.ts';
import type { PublicPage } from './public-page.ts';
import './events.ts';

const TTL_MS = 60_000;
/** distinct handles kept (unknown handles are cached too, as null): beyond it, start over */
const MAX_ENTRIES = 10_000;

const photoOrder = [{ position: 'asc' as const }, { id: 'asc' as const }];

interface Entry {
  page: Promise<PublicPage | null>;
  at: number;
  loading: boolean;
}

/** The page as a visitor sees it (null when not visible), and the account it belongs to. */
async function loadPublicPage(db: Db, handle: string): Promise<{ accountId: string | null; page: PublicPage | null }> {
  const account = await db.businessAccount.findUnique({
    where: { handle },
    select: {
      id: true,
      handle: true,
      displayName: true,
      page: true,
      photos: { orderBy: photoOrder, include: { media: { select: { contentType: true, size: true } } } },
    },
  });
  if (!account) return { accountId: null, page: null };
  if (!account.page || !pageVisible(account.page, account.photos.length)) return { accountId: account.id, page: null };
  // drops the empty attributes so a visitor sees only what the business filled in
  const info = infoDisplayable(account.page) ? account.page : null;
  return {
    accountId: account.id,
    page: { handle: account.handle, displayName: account.displayName, info, title: account.page.galleryTitle, photos: account.photos },
  };
}

export class PublicPageCache implements Stoppable {
  private readonly entries = new Map<string, Entry>();
  private readonly handlesByAccount = new Map<string, Set<string>>();
  /** bumped by every change: a load that started before a change is not kept */
  private generation = 0;
  private readonly events: AsyncIterator<unknown>;

  constructor(private readonly services: AppServices) {
    const stream = services.pubsub.subscribe('publicPageChanged', 'all');
    this.events = stream;
    void (async () => {
      for (;;) {
        const next = await stream.next();
        if (next.done) return;
        this.forget(next.value);
      }
    })().catch(() => {});
  }

  page(handle: string): Promise<PublicPage | null> {
    const now = Date.now();
    const cached = this.entries.get(handle);
    if (cached && now - cached.at < TTL_MS) return cached.page;
    if (this.entries.size >= MAX_ENTRIES) this.clear();
    const generation = this.generation;
    const loaded = loadPublicPage(this.services.db, handle);
    const entry: Entry = { page: loaded.then((l) => l.page), at: now, loading: true };
    this.entries.set(handle, entry);
    const drop = () => void (this.entries.get(handle) === entry && this.entries.delete(handle));
    loaded.then(({ accountId }) => {
      entry.loading = false;
      // changed while loading: this copy may predate the change
      if (generation !== this.generation) return drop();
      if (accountId) this.handlesByAccount.set(accountId, (this.handlesByAccount.get(accountId) ?? new Set()).add(handle));
    }, drop);
    return entry.page;
  }

  /** Drops what is cached of these accounts (under any handle) and these handles. */
  forget(change: { accountIds: string[]; handles: string[] }): void {
    this.generation += 1;
    // a load still running may have read the old page, and its account is not known yet
    for (const [handle, entry] of this.entries) if (entry.loading) this.entries.delete(handle);
    for (const accountId of change.accountIds) {
      for (const handle of this.handlesByAccount.get(accountId) ?? []) this.entries.delete(handle);
      this.handlesByAccount.delete(accountId);
    }
    for (const handle of change.handles) this.entries.delete(handle);
  }

  private clear(): void {
    this.entries.clear();
    this.handlesByAccount.clear();
  }

  stop(): void {
    void this.events.return?.();
  }
}

export const publicPageCache = (services: AppServices) => services.runtime.get('publicPageCache', () => new PublicPageCache(services));

/**
 * Tells every instance that what visitors see of these accounts or handles may have changed.
 * Call after the change has committed.
 */
export function announcePublicPageChange(services: AppServices, change: { accountIds?: string[]; handles?: string[] }): void {
  const event = { accountIds: change.accountIds ?? [], handles: change.handles ?? [] };
  // this instance at once: the caller's next read must see the change
  services.runtime.peek<PublicPageCache>('publicPageCache')?.forget(event);
  services.pubsub.publish('publicPageChanged', 'all', event);
}
