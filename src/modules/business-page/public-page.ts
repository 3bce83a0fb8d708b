// What a visitor sees of a business page: only the displayable modules.
import type { GalleryPhoto } from '../../generated/prisma/client.ts';
import type { GalleryTitle } from '../../generated/prisma/enums.ts';
import type { BusinessInfo } from './rules.ts';

export interface PublicPage {
  handle: string;
  displayName: string;
  info: BusinessInfo | null;
  title: GalleryTitle;
  /** in display order, with their media's type and size (a visitor's page needs no other read) */
  photos: (GalleryPhoto & { media: { contentType: string; size: number } })[];
}
