// A raw node:http server answering "pong": the lower bound for bench:http.
import { createServer } from 'node:http';

const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  response.end('pong');
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('ready'));
