# weft: a multi-stage image on Node 24 (Debian slim: glibc, which isolated-vm's prebuilt binary needs).
# Build:  docker build -t weft .
# Run:    docker run --rm -p 8000:8000 -p 9464:9464 -v weft-data:/data weft start -f /data/specs --ops 0.0.0.0:9464 --ops-bind-public
# See docs/deploy.md.

# --- build: every dependency, then TypeScript to dist/ ---------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the root `prepare` build runs below, once the sources are there, and no
# dev dependency downloads anything at install time (mongodb-memory-server's postinstall).
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schemes ./schemes
COPY codecs ./codecs
COPY cli ./cli
RUN npm run build

# --- runtime: production dependencies, the build output and the shipped namespaces -----------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    WEFT_STORE=sqlite:///data/weft.db \
    NODE_COMPILE_CACHE=/tmp/weft-compile-cache
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no `prepare` build (TypeScript is a dev dependency); isolated-vm loads its
# prebuilt binary (prebuilds/linux-*) at run time, nothing is compiled or downloaded here.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY namespaces ./namespaces
COPY examples ./examples
# The web console (/ui on the ops plane), built and checked in.
COPY ui/assets ./ui/assets
# A non-root user owns the data directory (the SQLite store, the run directory of `weft up`).
RUN groupadd --system --gid 10001 weft \
 && useradd --system --uid 10001 --gid weft --home-dir /data --shell /usr/sbin/nologin weft \
 && mkdir -p /data && chown weft:weft /data
USER weft:weft
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000 9464
# tini-like signal handling is not needed: node is PID 1 and weft handles SIGTERM/SIGINT itself.
ENTRYPOINT ["node", "/app/dist/cli/weft.js"]
CMD ["start", "--ops", "0.0.0.0:9464", "--ops-bind-public"]
