// A raw `ws` echo server in noServer mode behind node:http's 'upgrade' event (how weft's listener
// hands a socket to the upgrader), for bench:ws: it separates the cost of the upgrade path from
// the engine's own.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
const server = createServer((_request, response) => response.end());
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => ws.on('message', (data, isBinary) => ws.send(isBinary ? data : data.toString('utf8'), { binary: isBinary })));
});
server.listen(port, '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});
