'use strict';
// The Node reference for Tributary's stream: a plain `http` server that answers the same two requests as
// bench/Tributary.Reference (the bare-Kestrel loop) and the app, so that one load client measures all three.
//   GET /api/stream?feeds=c1,c2[&count=N][&rate=R]   the app's records, feeds interleaved; N items per feed
//                                                     (unbounded without); R items/s per feed (0: unthrottled);
//                                                     gzip (sync flush per 64 KB batch) with Accept-Encoding: gzip
//   GET /api/stats                                   {"activeStreams":n,"activeProducers":n}
// Unthrottled, it writes 64 KB batches and waits for 'drain' when the socket is full, as a Node server should.
//   node server.js --port 5078 [--host 127.0.0.1]
const http = require('node:http');
const zlib = require('node:zlib');

const FLUSH_BYTES = 64 * 1024;
let active = 0;

function argument(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function record(feed, seq) {
  return `{"feed":${feed},"seq":${seq},"ts":"${new Date().toISOString()}","data":{"value":${seq}}}\n`;
}

function stream(request, response, url) {
  const feeds = (url.searchParams.get('feeds') || 'c1').split(',').map((name) => JSON.stringify(name));
  const count = url.searchParams.has('count') ? Number(url.searchParams.get('count')) : Infinity;
  const rate = Number(url.searchParams.get('rate') || 0);
  const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] || '');
  const headers = { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-cache' };
  if (gzip) headers['Content-Encoding'] = 'gzip';
  response.writeHead(200, headers);
  response.flushHeaders();

  let output = response;
  if (gzip) {
    output = zlib.createGzip({ level: 1 });
    output.pipe(response);
  }

  active++;
  let seq = 0;
  let closed = false;
  let timer = null;
  const stop = () => {
    if (closed) return;
    closed = true;
    active--;
    if (timer) clearTimeout(timer);
  };
  response.on('close', stop);

  const write = (text, last) => {
    if (gzip) {
      output.write(text);
      if (last) output.end(); else output.flush(zlib.constants.Z_SYNC_FLUSH);
      return !response.writableNeedDrain;
    }
    return last ? (response.end(text), true) : response.write(text);
  };

  const pump = () => {
    while (!closed) {
      let batch = '';
      while (batch.length < FLUSH_BYTES && seq < count) {
        seq++;
        for (const feed of feeds) batch += record(feed, seq);
        if (seq === 1 || rate > 0) break;
      }

      const last = seq >= count;
      const ready = write(batch, last);
      if (last) return stop();
      if (rate > 0) {
        timer = setTimeout(pump, 1000 / rate);
        return;
      }
      // The next batch always waits for the event loop's next turn: 'drain' can be emitted from within a write
      // that completed at once, and continuing from there would starve every other request and timer.
      const next = () => setImmediate(pump);
      if (ready) next(); else response.once('drain', next);
      return;
    }
  };
  pump();
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://reference');
  if (url.pathname === '/api/stream') return stream(request, response, url);
  if (url.pathname === '/api/stats') {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    return response.end(JSON.stringify({ activeStreams: active, activeProducers: active }));
  }
  response.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(Number(argument('--port', '5078')), argument('--host', '127.0.0.1'));
