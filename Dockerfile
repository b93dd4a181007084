# syntax=docker/dockerfile:1
# smt-monitor: one image for the exporter and the notifier (docker-compose.yml), and a "demo" target
# that adds the simulator's packages for the demo profile.
# Node.js 20 LTS (the version the tests run on); multi-stage: build with dev dependencies, ship
# only the compiled JavaScript and the production dependencies, run as the unprivileged "node" user.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

# The production dependencies only: no test tooling, no simulator packages (ftp-srv, node-forge).
FROM build AS production-modules
RUN npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS base
ENV NODE_ENV=production
WORKDIR /app
# State lives in volumes mounted below /var/lib/smt-monitor (and, for the demo, /app/.smt-demo).
RUN mkdir -p /var/lib/smt-monitor /app/.smt-demo/simulator /app/.smt-demo/notifier \
 && chown -R node:node /var/lib/smt-monitor /app/.smt-demo
USER node
EXPOSE 9910 9911
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]

# docker compose --profile demo: the simulator needs the development dependencies.
FROM base AS demo
COPY --from=build --chown=root:root /src/package.json ./package.json
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
COPY --chown=root:root config ./config

# The production image (the default target): `simulate` here says in one line that it needs them.
FROM base AS runtime
COPY --from=production-modules --chown=root:root /src/package.json ./package.json
COPY --from=production-modules --chown=root:root /src/node_modules ./node_modules
COPY --from=production-modules --chown=root:root /src/dist ./dist
COPY --chown=root:root config ./config
USER node
