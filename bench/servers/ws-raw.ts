// A raw `ws` echo server (the same echo, no engine), for bench:ws.
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const server = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws', perMessageDeflate: false });
server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(isBinary ? data : data.toString('utf8'), { binary: isBinary })));
server.once('listening', () => console.log('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
