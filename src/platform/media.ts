// Content-addressed media store: a file's key is the SHA-256 of its bytes plus an extension
// naming its type, so identical uploads share one file, URLs never change, and serving needs
// no database lookup. Types are detected from the content, never from the file name.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const extensions: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
};
const typesByExtension = Object.fromEntries(Object.entries(extensions).map(([type, ext]) => [ext, type]));
const keyPattern = /^([0-9a-f]{64})\.([a-z0-9]{2,5})$/;

export interface StoredMedia {
  key: string;
  contentType: string;
  size: number;
}

export interface MediaStore {
  /** the MIME type the bytes really are, or null when unrecognised */
  sniff(bytes: Uint8Array): Promise<string | null>;
  put(bytes: Uint8Array, contentType: string): Promise<StoredMedia>;
  url(key: string): string;
  /** handles GET/HEAD /media/<key>; returns false for other paths */
  serve(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

export function createMediaStore(dir: string, publicUrl: () => string): MediaStore {
  const fileFor = (key: string) => path.join(dir, key.slice(0, 2), key);
  return {
    async sniff(bytes) {
      // loaded on the first upload, not at boot
      const { fileTypeFromBuffer } = await import('file-type');
      const detected = await fileTypeFromBuffer(bytes);
      return detected?.mime ?? null;
    },
    async put(bytes, contentType) {
      const ext = extensions[contentType];
      if (!ext) throw new Error(`unsupported media type ${contentType}`);
      const key = `${createHash('sha256').update(bytes).digest('hex')}.${ext}`;
      const file = fileFor(key);
      const exists = await stat(file).then(() => true, () => false);
      if (!exists) {
        await mkdir(path.dirname(file), { recursive: true });
        // write then rename: a reader never sees a half-written file
        // (a unique name: two uploads of the same bytes may be written at the same moment)
        const temp = `${file}.${randomUUID()}.tmp`;
        await writeFile(temp, bytes);
        await rename(temp, file);
      }
      return { key, contentType, size: bytes.byteLength };
    },
    url: (key) => `${publicUrl()}/media/${key}`,
    async serve(req, res) {
      const url = new URL(req.url ?? '/', 'http://local');
      if (!url.pathname.startsWith('/media/')) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return true;
      }
      const key = url.pathname.slice('/media/'.length);
      const match = keyPattern.exec(key);
      const info = match ? await stat(fileFor(key)).catch(() => null) : null;
      if (!match || !info || !typesByExtension[match[2]]) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return true;
      }
      const etag = `"${match[1]}"`;
      const headers = {
        'content-type': typesByExtension[match[2]],
        'cache-control': 'public, max-age=31536000, immutable',
        etag,
        'x-content-type-options': 'nosniff',
      };
      if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
        res.writeHead(304, headers).end();
        return true;
      }
      res.writeHead(200, { ...headers, 'content-length': info.size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(fileFor(key)).pipe(res);
      return true;
    },
  };
}

/** If-None-Match (RFC 9110 §13.1.2): `*` or a list of entity tags, compared weakly. */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
