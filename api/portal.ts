import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import express, { Router } from 'express';

/**
 * The owner portal's built files (`npm run build` writes them to dist/portal/). This file runs from the sources
 * (api/portal.ts, under tsx) or compiled (dist/api/portal.js, in the image): either way they are there.
 */
const PORTAL_DIR = resolve(__dirname, '..', basename(resolve(__dirname, '..')) === 'dist' ? 'portal' : 'dist/portal');

/**
 * The page's policy: its own scripts, styles and API only, nothing inline (Vite's build writes none), logos from
 * any HTTPS address (a producer's theme names its own), and framed only by `frameAncestors`.
 */
function contentSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/**
 * Serves the portal under /portal/: its hashed assets for a year, and its page (index.html) for every other path,
 * since the page routes itself (/portal/hooks/<id>). Not built: a 404 that says how to build it.
 */
export function portalRoutes(frameAncestors: string): Router {
  const router = Router();
  const policy = contentSecurityPolicy(frameAncestors);
  router.use((_req, res, next) => {
    res.setHeader('content-security-policy', policy);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  router.use('/assets', express.static(join(PORTAL_DIR, 'assets'), { immutable: true, maxAge: '365d' }));
  router.use('/assets', (req, res) => {
    res.status(404).json({ error: { code: 'route_not_found', message: `No portal file ${req.originalUrl}` } });
  });
  router.get('/{*path}', (req, res) => {
    const [path, query] = req.originalUrl.split('?', 2);
    if (path === '/portal') return res.redirect(301, `/portal/${query === undefined ? '' : `?${query}`}`);
    const page = join(PORTAL_DIR, 'index.html');
    if (!existsSync(page)) {
      res.status(404).json({
        error: { code: 'portal_not_built', message: 'The portal is not built: run `npm run build`' },
      });
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(page);
  });
  return router;
}
