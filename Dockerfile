# smt-monitor: one image for the exporter and the notifier (docker-compose.yml), and a "demo" target
# that adds the simulator's packages for the demo profile.
# Multi-stage: build with dev dependencies, ship only the compiled JavaScript and the production
# dependencies, run as the unprivileged "node" user.
#
# Node.js 24 LTS ("Krypton": maintenance until April 2028; Node.js 20 reached its end of life in
# April 2026, Node.js 22 reaches it in April 2027), pinned to a release. The image should also be
# pinned by digest (node:24.11.1-bookworm-slim@sha256:...): take it from
# `docker buildx imagetools inspect node:24.11.1-bookworm-slim` where the registry is reachable (our
# build machines cannot pull), and move tag and digest together. The test machines run Node.js 20
# (Debian 12); the image itself is built and run by test/compose-stack.test.ts where an engine runs.
# No "# syntax=" line: the engine's built-in Dockerfile frontend (BuildKit, Docker 20.10 and later)
# has everything used here, and fetching a frontend image needs a registry.
#
# Where no registry can be reached, scripts/container-images.sh builds a local NODE_IMAGE (Debian
# bookworm from debootstrap and the Node.js binary from the npm registry) and passes the machine's CA
# bundle as the build secret "npm-ca" (README.md, "In containers").

ARG NODE_IMAGE=node:24.11.1-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# The optional secret "npm-ca" (docker build --secret id=npm-ca,src=CA-BUNDLE): CA certificates npm
# must trust, e.g. behind a TLS-inspecting proxy. A secret mount is in no layer of any stage.
RUN --mount=type=secret,id=npm-ca \
    if [ -s /run/secrets/npm-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca; fi \
 && npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

# The production dependencies only: no test tooling, no simulator packages (ftp-srv, node-forge).
FROM build AS production-modules
RUN npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS base
# kind: browser checks run Debian's Chromium, as scripts/setup.sh installs it on a machine: the example
# config counts the logged-in portal walk for the GUI, and without a browser that check fails with
# `internal` and the GUI's minutes count as down (false outages, false market notices).
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --chown=root:root LICENSE ./LICENSE
# State lives in volumes mounted below /var/lib/smt-monitor (and, for the demo, /app/.smt-demo). Every
# mount point exists here, owned by node: Docker copies a mount point's owner into a new named
# volume, and creates a missing one owned by root (the notifier then cannot open its store).
RUN mkdir -p /var/lib/smt-monitor/notifier /app/.smt-demo/simulator /app/.smt-demo/notifier \
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
