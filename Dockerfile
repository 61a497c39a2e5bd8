# One image for every bizgraph process (gateway, subgraphs, stand-ins); docker-compose.yml picks
# the entry with `command`. Build: docker build -t bizgraph .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Every process compiled to JavaScript in dist/: nothing runs TypeScript at run time.
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 BIZGRAPH_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time: the supergraph, the catalog, the subgraphs' SDL.
COPY schema ./schema
RUN mkdir -p /data && chown node:node /data
USER node
# Liveness of whichever process runs here, on its own PORT (the slim image has no curl).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/gateway/src/main.js"]
