// Tiny static server on 127.0.0.1 for the bench pages and our fixture pages (perception's
// and the API tests' small site).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

export const ROOTS = {
  '/bench/': new URL('../../../shared/bench/pages/', import.meta.url).pathname,
  '/fx/': new URL('../../tests/perception/fixtures/pages/', import.meta.url).pathname,
  '/site/': new URL('../../tests/fixtures/site/', import.meta.url).pathname,
};

export function serve(port = 0) {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    for (const [prefix, dir] of Object.entries(ROOTS)) {
      if (!u.pathname.startsWith(prefix)) continue;
      const file = path.join(dir, decodeURIComponent(u.pathname.slice(prefix.length)));
      if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) break;
      const ext = path.extname(file);
      const type = ext === '.html' ? 'text/html; charset=utf-8' : ext === '.js' ? 'text/javascript' : (ext === '.tsv' || ext === '.txt') ? 'text/plain; charset=utf-8' : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type });
      fs.createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
