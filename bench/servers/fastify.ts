// A raw fastify server answering GET /ping with "pong": the reference for bench:http.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/ping', (_request, reply) => {
  void reply.type('text/plain; charset=utf-8').send('pong');
});
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
console.log('ready');
